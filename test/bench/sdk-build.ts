/**
 * Loads linq-effect.ts (this SDK as a bench client) and floor.ts (the same
 * call by hand on `effect/http`) compiled the way the SDK ships: the
 * workspace packages' sources bundled by esbuild to plain ES2022 (what `tsc`
 * emits), `effect`, `@effect/*` and `undici` left as imports of the installed
 * packages. Both go through the same build, so both pay the same; they are
 * separate modules so that the floor runs even while the SDK does not load.
 *
 * Why not import them through `tsx`: tsx compiles with `keepNames`, which
 * wraps every function created per call in a `__name(fn, "name")` call
 * (`Object.defineProperty`), a cost the published SDK does not have and the
 * official SDK (plain JS) does not pay. `BENCH_SDK=source` measures the tsx
 * path anyway, for comparison.
 *
 * The compiled modules go to test/bench/.bench-out/ (git-ignored), next to
 * the bench's node_modules so that they resolve the same `effect` instance.
 * The SDK module's path is handed to child processes in `BENCH_SDK_MODULE`.
 */
import { mkdir } from "node:fs/promises"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

type LinqEffectModule = typeof import("./linq-effect.js")
type FloorModule = typeof import("./floor.js")

const outDir = fileURLToPath(new URL("./.bench-out/", import.meta.url))
const sdkOut = fileURLToPath(new URL("./.bench-out/linq-effect.mjs", import.meta.url))
const floorOut = fileURLToPath(new URL("./.bench-out/floor.mjs", import.meta.url))
const entries = ["./linq-effect.ts", "./floor.ts"].map((e) => fileURLToPath(new URL(e, import.meta.url)))

/** `"compiled"` (default) or `"source"` (through tsx, as the tests run it). */
export const sdkMode = (): "compiled" | "source" =>
  process.env.BENCH_SDK === "source" ? "source" : "compiled"

/** Compiles linq-effect.ts (with the SDK) and floor.ts to `.bench-out/*.mjs`; returns the SDK module's path. */
export const buildSdkModule = async (): Promise<string> => {
  await mkdir(outDir, { recursive: true })
  await build({
    entryPoints: entries,
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    conditions: ["@linq-effect/source"],
    external: ["effect", "effect/*", "@effect/*", "undici", "undici/*"],
    sourcemap: "linked",
    logLevel: "silent"
  })
  return sdkOut
}

let built: Promise<string> | undefined
const ensureBuilt = (): Promise<string> => {
  built ??= buildSdkModule()
  return built
}

let loaded: Promise<LinqEffectModule> | undefined

/** The SDK bench client module, compiled once per process (or taken from `BENCH_SDK_MODULE`). */
export const loadLinqEffect = (): Promise<LinqEffectModule> => {
  if (loaded !== undefined) return loaded
  loaded = (async () => {
    if (sdkMode() === "source") return import("./linq-effect.js")
    const path = process.env.BENCH_SDK_MODULE ?? (await ensureBuilt())
    process.env.BENCH_SDK_MODULE = path
    return (await import(pathToFileURL(path).href)) as LinqEffectModule
  })()
  return loaded
}

let loadedFloor: Promise<FloorModule> | undefined

/** The hand-written floor's bench client module, compiled with the SDK's. */
export const loadFloor = (): Promise<FloorModule> => {
  if (loadedFloor !== undefined) return loadedFloor
  loadedFloor = (async () => {
    if (sdkMode() === "source") return import("./floor.js")
    await ensureBuilt()
    return (await import(pathToFileURL(floorOut).href)) as FloorModule
  })()
  return loadedFloor
}
