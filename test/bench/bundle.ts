/**
 * The bundle report: bundle/sdk-app.ts (this SDK) and bundle/baseline-app.ts
 * (the same job by hand on effect 4.1 and its `effect/http`) bundled and minified by
 * esbuild, gzipped at level 9; the difference is what the SDK adds.
 *
 * It also says what the difference is made of: every module in the SDK's
 * bundle beyond the baseline's, with the workspace source file and the
 * `effect` namespace (`effect/Stream`, `effect/http/HttpClient`, ...) that pulls it in.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { build, type Metafile } from "esbuild"

export interface BundleSize {
  readonly entry: string
  readonly minifiedBytes: number
  readonly gzipBytes: number
}

export interface BundleAddition {
  /** The module, relative to node_modules (or the workspace root). */
  readonly path: string
  /** Minified bytes beyond what the baseline bundle has of it. */
  readonly bytes: number
  /**
   * How it gets in: a workspace source file, the namespace it imports, then
   * the modules down to this one (empty when not found).
   */
  readonly pulledInBy: ReadonlyArray<string>
}

export interface BundleReport {
  readonly sdk: BundleSize
  readonly baseline: BundleSize
  readonly deltaGzipBytes: number
  readonly deltaMinifiedBytes: number
  /** Modules in the SDK bundle beyond the baseline's, largest first. */
  readonly additions: ReadonlyArray<BundleAddition>
  /**
   * The additions grouped by what pulls them in: the SDK's own code, or the
   * `effect` namespace an SDK file imports (with those files).
   */
  readonly causes: ReadonlyArray<{
    readonly cause: string
    readonly bytes: number
    readonly files: ReadonlyArray<string>
  }>
}

const entry = (name: string) => fileURLToPath(new URL(`./bundle/${name}`, import.meta.url))
const workspaceRoot = fileURLToPath(new URL("../../", import.meta.url))

/** pnpm paths: keep what follows the last node_modules/ (or the workspace-relative path). */
const shortPath = (path: string): string => path.replace(/^.*node_modules\//, "").replace(/^(?:\.\.\/)+/, "")

const getOrInit = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
  const existing = map.get(key)
  if (existing !== undefined) return existing
  const value = make()
  map.set(key, value)
  return value
}

const isWorkspaceSource = (path: string): boolean => path.startsWith("packages/")

/**
 * `effect/dist/Stream.js` → `effect/Stream`, `effect/dist/http/HttpClient.js` →
 * `effect/http/HttpClient` (effect 4.1 ships one ESM build straight under
 * dist/, no esm/ dir); undefined for internal modules and barrels.
 */
const publicModule = (path: string): string | undefined => {
  const match = /^((?:@effect\/)?[\w-]+)\/dist\/((?:[a-z][\w-]*\/)?)([A-Z]\w*)\.js$/.exec(path)
  return match ? `${match[1]}/${match[2]}${match[3]}` : undefined
}
const isBarrel = (path: string): boolean => /\/dist\/(?:[a-z][\w-]*\/)?index\.js$/.test(path)

/**
 * Which `effect` namespaces a source file imports as values: `import { Stream } from "effect"`
 * is `effect/Stream`, `import { HttpClient } from "effect/http"` is `effect/http/HttpClient`.
 */
const importedNamespaces = (file: string): Set<string> => {
  const namespaces = new Set<string>()
  const text = readFileSync(`${workspaceRoot}${file}`, "utf8")
  for (const m of text.matchAll(
    /import\s+(type\s+)?\{([^}]*)\}\s+from\s+"((?:@effect\/)?[\w-]+(?:\/[a-z][\w-]*)?)"/g
  )) {
    if (m[1] !== undefined) continue
    for (const raw of (m[2] ?? "").split(",")) {
      const name = raw.trim()
      if (name === "" || name.startsWith("type ")) continue
      namespaces.add(`${m[3]}/${name.split(/\s+as\s+/)[0]}`)
    }
  }
  for (const m of text.matchAll(
    /import\s+\*\s+as\s+\w+\s+from\s+"((?:@effect\/)?[\w-]+\/(?:[a-z][\w-]*\/)?[A-Z]\w*)"/g
  )) {
    if (m[1] !== undefined) namespaces.add(m[1])
  }
  return namespaces
}

interface Bundled {
  readonly size: BundleSize
  /** Minified bytes in the output, by module. */
  readonly inputs: Map<string, number>
  /** Reverse import edges (module → its importers), barrels skipped. */
  readonly importers: Map<string, Set<string>>
  /** Workspace source files by the public namespace they import (`effect/Stream` → files). */
  readonly namespaceUsers: Map<string, Set<string>>
}

/**
 * How an app of `bundle/` is built: minified ESM for a browser or an edge worker (an app over
 * `fetch`), the workspace packages resolved to their TypeScript sources. Also what
 * test/e2e/browser-bundle.test.ts builds.
 */
