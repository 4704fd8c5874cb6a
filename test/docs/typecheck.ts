/**
 * Type-checks the extracted README blocks with the project's compiler options
 * (`tsconfig.base.json`: strict, exactOptionalPropertyTypes, the
 * `@linq-effect/source` condition so `@linq-effect/*` resolve to their
 * sources), in one TypeScript program, and gives each file its messages as
 * `README.md:LINE:COL error TSxxxx: text`.
 */
import { join, relative } from "node:path"
import ts from "typescript"
import { type Block, root } from "./blocks.js"

export const typecheck = (blocks: ReadonlyArray<Block>): ReadonlyMap<string, ReadonlyArray<string>> => {
  const configPath = join(root, "tsconfig.base.json")
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, {
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false
  })
  const program = ts.createProgram({ rootNames: blocks.map((b) => b.file), options: parsed.options })
  const global = [...parsed.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
  const byFile = new Map<string, ReadonlyArray<string>>()
  for (const block of blocks) {
    const source = program.getSourceFile(block.file)
    const diagnostics =
      source === undefined
        ? []
        : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    byFile.set(
      block.file,
      [...global, ...diagnostics].map((d) => format(block, d))
    )
  }
  return byFile
}

const format = (block: Block, d: ts.Diagnostic): string => {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n  ")
  if (d.file === undefined || d.start === undefined) return `error TS${d.code}: ${text}`
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
  // Generated files keep the README's line numbers; a message about another file names that file.
  const place = d.file.fileName === block.file ? block.readme : relative(root, d.file.fileName)
  return `${place}:${line + 1}:${character + 1} error TS${d.code}: ${text}`
}
