/**
 * A CPU profile of one client's hot path on one kind of answer (or each kind
 * in turn), to see where the time goes:
 *
 *   pnpm exec tsx --conditions=@linq-effect/source test/bench/profile.ts [client] [calls] [concurrency] [kind|all]
 *
 * client: one of clients.ts's ids (default `effect-undici`), calls default
 * 20,000, concurrency default 64, kind one of `length`, `chunked`, `gzip`
 * (default `length`) or `all`. The loopback server runs in its own process
 * as in the bench, and the client is set up for the kind as in the bench
 * (`BENCH_GZIP` applies). Per kind: warms up, then profiles with the
 * inspector (sampling every 100 µs), writes
 * `.bench-out/<client>-<kind>.cpuprofile` (open it in Chrome DevTools or
 * speedscope) and prints self time by function and by package. With `all`,
 * it ends with self time per call by package side by side for the kinds, so
 * what a chunked or compressed answer adds shows where it is spent.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { Session } from "node:inspector/promises"
import { fileURLToPath } from "node:url"
import { CLIENT_IDS, type ClientId, makeClients } from "./clients.js"
import { KINDS, type Kind, type LoopbackServer, startServer } from "./shared.js"

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
    readonly columnNumber: number
  }
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
  readonly startTime: number
  readonly endTime: number
}

const [clientArg = "effect-undici", callsArg = "20000", concurrencyArg = "64", kindArg = "length"] =
  process.argv.slice(2)
if (!(CLIENT_IDS as ReadonlyArray<string>).includes(clientArg)) {
  throw new Error(`unknown client ${clientArg} (known: ${CLIENT_IDS.join(", ")})`)
}
if (kindArg !== "all" && !(KINDS as ReadonlyArray<string>).includes(kindArg)) {
  throw new Error(`unknown kind ${kindArg} (known: ${KINDS.join(", ")}, all)`)
}
const clientId = clientArg as ClientId
const kinds: ReadonlyArray<Kind> = kindArg === "all" ? KINDS : [kindArg as Kind]
const calls = Number(callsArg)
const concurrency = Number(concurrencyArg)

const outDir = fileURLToPath(new URL("./.bench-out/", import.meta.url))

/** A readable module name for a script URL: the package (and file) it belongs to. */
const moduleOf = (url: string): string => {
  if (url === "") return "(native / V8)"
  if (url.startsWith("wasm://")) return "undici llhttp (wasm)"
  if (url.endsWith("/.bench-out/linq-effect.mjs")) return "linq-effect, compiled (SDK + bench client)"
  if (url.endsWith("/.bench-out/floor.mjs")) return "linq-effect, compiled (effect/http floor)"
  const path = url.replace(/^file:\/\//, "")
  const nm = path.lastIndexOf("/node_modules/")
  if (nm >= 0) return path.slice(nm + "/node_modules/".length)
  const ws = path.indexOf("/packages/")
  if (ws >= 0) return path.slice(ws + 1)
  const bench = path.indexOf("/test/bench/")
  if (bench >= 0) return path.slice(bench + 1)
  return path.startsWith("node:") ? path : path.split("/").slice(-2).join("/")
}
const packageOf = (module: string): string => {
  if (module.startsWith("(") || module.startsWith("linq-effect") || module.startsWith("undici llhttp")) {
    return module
  }
  if (module.startsWith("node:")) return "node: internals"
  if (module.startsWith("test/bench/")) return "bench harness"
  if (module.startsWith("packages/")) return module.split("/").slice(0, 2).join("/")
  if (module.startsWith("@")) return module.split("/").slice(0, 2).join("/")
  return module.split("/")[0] ?? module
}

/** Self time (µs) by package and by module (file). */
interface Breakdown {
  readonly byPackage: Map<string, number>
  readonly byModule: Map<string, number>
}

/** Self time by package and the top functions, printed; by package and by module returned. */
const summarize = (profile: Profile): Breakdown => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfMicros = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const total = profile.endTime - profile.startTime
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  const byModule = new Map<string, number>()
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)
    if (node === undefined) continue
    const { functionName, url, lineNumber } = node.callFrame
    const module = moduleOf(url)
    const fn = `${functionName || "(anonymous)"}  ${module}${url ? `:${lineNumber + 1}` : ""}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros)
    const pkg =
      functionName === "(idle)"
        ? "(idle)"
        : functionName === "(garbage collector)"
          ? "(gc)"
          : packageOf(module)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros)
    const mod = pkg.startsWith("(") ? pkg : module
    byModule.set(mod, (byModule.get(mod) ?? 0) + micros)
  }
  const pct = (m: number) => `${((m / total) * 100).toFixed(1).padStart(5)}%`
  console.log(`\nself time by package (${(total / 1000).toFixed(0)} ms profiled):`)
  for (const [pkg, m] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${pct(m)}  ${pkg}`)
  console.log("\nself time by function (top 40):")
  for (const [fn, m] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`  ${pct(m)}  ${fn}`)
  return { byPackage, byModule }
}

