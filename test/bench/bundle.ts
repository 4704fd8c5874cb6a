/**
 * The bundle report: bundle/sdk-app.ts (this SDK) and bundle/baseline-app.ts
 * (the same job by hand on effect + @effect/platform) bundled and minified by
 * esbuild, gzipped at level 9; the difference is what the SDK adds.
 */
import { gzipSync } from "node:zlib"
import { build, type Metafile } from "esbuild"
import { fileURLToPath } from "node:url"

export interface BundleSize {
  readonly entry: string
  readonly minifiedBytes: number
  readonly gzipBytes: number
}

export interface BundleReport {
  readonly sdk: BundleSize
  readonly baseline: BundleSize
  readonly deltaGzipBytes: number
  readonly deltaMinifiedBytes: number
  /** Source files (relative) in the SDK bundle and not in the baseline's, by minified bytes, largest first. */
  readonly sdkOnlyInputs: ReadonlyArray<{ readonly path: string; readonly bytes: number }>
}

const entry = (name: string) => fileURLToPath(new URL(`./bundle/${name}`, import.meta.url))

const bundleOne = async (name: string): Promise<{ size: BundleSize; inputs: Map<string, number> }> => {
  const result = await build({
    entryPoints: [entry(name)],
    bundle: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    // An app over fetch, as for a browser or an edge worker.
    platform: "browser",
    target: "es2022",
    // Resolve the workspace packages to their TypeScript sources.
    conditions: ["@linq-effect/source"],
    write: false,
    metafile: true,
    logLevel: "silent"
  })
  const out = result.outputFiles[0]
  if (out === undefined) throw new Error(`esbuild produced no output for ${name}`)
  const inputs = new Map<string, number>()
  const meta: Metafile = result.metafile
  for (const output of Object.values(meta.outputs)) {
    for (const [path, info] of Object.entries(output.inputs)) {
      // pnpm paths: keep what follows the last node_modules/ to compare across apps.
      const key = path.replace(/^.*node_modules\//, "")
      inputs.set(key, (inputs.get(key) ?? 0) + info.bytesInOutput)
    }
  }
  return {
    size: {
      entry: `test/bench/bundle/${name}`,
      minifiedBytes: out.contents.byteLength,
      gzipBytes: gzipSync(out.contents, { level: 9 }).byteLength
    },
    inputs
  }
}

export const runBundle = async (): Promise<BundleReport> => {
  const [sdk, baseline] = await Promise.all([bundleOne("sdk-app.ts"), bundleOne("baseline-app.ts")])
  const sdkOnlyInputs = [...sdk.inputs]
    .map(([path, bytes]) => ({ path, bytes: bytes - (baseline.inputs.get(path) ?? 0) }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  return {
    sdk: sdk.size,
    baseline: baseline.size,
    deltaGzipBytes: sdk.size.gzipBytes - baseline.size.gzipBytes,
    deltaMinifiedBytes: sdk.size.minifiedBytes - baseline.size.minifiedBytes,
    sdkOnlyInputs
  }
}
