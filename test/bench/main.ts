/**
 * `pnpm bench`: this SDK against the official Linq SDK and raw HTTP.
 *
 * 1. throughput: every client at concurrency 1 and 64, interleaved rounds,
 *    against a loopback server in its own process (server.ts);
 * 2. memory: 100,000 calls through one runtime, heap after forced GC;
 * 3. bundle: what the SDK adds to a minified, gzipped app.
 *
 * Prints tables, ratios and the targets (PASS/MISS; never asserted), and
 * writes everything to test/bench/results.json (git-ignored).
 *
 * Env: `BENCH_QUICK=1` (or `--quick`) tiny counts; `BENCH_CLIENTS=a,b` a subset
 * of clients; `BENCH_ONLY=throughput,memory,bundle` a subset of the runs;
 * `BENCH_MEMORY=undici,fetch` the memory run over both transports (default
 * undici); `BENCH_SDK=source` this SDK through tsx instead of compiled (see
 * sdk-build.ts); `BENCH_OUT=path` where the JSON goes.
 */
import { writeFile } from "node:fs/promises"
import { availableParallelism, cpus } from "node:os"
import { fileURLToPath } from "node:url"
import { type BenchClient, type ClientId, makeClients, selectedClientIds } from "./clients.js"
import { type BundleReport, runBundle } from "./bundle.js"
import { type MemoryResult, runMemory } from "./memory.js"
import { QUICK, startServer } from "./shared.js"
import { type Cell, runThroughput, type ThroughputPlan } from "./throughput.js"

const KiB = 1024
const MB = 1_000_000
const TARGETS = {
  /** effect-undici req/s ≥ 1.5 × the official SDK's */
  vsOfficial: 1.5,
  /** effect-undici req/s ≥ raw fetch's */
  vsFetch: 1,
  /** effect-undici CPU per call ≤ 3 × raw undici.request's */
  cpuVsUndici: 3,
  /** gzipped bytes on top of the hand-written baseline */
  bundleDeltaBytes: 12 * KiB,
  /** heap growth from the first to the last memory checkpoint */
  heapGrowthBytes: 5 * MB
}

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

// ---------------------------------------------------------------- formatting

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a"
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : "n/a")
const kib = (bytes: number) => `${(bytes / KiB).toFixed(1)} KiB`

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

