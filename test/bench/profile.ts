/**
 * A CPU profile of one client's hot path, to see where the time goes:
 *
 *   pnpm exec tsx --conditions=@linq-effect/source test/bench/profile.ts [client] [calls] [concurrency]
 *
 * client: one of clients.ts's ids (default `effect-undici`), calls default
 * 20,000, concurrency default 64. The loopback server runs in its own process
 * as in the bench. Warms up, then profiles with the inspector (sampling every
 * 100 µs), writes `.bench-out/<client>.cpuprofile` (open it in Chrome DevTools
 * or speedscope) and prints self time by function and by package.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { Session } from "node:inspector/promises"
import { fileURLToPath } from "node:url"
import { CLIENT_IDS, type ClientId, makeClients } from "./clients.js"
import { startServer } from "./shared.js"

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

const [clientArg = "effect-undici", callsArg = "20000", concurrencyArg = "64"] = process.argv.slice(2)
if (!(CLIENT_IDS as ReadonlyArray<string>).includes(clientArg)) {
  throw new Error(`unknown client ${clientArg} (known: ${CLIENT_IDS.join(", ")})`)
}
const clientId = clientArg as ClientId
const calls = Number(callsArg)
const concurrency = Number(concurrencyArg)

const outDir = fileURLToPath(new URL("./.bench-out/", import.meta.url))

/** A readable module name for a script URL: the package (and file) it belongs to. */
const moduleOf = (url: string): string => {
  if (url === "") return "(native / V8)"
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
  if (module.startsWith("node:")) return "node: internals"
  if (module.startsWith("packages/")) return module.split("/").slice(0, 2).join("/")
  if (module.startsWith("@")) return module.split("/").slice(0, 2).join("/")
  return module.split("/")[0] ?? module
}

const summarize = (profile: Profile) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfMicros = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const total = profile.endTime - profile.startTime
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
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
  }
  const pct = (m: number) => `${((m / total) * 100).toFixed(1).padStart(5)}%`
  console.log(`\nself time by package (${(total / 1000).toFixed(0)} ms profiled):`)
  for (const [pkg, m] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${pct(m)}  ${pkg}`)
  console.log("\nself time by function (top 40):")
  for (const [fn, m] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`  ${pct(m)}  ${fn}`)
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

const main = async () => {
  const server = await startServer()
  const [client] = await makeClients(server.baseUrl, [clientId])
  if (client === undefined) throw new Error("no client")
  const session = new Session()
  try {
    await run(client.call, Math.min(5_000, calls))
    session.connect()
    await session.post("Profiler.enable")
    await session.post("Profiler.setSamplingInterval", { interval: 100 })
    await session.post("Profiler.start")
    const cpu = process.cpuUsage()
    const start = performance.now()
    await run(client.call, calls)
    const wall = performance.now() - start
    const used = process.cpuUsage(cpu)
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile }
    await mkdir(outDir, { recursive: true })
    const file = `${outDir}${clientId}.cpuprofile`
    await writeFile(file, JSON.stringify(profile))
    console.log(
      `${client.label}: ${calls} calls at concurrency ${concurrency}: ${((calls / wall) * 1000).toFixed(0)} req/s, ` +
        `${((used.user + used.system) / calls).toFixed(0)} µs CPU/call (profiler on); profile in ${file}`
    )
    summarize(profile)
  } finally {
    session.disconnect()
    await client.close()
    await server.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
