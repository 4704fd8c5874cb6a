/**
 * The README checker itself: it must be able to fail, and say where. A
 * fixture README with a broken block, an unknown info string, a program that
 * reaches for the internet and one that hangs.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { extractBlocks, root } from "./blocks.js"
import { runProgram } from "./run.js"
import { typecheck } from "./typecheck.js"

const dir = join(root, "test/docs/.blocks-selftest")
const fixture = [
  "# Fixture", //                                    1
  "", //                                             2
  "```ts", //                                        3
  'const answer: number = "forty-two"', //          4
  "console.log(answer)", //                          5
  "```", //                                          6
  "", //                                             7
  "<!-- prelude", //                                 8
  "declare const apiKey: string", //                9
  "-->", //                                          10
  "", //                                             11
  "```ts fragment", //                               12
  "apiKey.toUpperCase()", //                         13
  "```", //                                          14
  "", //                                             15
  "```ts tset", //                                   16
  "export const x = 1", //                           17
  "```", //                                          18
  "", //                                             19
  "```ts", //                                        20
  'await fetch("https://api.linqapp.com/api/partner/v3/chats/x")', // 21
  "```", //                                          22
  "", //                                             23
  "```ts", //                                        24
  "setInterval(() => {}, 1000)", //                  25
  "```", //                                          26
  "", //                                             27
  "```sh", //                                        28
  "pnpm test", //                                    29
  "```", //                                          30
  "", //                                             31
  "```ts", //                                        32
  'console.log("hello")', //                        33
  "```", //                                          34
  "", //                                             35
  "```text output", //                               36
  "hello", //                                        37
  "```" //                                           38
].join("\n")

mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, "FIXTURE.md"), fixture)
const blocks = extractBlocks(["FIXTURE.md"], { from: dir, to: join(dir, "out") })
const at = (line: number) => blocks.find((b) => b.line === line)!

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the README checker", () => {
  it("finds the TypeScript blocks with their kind and line, not the others", () => {
    expect(blocks.map((b) => [b.where, b.kind])).toEqual([
      ["FIXTURE.md:3", "program"],
      ["FIXTURE.md:12", "fragment"],
      ["FIXTURE.md:16", "program"],
      ["FIXTURE.md:20", "program"],
      ["FIXTURE.md:24", "program"],
      ["FIXTURE.md:32", "program"]
    ])
    expect(at(16).unknownModifier).toBe("tset")
    expect(at(32).expectedOutput).toEqual(["hello"])
    expect(at(24).expectedOutput).toBeUndefined()
  })

  it("reports a type error at the README's own line, and compiles a fragment after its prelude", () => {
    const messages = typecheck(blocks)
    expect(messages.get(at(3).file)).toEqual([
      "FIXTURE.md:4:7 error TS2322: Type 'string' is not assignable to type 'number'."
    ])
    expect(messages.get(at(12).file)).toEqual([])
  }, 120_000)

  it("fails a program that reaches for the internet", async () => {
    const run = await runProgram(at(20).file, 30_000)
    expect(run.exitCode).not.toBe(0)
    expect(run.output).toContain("README programs run offline: connection to api.linqapp.com refused")
  }, 60_000)

  it("stops a program that does not end", async () => {
    const run = await runProgram(at(24).file, 3_000)
    expect(run.timedOut).toBe(true)
  }, 60_000)
})
