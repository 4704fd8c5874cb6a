/**
 * The throughput run: every client on every kind of answer at every
 * concurrency, in interleaved rounds (every round runs every client on every
 * kind, and the order rotates each round) so that machine noise, GC debt and
 * thermal drift land on all clients and kinds alike, and the kinds can be
 * compared with one another as well as the clients.
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import type { BenchClient, ClientId } from "./clients.js"
import { type Kind, type LoopbackServer, percentile } from "./shared.js"

/** One client on one kind of answer. */
export interface Lane {
  readonly kind: Kind
  readonly client: BenchClient
}

export interface ThroughputPlan {
  readonly concurrencies: ReadonlyArray<number>
  readonly rounds: number
  /** Calls per client per round, by concurrency. */
  readonly callsPerRound: (concurrency: number) => number
  /** Unrecorded calls per client before the first round, by concurrency. */
  readonly warmupCalls: (concurrency: number) => number
}

/** One client on one kind at one concurrency, all rounds together. */
export interface Cell {
  readonly kind: Kind
  readonly client: ClientId
  readonly label: string
  readonly concurrency: number
  readonly calls: number
  /** Total calls / total wall time of the measured segments. */
  readonly reqPerSec: number
  /** Slowest and fastest single round, for a feel of the spread. */
  readonly reqPerSecRounds: ReadonlyArray<number>
  /** Client process CPU (user + system) per call, in microseconds. */
  readonly cpuMicrosPerCall: number
  /** Loopback server process CPU per call, in microseconds (the same server for everyone). */
  readonly serverCpuMicrosPerCall: number
  /** Share of the measured answers the server sent gzip-compressed (0 to 1). */
  readonly gzipShare: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly meanMs: number
}

/** A `gc()` without `--expose-gc` on the command line, to start every segment with a clean heap. */
const gc: () => void = (() => {
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
})()

interface Segment {
  readonly wallMs: number
  readonly cpuMicros: number
  readonly serverCpuMicros: number
  readonly gzipAnswers: number
}

/**
 * `calls` calls with `concurrency` of them in flight at any time; each call's
 * latency goes into `latencies` from `offset`.
 */
const runSegment = async (
  client: BenchClient,
  server: LoopbackServer,
  calls: number,
  concurrency: number,
  latencies: Float64Array | undefined,
  offset: number
): Promise<Segment> => {
  gc()
  const serverStart = await server.stats()
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < calls) {
      const i = next++
      const t0 = performance.now()
      await client.call()
      if (latencies !== undefined) latencies[offset + i] = performance.now() - t0
    }
  }
  const workers: Promise<void>[] = []
  for (let w = 0; w < Math.min(concurrency, calls); w++) workers.push(worker())
  await Promise.all(workers)
  const wallMs = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  const serverEnd = await server.stats()
  return {
    wallMs,
    cpuMicros: cpu.user + cpu.system,
    serverCpuMicros: serverEnd.cpuMicros - serverStart.cpuMicros,
    gzipAnswers: serverEnd.gzipAnswers - serverStart.gzipAnswers
  }
}

const rotate = <A>(items: ReadonlyArray<A>, by: number): A[] => {
  const k = items.length === 0 ? 0 : by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

const laneKey = (lane: Lane): string => `${lane.kind}/${lane.client.id}`

interface Accumulator {
  wallMs: number
  cpu: number
  serverCpu: number
  gzipAnswers: number
  readonly rates: number[]
  readonly latencies: Float64Array
}

export const runThroughput = async (
  lanes: ReadonlyArray<Lane>,
  server: LoopbackServer,
  plan: ThroughputPlan,
  log: (line: string) => void
): Promise<Cell[]> => {
  const cells: Cell[] = []
  for (const concurrency of plan.concurrencies) {
    const perRound = plan.callsPerRound(concurrency)
    const warmup = plan.warmupCalls(concurrency)
    for (const lane of lanes) await runSegment(lane.client, server, warmup, concurrency, undefined, 0)

    const acc = new Map<string, Accumulator>()
    for (const lane of lanes) {
      acc.set(laneKey(lane), {
        wallMs: 0,
        cpu: 0,
        serverCpu: 0,
        gzipAnswers: 0,
        rates: [],
        latencies: new Float64Array(perRound * plan.rounds)
      })
    }
    for (let round = 0; round < plan.rounds; round++) {
      // Each round starts a stride further on, so that over the rounds every
      // lane runs early, midway and late in a round.
      const stride = Math.max(1, Math.floor(lanes.length / plan.rounds))
      for (const lane of rotate(lanes, round * stride)) {
        const a = acc.get(laneKey(lane))!
        const segment = await runSegment(
          lane.client,
          server,
          perRound,
          concurrency,
          a.latencies,
          round * perRound
        )
        a.wallMs += segment.wallMs
        a.cpu += segment.cpuMicros
        a.serverCpu += segment.serverCpuMicros
        a.gzipAnswers += segment.gzipAnswers
        a.rates.push((perRound / segment.wallMs) * 1000)
      }
      log(`  concurrency ${concurrency}: round ${round + 1}/${plan.rounds} done`)
    }
    for (const lane of lanes) {
      const a = acc.get(laneKey(lane))!
      const calls = perRound * plan.rounds
      const sorted = a.latencies.slice().sort()
      let sum = 0
      for (const l of sorted) sum += l
      cells.push({
        kind: lane.kind,
        client: lane.client.id,
        label: lane.client.label,
        concurrency,
        calls,
        reqPerSec: (calls / a.wallMs) * 1000,
        reqPerSecRounds: a.rates,
        cpuMicrosPerCall: a.cpu / calls,
        serverCpuMicrosPerCall: a.serverCpu / calls,
        gzipShare: a.gzipAnswers / calls,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        meanMs: sum / calls
      })
    }
  }
  return cells
}
