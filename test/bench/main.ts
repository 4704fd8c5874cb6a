/**
 * `pnpm bench`: this SDK against the official Linq SDK and raw HTTP, on the
 * three kinds of answer a real server sends (see `KINDS` in shared.ts).
 *
 * 1. throughput: every client on every kind at concurrency 1 and 64,
 *    interleaved rounds, against a loopback server in its own process
 *    (server.ts) that serves each kind under its own path;
 * 2. memory: 100,000 calls through one runtime per kind, heap after forced GC;
 * 3. bundle: what the SDK adds to a minified, gzipped app.
 *
 * Prints tables per kind, ratios and the targets (PASS/MISS with the
 * distance; never asserted), and writes everything to
 * test/bench/results.json (git-ignored).
 *
 * Env: `BENCH_QUICK=1` (or `--quick`) tiny counts; `BENCH_KINDS=length,chunked`
 * a subset of the kinds; `BENCH_CLIENTS=a,b` a subset of clients;
 * `BENCH_ONLY=throughput,memory,bundle` a subset of the runs (`replicas`, not
 * in the default set since it needs redis-server: the shared rate limit and
 * duplicate window, see replicas.ts);
 * `BENCH_MEMORY=undici,fetch` the memory run over both transports (default
 * undici); `BENCH_GZIP=default` leaves the undici clients without
 * compression (see clients.ts); `BENCH_SDK=source` this SDK through tsx
 * instead of compiled (see sdk-build.ts); `BENCH_OUT=path` where the JSON goes.
 */
import { writeFile } from "node:fs/promises"
import { availableParallelism, cpus } from "node:os"
import { fileURLToPath } from "node:url"
import { type BundleReport, runBundle } from "./bundle.js"
import { type BenchClient, makeClients, selectedClientIds } from "./clients.js"
import { type MemoryResult, runMemory } from "./memory.js"
import { runReplicasBench } from "./replicas.js"
import {
  find,
  fmt,
  KiB,
  kib,
  kindCostRows,
  MB,
  markdownTable,
  TARGETS,
  type Target,
  table,
  target,
  targetsTable,
  throughputHeader,
  throughputRows,
  throughputTargets
} from "./report.js"
import {
  gzipEverywhere,
  type Kind,
  type LoopbackServer,
  QUICK,
  selectedKinds,
  startServer
} from "./shared.js"
import { type Cell, type Lane, runThroughput, type ThroughputPlan } from "./throughput.js"

const plan: ThroughputPlan = QUICK
  ? {
      concurrencies: [1, 64],
      rounds: 2,
      callsPerRound: (c) => (c === 1 ? 30 : 200),
      warmupCalls: (c) => (c === 1 ? 20 : 64)
    }
  : {
      concurrencies: [1, 64],
      rounds: 4,
      callsPerRound: (c) => (c === 1 ? 1_000 : 4_000),
      warmupCalls: (c) => (c === 1 ? 300 : 1_500)
    }
const memoryCheckpoints = QUICK ? [200, 1_000] : [10_000, 25_000, 50_000, 75_000, 100_000]
/** `BENCH_MEMORY=undici,fetch` to run the memory run over both transports (default: layerUndici only). */
const memoryTransports = (process.env.BENCH_MEMORY ?? "undici")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is "undici" | "fetch" => s === "undici" || s === "fetch")

const only = (process.env.BENCH_ONLY ?? "throughput,memory,bundle").split(",").map((s) => s.trim())
const outPath = process.env.BENCH_OUT ?? fileURLToPath(new URL("./results.json", import.meta.url))
const log = (line = "") => console.log(line)

/**
 * One call per lane before anything is measured: the answer must be the API's,
 * and in the `gzip` kind the server must have compressed it exactly when the
 * client asks for it (so the tables cannot claim a gzip path that did not run).
 */
const sanityCheck = async (lanes: ReadonlyArray<Lane>, server: LoopbackServer) => {
  for (const { kind, client } of lanes) {
    const before = await server.stats()
    const answer = (await client.call()) as { status?: unknown } | null
    if (answer === null || typeof answer !== "object" || answer.status !== "accepted") {
      throw new Error(`${client.label} (${kind}): unexpected answer ${JSON.stringify(answer)}`)
    }
    const gzipped = (await server.stats()).gzipAnswers > before.gzipAnswers
    if (kind === "gzip" && gzipped !== client.asksForGzip) {
      throw new Error(
        `${client.label}: ${client.asksForGzip ? "asks for gzip but got identity" : "got gzip without asking"}`
      )
    }
  }
}

const gzipLine = (clients: ReadonlyArray<BenchClient>): string => {
  const yes = clients.filter((c) => c.asksForGzip).map((c) => c.label)
  const no = clients.filter((c) => !c.asksForGzip).map((c) => c.label)
  return (
    `gzip kind: compressed answers to ${yes.length === 0 ? "none" : yes.join(", ")}` +
    (no.length === 0 ? "" : `; identity to ${no.join(", ")} (they do not ask; BENCH_GZIP=default)`)
  )
}

