/**
 * Finds the TypeScript blocks of every README in the repository and writes
 * each one to `test/docs/.blocks/` (git-ignored) as a `.ts` file, so that
 * `readme.test.ts` can type-check and run them.
 *
 * A block is a fence whose info string starts with `ts` or `typescript`; the
 * words after it say what the block is:
 *
 * | info string       | type-checked | run                                         |
 * |-------------------|--------------|---------------------------------------------|
 * | `ts`              | yes          | as a program (tsx), against FakeLinq        |
 * | `ts test`         | yes          | as a vitest test file                       |
 * | `ts check-only`   | yes          | no (a whole module that cannot run here)    |
 * | `ts fragment`     | yes          | no (lines out of a larger program)          |
 *
 * A program may be followed (blank lines apart) by a ```` ```text output ````
 * block: each of its lines must be a line the program prints, a line ending
 * in `…` any line that starts with what comes before it.
 *
 * Any block may be preceded (blank lines apart) by an HTML comment that
 * GitHub does not show, `<!-- prelude` … `-->`, whose lines are compiled
 * before the block: imports and `declare const` for what a fragment uses.
 *
 * Each generated file keeps every line of the README where it was (the rest
 * of the README blanked out), so a line number in a tsc message or a stack
 * trace is the README's own line.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, join, relative, resolve } from "node:path"

export const root = resolve(import.meta.dirname, "../..")
export const outDir = join(root, "test/docs/.blocks")

export type BlockKind = "program" | "test" | "check-only" | "fragment"

export interface Block {
  /** The README, relative to the repository root (`packages/core/README.md`). */
  readonly readme: string
  /** 1-based line of the opening fence. */
  readonly line: number
  readonly kind: BlockKind
  /** The generated file (absolute). */
  readonly file: string
  /** `README.md:42`, how every message names the block. */
  readonly where: string
  /** The lines of a `text output` block right after a program. */
  readonly expectedOutput?: ReadonlyArray<string>
  /** A word after `ts` that is none of the kinds above: the block fails with it. */
  readonly unknownModifier?: string
}

const kinds: Record<string, BlockKind> = { test: "test", "check-only": "check-only", fragment: "fragment" }

/** Every README.md below the root, outside node_modules and dot folders. */
export const findReadmes = (dir = root): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "dist") return []
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return findReadmes(path)
      return entry.name === "README.md" ? [relative(root, path)] : []
    })
    .sort()

interface RawBlock {
  readonly line: number
  readonly info: ReadonlyArray<string>
  /** 0-based indices of the code lines. */
  readonly body: readonly [number, number]
  readonly prelude?: readonly [number, number]
}

const opening = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/

/** The fenced blocks of a Markdown text, with their info strings and preludes. */
export const parseFences = (lines: ReadonlyArray<string>): ReadonlyArray<RawBlock> => {
  const blocks: Array<RawBlock> = []
  for (let i = 0; i < lines.length; i++) {
    const open = opening.exec(lines[i] ?? "")
    if (open === null) continue
    const fence = open[1] ?? "```"
    const closing = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`)
    let end = i + 1
    while (end < lines.length && !closing.test(lines[end] ?? "")) end++
    const prelude = findPrelude(lines, i)
    blocks.push({
      line: i + 1,
      info: (open[2] ?? "").trim().split(/\s+/).filter(Boolean),
      body: [i + 1, end],
      ...(prelude === undefined ? {} : { prelude })
    })
    i = end
  }
  return blocks
}

/** `<!-- prelude` … `-->` right above the fence at `fenceIndex` (blank lines apart). */
const findPrelude = (
  lines: ReadonlyArray<string>,
  fenceIndex: number
): readonly [number, number] | undefined => {
  let close = fenceIndex - 1
  while (close >= 0 && (lines[close] ?? "").trim() === "") close--
  if (close < 0 || (lines[close] ?? "").trim() !== "-->") return undefined
  let start = close - 1
  while (start >= 0 && !(lines[start] ?? "").trim().startsWith("<!--")) start--
  if (start < 0 || (lines[start] ?? "").trim() !== "<!-- prelude") return undefined
  return [start + 1, close]
}

const fileName = (readme: string, line: number) => `${readme.replaceAll("/", "__")}-L${line}.ts`

/**
 * Extracts the TypeScript blocks of the given READMEs (paths relative to
 * `from`) into `to`. Files are rewritten only when their text changed, and
 * stale ones removed, so that vitest's watch mode does not loop.
 */
export const extractBlocks = (
  readmes: ReadonlyArray<string> = findReadmes(),
  { from = root, to = outDir }: { readonly from?: string; readonly to?: string } = {}
): ReadonlyArray<Block> => {
  mkdirSync(to, { recursive: true })
  const blocks = readmes.flatMap((readme) => {
    const lines = readFileSync(join(from, readme), "utf8").split("\n")
    const fences = parseFences(lines)
    return fences.flatMap((raw, index): ReadonlyArray<Block> => {
      const [lang, ...modifiers] = raw.info
      if (lang !== "ts" && lang !== "typescript") return []
      const unknown = modifiers.find((m) => !(m in kinds))
      const kind = modifiers.map((m) => kinds[m]).find((k) => k !== undefined) ?? "program"
      const output = lines.map(() => "")
      const keep = ([start, end]: readonly [number, number]) => {
        for (let k = start; k < end; k++) output[k] = lines[k] ?? ""
      }
      if (raw.prelude !== undefined) keep(raw.prelude)
      keep(raw.body)
      output[0] = `// Generated from ${readme}, block at line ${raw.line}: edit the README, not this file.`
      const file = join(to, fileName(readme, raw.line))
      writeIfChanged(file, `${output.join("\n").trimEnd()}\nexport {}\n`)
      const expectedOutput = outputAfter(lines, raw, fences[index + 1])
      return [
        {
          ...(kind === "program" && expectedOutput !== undefined ? { expectedOutput } : {}),
          readme,
          line: raw.line,
          kind,
          file,
          where: `${readme}:${raw.line}`,
          ...(unknown === undefined ? {} : { unknownModifier: unknown })
        }
      ]
    })
  })
  const wanted = new Set(blocks.map((b) => basename(b.file)))
  for (const name of readdirSync(to)) {
    if (name.endsWith(".ts") && !wanted.has(name)) rmSync(join(to, name))
  }
  return blocks
}

/** The lines of a ```` ```text output ```` fence that follows `raw` with only blank lines between. */
const outputAfter = (
  lines: ReadonlyArray<string>,
  raw: RawBlock,
  next: RawBlock | undefined
): ReadonlyArray<string> | undefined => {
  if (next === undefined || next.info.join(" ") !== "text output") return undefined
  const between = lines.slice(raw.body[1] + 1, next.line - 1)
  if (between.some((line) => line.trim() !== "")) return undefined
  return lines.slice(next.body[0], next.body[1]).filter((line) => line.trim() !== "")
}

const writeIfChanged = (file: string, text: string) => {
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text)
}
