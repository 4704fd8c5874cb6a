/**
 * Docs that run: every TypeScript block of every README is type-checked with
 * the project's compiler options, every program is run (offline, against
 * FakeLinq) and every test block's tests run here. How a README marks a block
 * (`ts`, `ts test`, `ts check-only`, `ts fragment`, `<!-- prelude -->`) is
 * described in `blocks.ts`. Each test is named after the README and the line
 * of the block's opening fence.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { extractBlocks } from "./blocks.js"
import { runProgram, tail } from "./run.js"
import { typecheck } from "./typecheck.js"

const blocks = extractBlocks()
let diagnostics: ReadonlyMap<string, ReadonlyArray<string>> = new Map()

/** One TypeScript program for all blocks: slow to build (effect's types), so once. */
beforeAll(() => {
  diagnostics = typecheck(blocks)
}, 240_000)

const PROGRAM_TIMEOUT_MS = 30_000

it("finds the README blocks", () => {
  // The root README alone has a program, a test file and a type-checked-only block.
  expect(blocks.filter((b) => b.readme === "README.md").map((b) => b.kind)).toEqual(
    expect.arrayContaining(["program", "test", "check-only"])
  )
})

for (const block of blocks) {
  describe(`${block.where} (${block.kind})`, () => {
    it("type-checks", () => {
      expect(block.unknownModifier, `unknown info string word after \`ts\` at ${block.where}`).toBeUndefined()
      const messages = diagnostics.get(block.file) ?? []
      expect(messages, `tsc on the block at ${block.where}:\n${messages.join("\n")}`).toEqual([])
    })

    if (block.kind === "program") {
      it(
        "runs (exit 0, offline, against FakeLinq)",
        async () => {
          const run = await runProgram(block.file, PROGRAM_TIMEOUT_MS)
          const what = run.timedOut
            ? `timed out after ${PROGRAM_TIMEOUT_MS / 1000} s`
            : `exited with code ${run.exitCode}`
          const hint = run.output.includes("Vitest failed to access its internal state")
            ? "\n(a test file? mark its fence ```ts test)"
            : ""
          expect(
            { exitCode: run.exitCode, timedOut: run.timedOut },
            `the program at ${block.where} ${what}${hint}; its output:\n${tail(run.output)}`
          ).toEqual({ exitCode: 0, timedOut: false })
          const printed = run.output.split("\n").map((line) => line.trimEnd())
          const missing = (block.expectedOutput ?? []).filter((expected) =>
            expected.endsWith("…")
              ? !printed.some((line) => line.startsWith(expected.slice(0, -1)))
              : !printed.includes(expected)
          )
          expect(
            missing,
            `lines of the \`text output\` block after ${block.where} the program did not print; it printed:\n${tail(run.output)}`
          ).toEqual([])
        },
        PROGRAM_TIMEOUT_MS + 15_000
      )
    }

    if (block.kind === "test") {
      // The block's own describe/it calls register here, under this block's name.
      describe("its tests", async () => {
        await import(block.file)
      })
    }
  })
}