const run = async (call: () => Promise<unknown>, n: number) => {
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      await call()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
}

/** Profiles `calls` calls of the client on one kind; self time by package, in µs. */
const profileKind = async (server: LoopbackServer, session: Session, kind: Kind) => {
  const [client] = await makeClients(server.baseUrl(kind), [clientId], kind)
  if (client === undefined) throw new Error("no client")
  try {
    await run(client.call, Math.min(5_000, calls))
    const before = await server.stats()
    await session.post("Profiler.enable")
    await session.post("Profiler.setSamplingInterval", { interval: 100 })
    await session.post("Profiler.start")
    const cpu = process.cpuUsage()
    const start = performance.now()
    await run(client.call, calls)
    const wall = performance.now() - start
    const used = process.cpuUsage(cpu)
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile }
    const gzipped = (await server.stats()).gzipAnswers - before.gzipAnswers
    await mkdir(outDir, { recursive: true })
    const file = `${outDir}${clientId}-${kind}.cpuprofile`
    await writeFile(file, JSON.stringify(profile))
    console.log(
      `\n${client.label}, ${kind} answers${kind === "gzip" ? ` (${gzipped} of ${calls} gzipped)` : ""}: ` +
        `${calls} calls at concurrency ${concurrency}: ${((calls / wall) * 1000).toFixed(0)} req/s, ` +
        `${((used.user + used.system) / calls).toFixed(0)} µs CPU/call (profiler on); profile in ${file}`
    )
    return summarize(profile)
  } finally {
    await client.close()
  }
}

/**
 * Self time per call (µs), one column per kind, for the `top` rows that
 * differ most between the kinds (what a kind adds shows first), and the total.
 */
const compareKinds = (
  title: string,
  byKind: ReadonlyArray<readonly [Kind, Map<string, number>]>,
  top: number
) => {
  const names = new Set(byKind.flatMap(([, m]) => [...m.keys()]))
  const perCall = (m: Map<string, number>, name: string) => (m.get(name) ?? 0) / calls
  const spread = (name: string) => {
    const values = byKind.map(([, m]) => perCall(m, name))
    return Math.max(...values) - Math.min(...values)
  }
  const rows = [...names].sort((a, b) => spread(b) - spread(a)).slice(0, top)
  const width = Math.max(...rows.map((name) => name.length), title.length)
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / calls
  console.log(`\nself time per call (µs) by ${title}, by kind of answer (largest differences first):`)
  console.log(`  ${title.padEnd(width)}${byKind.map(([kind]) => kind.padStart(10)).join("")}`)
  for (const name of rows) {
    console.log(
      `  ${name.padEnd(width)}${byKind.map(([, m]) => perCall(m, name).toFixed(1).padStart(10)).join("")}`
    )
  }
  console.log(
    `  ${"(all, idle included)".padEnd(width)}${byKind.map(([, m]) => total(m).toFixed(1).padStart(10)).join("")}`
  )
}

const main = async () => {
  const server = await startServer()
  const session = new Session()
  session.connect()
  try {
    const byKind: Array<readonly [Kind, Breakdown]> = []
    for (const kind of kinds) byKind.push([kind, await profileKind(server, session, kind)])
    if (byKind.length > 1) {
      compareKinds(
        "package",
        byKind.map(([kind, b]) => [kind, b.byPackage] as const),
        15
      )
      compareKinds(
        "module",
        byKind.map(([kind, b]) => [kind, b.byModule] as const),
        25
      )
    }
  } finally {
    session.disconnect()
    await server.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
