#!/usr/bin/env node
// Checks the packages as a consumer outside the workspace sees them: packs each
// one (after `pnpm build`), installs the tarballs into a scratch project next
// to effect and @effect/platform, then imports every package with plain Node
// (no source condition) and type-checks a consumer with tsc against the
// published declarations.
import { execFileSync } from "node:child_process"
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const packages = ["core", "http", "client", "testing"]
const scratch = mkdtempSync(join(tmpdir(), "linq-effect-pack-"))
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"] }).toString()

try {
  const modules = join(scratch, "node_modules")
  mkdirSync(join(modules, "@linq-effect"), { recursive: true })
  mkdirSync(join(modules, "@effect"), { recursive: true })
  for (const name of packages) {
    const dir = join(root, "packages", name)
    run("pnpm", ["pack", "--pack-destination", scratch], dir)
    const tarball = readdirSync(scratch).find(
      (f) => f.startsWith(`linq-effect-${name}-`) && f.endsWith(".tgz")
    )
    if (tarball === undefined) throw new Error(`no tarball for ${name}`)
    const listing = run("tar", ["-tzf", join(scratch, tarball)], scratch)
    if (!listing.includes("package/dist/index.js") || !listing.includes("package/dist/index.d.ts")) {
      throw new Error(`${tarball} lacks dist/index.js or dist/index.d.ts`)
    }
    const papers = ["package/README.md", "package/LICENSE"].filter((f) => !listing.split("\n").includes(f))
    if (papers.length > 0) throw new Error(`${tarball} lacks ${papers.join(" and ")}`)
    if (/package\/(test|node_modules)\//.test(listing))
      throw new Error(`${tarball} ships tests or node_modules`)
    const target = join(modules, "@linq-effect", name)
    mkdirSync(target)
    run("tar", ["-xzf", join(scratch, tarball), "-C", target, "--strip-components=1"], scratch)
    const manifest = JSON.parse(readFileSync(join(target, "package.json"), "utf8"))
    if (JSON.stringify(manifest).includes("workspace:"))
      throw new Error(`${tarball} still has workspace: ranges`)
  }
  // The peers a consumer brings, taken from this workspace's install.
  for (const peer of ["effect", "@effect/platform", "@effect/platform-node"]) {
    symlinkSync(realpathSync(join(root, "node_modules", peer)), join(modules, peer))
  }
  // @effect/platform-node's own dependencies sit beside it in pnpm's store, reachable through its realpath.
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module", private: true }))
  writeFileSync(
    join(scratch, "consumer.mjs"),
    `import * as Core from "@linq-effect/core"
import * as Http from "@linq-effect/http"
import * as Client from "@linq-effect/client"
import * as Testing from "@linq-effect/testing"
const missing = [
  ["core", Core, ["Handle", "ChatId", "ParticipantAddParams", "ParticipantAddResponse", "Chat", "ErrorEnvelope", "GroupChatRules", "InvalidHandle", "NotAGroupChat", "UnexpectedResponse"]],
  ["http", Http, ["LinqHttpClient"]],
  ["client", Client, ["addParticipant", "removeParticipant"]],
  ["testing", Testing, ["FakeLinq"]]
].flatMap(([pkg, mod, names]) => names.filter((n) => !(n in mod)).map((n) => pkg + "." + n))
if (missing.length > 0) { console.error("missing exports: " + missing.join(", ")); process.exit(1) }
console.log("imports ok")
`
  )
  process.stdout.write(run("node", ["consumer.mjs"], scratch))
  writeFileSync(
    join(scratch, "consumer.ts"),
    `import { addParticipant, removeParticipant } from "@linq-effect/client"
import type { AddParticipantError, ParticipantAddResponse } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import type { Effect } from "effect"
const add: Effect.Effect<ParticipantAddResponse, AddParticipantError, LinqHttpClient> = addParticipant("c", { handle: "+12223334444" })
export const program = [add, removeParticipant("c", { handle: "a@b.co" }), LinqHttpClient.layer({ apiKey: "k" })]
`
  )
  writeFileSync(
    join(scratch, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        noEmit: true,
        skipLibCheck: true,
        types: []
      },
      files: ["consumer.ts"]
    })
  )
  run(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], scratch)
  console.log("types ok: a consumer outside the workspace compiles against the packed declarations")
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