/** A markdown table of the same data, for the README. */
const markdownTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`)
  ].join("\n")

// ---------------------------------------------------------------- targets

interface Target {
  readonly name: string
  readonly pass: boolean
  /** The measured value and the goal, as printed. */
  readonly actual: string
  readonly goal: string
  /** Distance from the goal, relative to it: how far above (>= goals) or below (<= goals) it, < 0 on a miss. */
  readonly margin: number
}

/** A target met when `value >= goal` ("atLeast") or `value <= goal` ("atMost"). */
const target = (
  name: string,
  value: number,
  goal: number,
  direction: "atLeast" | "atMost",
  show: (n: number) => string
): Target => ({
  name,
  pass: direction === "atLeast" ? value >= goal : value <= goal,
  actual: show(value),
  goal: `${direction === "atLeast" ? ">=" : "<="} ${show(goal)}`,
  margin: direction === "atLeast" ? value / goal - 1 : (goal - value) / goal
})

const verdict = (t: Target): string => {
  const pct = `${Math.abs(t.margin * 100).toFixed(0)}%`
  const atLeast = t.goal.startsWith(">=")
  if (t.pass) return `PASS (${pct} ${atLeast ? "above" : "under"} goal)`
  return `MISS (${pct} ${atLeast ? "below" : "over"} goal)`
}

const find = (cells: ReadonlyArray<Cell>, client: ClientId, concurrency: number) =>
  cells.find((c) => c.client === client && c.concurrency === concurrency)

const throughputTargets = (cells: ReadonlyArray<Cell>, concurrencies: ReadonlyArray<number>): Target[] => {
  const targets: Target[] = []
  for (const c of concurrencies) {
    const sdk = find(cells, "effect-undici", c)
    if (sdk === undefined) continue
    const official = find(cells, "official", c)
    const fetchCell = find(cells, "fetch", c)
    const undici = find(cells, "undici", c)
    if (official !== undefined) {
      const r = sdk.reqPerSec / official.reqPerSec
      targets.push(target(`req/s vs @linqapp/sdk, c=${c}`, r, TARGETS.vsOfficial, "atLeast", ratio))
    }
    if (fetchCell !== undefined) {
      const r = sdk.reqPerSec / fetchCell.reqPerSec
      targets.push(target(`req/s vs raw fetch, c=${c}`, r, TARGETS.vsFetch, "atLeast", ratio))
    }
    if (undici !== undefined) {
      const r = sdk.cpuMicrosPerCall / undici.cpuMicrosPerCall
      targets.push(target(`CPU/call vs raw undici.request, c=${c}`, r, TARGETS.cpuVsUndici, "atMost", ratio))
    }
  }
  return targets
}

const printTargets = (targets: ReadonlyArray<Target>) => {
  log(
    table(
      ["target (linq-effect over layerUndici)", "actual", "goal", "result"],
      targets.map((t) => [t.name, t.actual, t.goal, verdict(t)])
    )
  )
}

// ---------------------------------------------------------------- runs

const throughputRows = (cells: ReadonlyArray<Cell>, c: number): string[][] => {
  const official = find(cells, "official", c)
  const fetchCell = find(cells, "fetch", c)
  const undici = find(cells, "undici", c)
  return cells
    .filter((cell) => cell.concurrency === c)
    .map((cell) => [
      cell.label,
      fmt(cell.reqPerSec),
      fmt(cell.cpuMicrosPerCall),
      fmt(cell.p50Ms, 2),
      fmt(cell.p99Ms, 2),
      official ? ratio(cell.reqPerSec / official.reqPerSec) : "n/a",
      fetchCell ? ratio(cell.reqPerSec / fetchCell.reqPerSec) : "n/a",
      undici ? ratio(cell.cpuMicrosPerCall / undici.cpuMicrosPerCall) : "n/a"
    ])
}
const THROUGHPUT_HEADER = [
  "client",
  "req/s",
  "CPU µs/req",
  "p50 ms",
  "p99 ms",
  "req/s vs official",
  "req/s vs fetch",
  "CPU vs undici"
]

const sanityCheck = async (clients: ReadonlyArray<BenchClient>) => {
  for (const client of clients) {
    const answer = (await client.call()) as { status?: unknown } | null
    if (answer === null || typeof answer !== "object" || answer.status !== "accepted") {
      throw new Error(`${client.label}: unexpected answer ${JSON.stringify(answer)}`)
    }
  }
}

const main = async () => {
  const started = Date.now()
  const cpuModel = cpus()[0]?.model ?? "unknown CPU"
  log(`linq-effect bench${QUICK ? " (QUICK: tiny counts, numbers are not meaningful)" : ""}`)
  log(
    `node ${process.version}, ${availableParallelism()} cores (${cpuModel}), ${process.platform}/${process.arch}`
  )
  log()

  const ids = selectedClientIds()
  const server = await startServer()
  log(`loopback server (pid separate) on ${server.baseUrl}`)

  let cells: Cell[] = []
  let memory: MemoryResult[] = []
  let bundle: BundleReport | undefined
  let targets: Target[] = []
  try {
    if (only.includes("throughput")) {
      const clients = await makeClients(server.baseUrl, ids)
      try {
        await sanityCheck(clients)
        log(
          `throughput: ${clients.length} clients x concurrency ${plan.concurrencies.join(", ")}, ` +
            `${plan.rounds} interleaved rounds of ${plan.concurrencies.map((c) => plan.callsPerRound(c)).join(" / ")} calls`
        )
        cells = await runThroughput(clients, server, plan, log)
      } finally {
        for (const client of clients) await client.close()
      }
      log()
      for (const c of plan.concurrencies) {
        log(`concurrency ${c}`)
        log(table(THROUGHPUT_HEADER, throughputRows(cells, c)))
        log()
      }
      for (const c of plan.concurrencies) {
        const floor = find(cells, "platform-undici", c)
        const sdk = find(cells, "effect-undici", c)
        const undici = find(cells, "undici", c)
        if (floor === undefined || sdk === undefined || undici === undefined) continue
        log(
          `c=${c}: raw undici.request ${fmt(undici.cpuMicrosPerCall)} µs CPU/call; @effect/platform by hand over undici ` +
            `+${fmt(floor.cpuMicrosPerCall - undici.cpuMicrosPerCall)} µs; this SDK a further ` +
            `+${fmt(sdk.cpuMicrosPerCall - floor.cpuMicrosPerCall)} µs (validation, error mapping, timeout, retry, span)`
        )
      }
      log()
      targets.push(...throughputTargets(cells, plan.concurrencies))
    }

    const sdkSelected = ids.includes("effect-undici") || ids.includes("effect-fetch")
    if (only.includes("memory") && sdkSelected) {
      log(`memory: ${fmt(memoryCheckpoints.at(-1) ?? 0)} calls through one ManagedRuntime, 64 in flight`)
      for (const transport of memoryTransports) {
        memory.push(await runMemory(server.baseUrl, transport, memoryCheckpoints))
      }
      const header = ["transport", ...memoryCheckpoints.map((n) => `heap @${fmt(n)}`), "growth", "calls/s"]
      log(
        table(
          header,
          memory.map((m) => {
            const last = m.checkpoints.at(-1)
            return [
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
            `heap growth ${fmt(memoryCheckpoints[0] ?? 0)} → ${fmt(memoryCheckpoints.at(-1) ?? 0)} calls (${m.transport})`,
            m.growthBytes,
            TARGETS.heapGrowthBytes,
            "atMost",
            (n) => `${(n / MB).toFixed(2)} MB`
          )
        )
      }
    }

    if (only.includes("bundle")) {
      bundle = await runBundle()
      log("bundle (esbuild, minified, ESM, platform browser; gzip -9)")
      log(
        table(
          ["app", "minified", "gzip -9"],
          [
            [
              "effect + @effect/platform by hand (baseline)",
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
        log(
          `  ${kib(c.bytes).padStart(10)}  ${c.cause}${c.cause.startsWith("the SDK") ? "" : `  ← ${files}`}`
        )
      }
      log()
      targets.push(
        target(
          "gzipped bytes over the hand-written baseline",
          bundle.deltaGzipBytes,
          TARGETS.bundleDeltaBytes,
          "atMost",
          kib
        )
      )
    }
  } finally {
    await server.close()
  }

  log("targets (reported, not asserted)")
  printTargets(targets)
  log()

  if (cells.length > 0) {
    log("markdown (README):")
    for (const c of plan.concurrencies) {
      log()
      log(`Concurrency ${c}:`)
      log()
      log(markdownTable(THROUGHPUT_HEADER, throughputRows(cells, c)))
    }
    log()
  }

  const results = {
    date: new Date().toISOString(),
    quick: QUICK,
    environment: {
      node: process.version,
      cores: availableParallelism(),
      cpu: cpuModel,
      platform: `${process.platform}/${process.arch}`
    },
    plan: {
      concurrencies: plan.concurrencies,
      rounds: plan.rounds,
      callsPerRound: Object.fromEntries(plan.concurrencies.map((c) => [c, plan.callsPerRound(c)])),
      warmupCalls: Object.fromEntries(plan.concurrencies.map((c) => [c, plan.warmupCalls(c)])),
      memoryCheckpoints
    },
    throughput: cells,
    memory,
    bundle: bundle ?? null,
    targets,
    durationMs: Date.now() - started
  }
  await writeFile(outPath, `${JSON.stringify(results, null, 2)}\n`)
  log(`results written to ${outPath} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  memory = []
  targets = []
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