export const browserBuild = (name: string) =>
  build({
    entryPoints: [entry(name)],
    bundle: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@linq-effect/source"],
    write: false,
    metafile: true,
    logLevel: "silent"
  })

const bundleOne = async (name: string): Promise<Bundled> => {
  const result = await browserBuild(name)
  const out = result.outputFiles[0]
  if (out === undefined) throw new Error(`esbuild produced no output for ${name}`)
  const meta: Metafile = result.metafile
  const inputs = new Map<string, number>()
  for (const output of Object.values(meta.outputs)) {
    for (const [path, info] of Object.entries(output.inputs)) {
      const key = shortPath(path)
      inputs.set(key, (inputs.get(key) ?? 0) + info.bytesInOutput)
    }
  }
  const importers = new Map<string, Set<string>>()
  const namespaceUsers = new Map<string, Set<string>>()
  for (const [path, input] of Object.entries(meta.inputs)) {
    const from = shortPath(path)
    if (isWorkspaceSource(from)) {
      for (const ns of importedNamespaces(from)) {
        getOrInit(namespaceUsers, ns, () => new Set<string>()).add(from)
      }
    }
    if (isBarrel(from)) continue
    for (const imported of input.imports) {
      const to = shortPath(imported.path)
      getOrInit(importers, to, () => new Set<string>()).add(from)
    }
  }
  return {
    size: {
      entry: `test/bench/bundle/${name}`,
      minifiedBytes: out.contents.byteLength,
      gzipBytes: gzipSync(out.contents, { level: 9 }).byteLength
    },
    inputs,
    importers,
    namespaceUsers
  }
}

/**
 * The shortest way from a workspace source file to `path`: through direct
 * imports, or through a namespace the file imports from a package's barrel
 * (`import { Stream } from "effect"` reaches effect/dist/Stream.js).
 * Namespaces in `avoid` (those the baseline imports too, like `effect/Effect`)
 * are tried last: a module the baseline lacks is more likely pulled in by a
 * namespace only the SDK uses. A heuristic, good enough to point at the cause.
 */
const chainFromWorkspace = (path: string, bundled: Bundled, avoid: ReadonlySet<string>): string[] => {
  const previous = new Map<string, string>()
  const queue = [path]
  const seen = new Set(queue)
  const visit = (node: string, from: string) => {
    if (seen.has(node)) return
    seen.add(node)
    previous.set(node, from)
    queue.push(node)
  }
  while (queue.length > 0) {
    const current = queue.shift()!
    if (isWorkspaceSource(current) && current !== path) {
      const chain = [current]
      let node = current
      while (previous.has(node)) {
        node = previous.get(node)!
        chain.push(node)
      }
      return chain
    }
    const ns = publicModule(current)
    if (ns !== undefined && !avoid.has(ns)) {
      for (const file of bundled.namespaceUsers.get(ns) ?? []) visit(file, current)
    }
    for (const importer of bundled.importers.get(current) ?? []) visit(importer, current)
  }
  return []
}

export const runBundle = async (): Promise<BundleReport> => {
  const [sdk, baseline] = await Promise.all([bundleOne("sdk-app.ts"), bundleOne("baseline-app.ts")])
  const baselineNamespaces = importedNamespaces(
    shortPath(entry("baseline-app.ts").slice(workspaceRoot.length))
  )
  const attribute = (path: string) => {
    const chain = chainFromWorkspace(path, sdk, baselineNamespaces)
    return chain.length > 0 ? chain : chainFromWorkspace(path, sdk, new Set())
  }
  const additions = [...sdk.inputs]
    .map(([path, bytes]) => ({ path, bytes: bytes - (baseline.inputs.get(path) ?? 0) }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .map((i) => ({ ...i, pulledInBy: isWorkspaceSource(i.path) ? [] : attribute(i.path) }))
  const causes = new Map<string, { bytes: number; files: Set<string> }>()
  for (const a of additions) {
    const key = isWorkspaceSource(a.path)
      ? "the SDK's own code"
      : (publicModule(a.pulledInBy[1] ?? "") ?? (a.pulledInBy.length > 0 ? "other" : "unattributed"))
    const cause = getOrInit(causes, key, () => ({ bytes: 0, files: new Set<string>() }))
    cause.bytes += a.bytes
    cause.files.add(isWorkspaceSource(a.path) ? a.path : (a.pulledInBy[0] ?? "?"))
  }
  return {
    causes: [...causes]
      .map(([cause, { bytes, files }]) => ({ cause, bytes, files: [...files].sort() }))
      .sort((a, b) => b.bytes - a.bytes),
    sdk: sdk.size,
    baseline: baseline.size,
    deltaGzipBytes: sdk.size.gzipBytes - baseline.size.gzipBytes,
    deltaMinifiedBytes: sdk.size.minifiedBytes - baseline.size.minifiedBytes,
    additions
  }
}