/** Where the SDK's CPU goes on one kind: the raw transport, effect/http by hand, the SDK. */
const cpuBreakdown = (cells: ReadonlyArray<Cell>, kind: Kind, c: number) => {
  const undici = find(cells, kind, "undici", c)
  for (const transport of ["undici", "fetch"] as const) {
    const floor = find(cells, kind, `floor-${transport}`, c)
    const sdk = find(cells, kind, `effect-${transport}`, c)
    if (floor === undefined || sdk === undefined) continue
    const base = transport === "undici" ? undici : find(cells, kind, "fetch", c)
    if (base === undefined) continue
    log(
      `  c=${c}, ${transport}: raw ${transport === "undici" ? "undici.request" : "fetch"} ` +
        `${fmt(base.cpuMicrosPerCall)} µs CPU/call; effect/http by hand ` +
        `+${fmt(floor.cpuMicrosPerCall - base.cpuMicrosPerCall)} µs; this SDK a further ` +
        `+${fmt(sdk.cpuMicrosPerCall - floor.cpuMicrosPerCall)} µs`
    )
  }
}

const runThroughputPart = async (server: LoopbackServer, kinds: ReadonlyArray<Kind>): Promise<Cell[]> => {
  const ids = selectedClientIds()
  const lanes: Lane[] = []
  try {
    for (const kind of kinds) {
      const clients = await makeClients(server.baseUrl(kind), ids, kind)
      for (const client of clients) lanes.push({ kind, client })
      if (kind === "gzip") log(gzipLine(clients))
    }
    await sanityCheck(lanes, server)
    log(
      `throughput: ${ids.length} clients x ${kinds.length} kind(s) (${kinds.join(", ")}) x concurrency ` +
        `${plan.concurrencies.join(", ")}, ${plan.rounds} interleaved rounds of ` +
        `${plan.concurrencies.map((c) => plan.callsPerRound(c)).join(" / ")} calls`
    )
    return await runThroughput(lanes, server, plan, log)
  } finally {
    for (const { client } of lanes) await client.close()
  }
}

const printThroughput = (cells: ReadonlyArray<Cell>, kinds: ReadonlyArray<Kind>): Target[] => {
  const targets: Target[] = []
  for (const kind of kinds) {
    log()
    log(`=== ${kind} ${"=".repeat(60)}`)
    for (const c of plan.concurrencies) {
      log(`${kind}, concurrency ${c}`)
      log(table(throughputHeader(kind), throughputRows(cells, kind, c)))
      log()
    }
    log(`${kind}: where the CPU goes`)
    for (const c of plan.concurrencies) cpuBreakdown(cells, kind, c)
    log()
    const kindTargets = throughputTargets(cells, kind, plan.concurrencies)
    log(targetsTable(`targets, ${kind}`, kindTargets))
    targets.push(...kindTargets)
  }
  if (kinds.length > 1) {
    log()
    log("what each kind of answer costs (client CPU per call; goal: about the same on every kind)")
    for (const c of plan.concurrencies) {
      const { header, rows } = kindCostRows(cells, kinds, c)
      log(`concurrency ${c}`)
      log(table(header, rows))
      log()
    }
  }
  return targets
}

const runMemoryPart = async (server: LoopbackServer, kinds: ReadonlyArray<Kind>) => {
  const memory: MemoryResult[] = []
  const targets: Target[] = []
  log(`memory: ${fmt(memoryCheckpoints.at(-1) ?? 0)} calls through one ManagedRuntime per kind, 64 in flight`)
  for (const kind of kinds) {
    for (const transport of memoryTransports) {
      memory.push(await runMemory(server.baseUrl(kind), kind, transport, memoryCheckpoints))
    }
  }
  const header = [
    "kind",
    "transport",
    ...memoryCheckpoints.map((n) => `heap @${fmt(n)}`),
    "growth",
    "calls/s"
  ]
  log(
    table(
      header,
      memory.map((m) => {
        const last = m.checkpoints.at(-1)
        return [
          m.kind,
          m.transport === "undici" ? "layerUndici" : "FetchHttpClient",
          ...m.checkpoints.map((c) => `${(c.heapUsed / MB).toFixed(2)} MB`),
          `${(m.growthBytes / MB).toFixed(2)} MB`,
          last ? fmt((last.calls / last.elapsedMs) * 1000) : "n/a"
        ]
      })
    )
  )
  log()
  for (const m of memory) {
    targets.push(
      target(
        m.kind,
        `heap growth ${fmt(memoryCheckpoints[0] ?? 0)} → ${fmt(memoryCheckpoints.at(-1) ?? 0)} calls (${m.transport})`,
        m.growthBytes,
        TARGETS.heapGrowthBytes,
        "atMost",
        (n) => `${(n / MB).toFixed(2)} MB`
      )
    )
  }
  return { memory, targets }
}

