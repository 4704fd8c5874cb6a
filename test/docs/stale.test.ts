/**
 * The docs that are not code blocks: the package tables, `@since` tags and
 * the install lines' tarball names.
 * These drifted once (the client's table listed add/remove only, its README
 * left out `headers` and `rules`, and `@since 0.2.0` stood in packages at
 * 0.1.0), so they are checked against the code they describe.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Client from "@linq-effect/client"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")
const read = (...path: ReadonlyArray<string>) => readFileSync(join(root, ...path), "utf8")
const packages = ["core", "http", "client", "testing", "webhooks"]

const sources = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : []
  )

const compare = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number))
  for (let i = 0; i < 3; i++) {
    const d = (x?.[i] ?? 0) - (y?.[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

// The client's operations: every function its root exports.
const operations = Object.entries(Client)
  .filter(([, value]) => typeof value === "function")
  .map(([name]) => name)

describe("docs match the code", () => {
  it.each(packages)("no @since in %s names a version after the package's own", (name) => {
    const version: string = JSON.parse(read("packages", name, "package.json")).version
    const later = sources(join(root, "packages", name, "src")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/@since (\d+\.\d+\.\d+)/g)]
        .map((m) => m[1] ?? "")
        .filter((since) => compare(since, version) > 0)
        .map((since) => `${file}: ${since}`)
    )
    expect(later).toStrictEqual([])
  })

  it("the client exports the operations the docs are checked for", () => {
    for (const name of ["addParticipant", "addParticipants", "getChat", "syncParticipants"]) {
      expect(operations).toContain(name)
    }
  })

  it.each(operations)("the README's package table and the client README name %s", (name) => {
    const row = read("README.md")
      .split("\n")
      .find((line) => line.startsWith("| `@linq-effect/client`"))
    expect(row).toContain(name)
    expect(read("packages", "client", "README.md")).toContain(`\`${name}`)
  })

  it("the client README names every per-call option of addParticipant", () => {
    const source = read("packages", "client", "src", "Participants.ts")
    const body = /export interface ParticipantRequestOptions \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? ""
    const fields = [...body.matchAll(/readonly (\w+)\?/g)].map((m) => m[1] ?? "")
    expect(fields).toEqual(expect.arrayContaining(["timeout", "maxRetries", "headers", "rules"]))
    const readme = read("packages", "client", "README.md")
    for (const field of fields) expect(readme).toContain(`\`${field}\``)
  })

  it("the README's install lines name the tarballs `pnpm pack` makes (each package's own version)", () => {
    const named = [...read("README.md").matchAll(/linq-effect-(\w+)-(\d+\.\d+\.\d+)\.tgz/g)]
    expect(named.map((m) => m[1]).sort()).toEqual([...packages].sort())
    for (const [, name, version] of named) {
      expect(`${name}@${version}`).toBe(
        `${name}@${JSON.parse(read("packages", name ?? "", "package.json")).version}`
      )
    }
  })
})
