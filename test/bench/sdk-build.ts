/**
 * Loads linq-effect.ts (this SDK as a bench client) compiled the way the SDK
 * ships: the workspace packages' sources bundled by esbuild to plain ES2022
 * (what `tsc` emits), `effect`, `@effect/*` and `undici` left as imports of
 * the installed packages.
 *
 * Why not import it through `tsx`: tsx compiles with `keepNames`, which wraps
 * every function created per call in a `__name(fn, "name")` call
 * (`Object.defineProperty`), a cost the published SDK does not have and the
 * official SDK (plain JS) does not pay. `BENCH_SDK=source` measures the tsx
 * path anyway, for comparison.
 *
 * The compiled module goes to test/bench/.bench-out/ (git-ignored), next to
 * the bench's node_modules so that it resolves the same `effect` instance.
 * The path is handed to child processes in `BENCH_SDK_MODULE`.
 */
import { mkdir } from "node:fs/promises"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

type LinqEffectModule = typeof import("./linq-effect.js")

const outFile = fileURLToPath(new URL("./.bench-out/linq-effect.mjs", import.meta.url))
const entry = fileURLToPath(new URL("./linq-effect.ts", import.meta.url))

/** `"compiled"` (default) or `"source"` (through tsx, as the tests run it). */
export const sdkMode = (): "compiled" | "source" =>
  process.env.BENCH_SDK === "source" ? "source" : "compiled"

/** Compiles linq-effect.ts and the SDK to `.bench-out/linq-effect.mjs`; returns its path. */
export const buildSdkModule = async (): Promise<string> => {
  await mkdir(fileURLToPath(new URL("./.bench-out/", import.meta.url)), { recursive: true })
  await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    conditions: ["@linq-effect/source"],
    external: ["effect", "effect/*", "@effect/*", "undici", "undici/*"],
    sourcemap: "linked",
    logLevel: "silent"
  })
  return outFile
}

let loaded: Promise<LinqEffectModule> | undefined

/** The SDK bench client module, compiled once per process (or taken from `BENCH_SDK_MODULE`). */
export const loadLinqEffect = (): Promise<LinqEffectModule> => {
  if (loaded !== undefined) return loaded
  loaded = (async () => {
    if (sdkMode() === "source") return import("./linq-effect.js")
    const path = process.env.BENCH_SDK_MODULE ?? (await buildSdkModule())
    process.env.BENCH_SDK_MODULE = path
    return (await import(pathToFileURL(path).href)) as LinqEffectModule
  })()
  return loaded
}