const runBundlePart = async () => {
  const bundle = await runBundle()
  log("bundle (esbuild, minified, ESM, platform browser; gzip -9)")
  log(
    table(
      ["app", "minified", "gzip -9"],
      [
        [
          "effect 4.1 (effect/http) by hand (baseline)",
          kib(bundle.baseline.minifiedBytes),
          kib(bundle.baseline.gzipBytes)
        ],
        ["linq-effect (FetchHttpClient)", kib(bundle.sdk.minifiedBytes), kib(bundle.sdk.gzipBytes)],
        ["difference", kib(bundle.deltaMinifiedBytes), kib(bundle.deltaGzipBytes)]
      ]
    )
  )
  log(
    "what the difference is made of (minified bytes before gzip, by what pulls it in; details in the JSON):"
  )
  for (const c of bundle.causes.slice(0, 10)) {
    const files = c.files.map((f) => f.replace(/^packages\//, "")).join(", ")
    log(`  ${kib(c.bytes).padStart(10)}  ${c.cause}${c.cause.startsWith("the SDK") ? "" : `  ← ${files}`}`)
  }
  log()
  const bundleTarget = target(
    null,
    "gzipped bytes over the hand-written baseline",
    bundle.deltaGzipBytes,
    TARGETS.bundleDeltaBytes,
    "atMost",
    kib
  )
  return { bundle, target: bundleTarget }
}

const printMarkdown = (cells: ReadonlyArray<Cell>, kinds: ReadonlyArray<Kind>) => {
  log("markdown (README):")
  for (const kind of kinds) {
    for (const c of plan.concurrencies) {
      log()
      log(`Answers: \`${kind}\`, concurrency ${c}:`)
      log()
      log(markdownTable(throughputHeader(kind), throughputRows(cells, kind, c)))
    }
  }
  if (kinds.length > 1) {
    for (const c of plan.concurrencies) {
      const { header, rows } = kindCostRows(cells, kinds, c)
      log()
      log(`Client CPU per call by kind of answer, concurrency ${c}:`)
      log()
      log(markdownTable(header, rows))
    }
  }
  log()
}

const main = async () => {
  const started = Date.now()
  const cpuModel = cpus()[0]?.model ?? "unknown CPU"
  log(`linq-effect bench${QUICK ? " (QUICK: tiny counts, numbers are not meaningful)" : ""}`)
  log(
    `node ${process.version}, ${availableParallelism()} cores (${cpuModel}), ${process.platform}/${process.arch}`
  )
  const kinds = selectedKinds()
  const ids = selectedClientIds()
  const server = await startServer()
  log(`loopback server (own process) on 127.0.0.1:${server.port}, kinds: ${kinds.join(", ")}`)
  log()

  let cells: Cell[] = []
  let memory: MemoryResult[] = []
  let bundle: BundleReport | undefined
  const targets: Target[] = []
  try {
    if (only.includes("throughput")) {
      cells = await runThroughputPart(server, kinds)
      targets.push(...printThroughput(cells, kinds))
      log()
    }
    const sdkSelected = ids.includes("effect-undici") || ids.includes("effect-fetch")
    if (only.includes("memory") && sdkSelected) {
      const part = await runMemoryPart(server, kinds)
      memory = part.memory
      targets.push(...part.targets)
    }
    if (only.includes("bundle")) {
      const part = await runBundlePart()
      bundle = part.bundle
      targets.push(part.target)
    }
    // Opt-in (it needs redis-server): `BENCH_ONLY=replicas pnpm bench`.
    if (only.includes("replicas")) {
      await runReplicasBench()
      log()
    }
  } finally {
    await server.close()
  }

  const passed = targets.filter((t) => t.pass).length
  log(`targets (reported, not asserted): ${passed} of ${targets.length} met`)
  log(
    targetsTable(
      "target",
      targets.map((t) => ({ ...t, name: t.kind === null ? t.name : `[${t.kind}] ${t.name}` }))
    )
  )
  log()
  if (cells.length > 0) printMarkdown(cells, kinds)

  const results = {
    date: new Date().toISOString(),
    quick: QUICK,
    environment: {
      node: process.version,
      cores: availableParallelism(),
      cpu: cpuModel,
      platform: `${process.platform}/${process.arch}`
    },
    kinds,
    gzip: gzipEverywhere() ? "all" : "default",
    plan: {
      concurrencies: plan.concurrencies,
      rounds: plan.rounds,
      callsPerRound: Object.fromEntries(plan.concurrencies.map((c) => [c, plan.callsPerRound(c)])),
      warmupCalls: Object.fromEntries(plan.concurrencies.map((c) => [c, plan.warmupCalls(c)])),
      memoryCheckpoints
    },
    goals: { ...TARGETS, bundleDeltaKiB: TARGETS.bundleDeltaBytes / KiB },
    throughput: cells,
    memory,
    bundle: bundle ?? null,
    targets,
    durationMs: Date.now() - started
  }
  await writeFile(outPath, `${JSON.stringify(results, null, 2)}\n`)
  log(`results written to ${outPath} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
