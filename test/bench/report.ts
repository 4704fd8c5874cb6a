/**
 * How the bench's numbers are printed and judged: table formatting (plain
 * and markdown), the targets of issue 14 per kind of answer (PASS/MISS with
 * the distance to the goal; reported, never asserted) and the rows of the
 * throughput tables.
 */
import type { ClientId } from "./clients.js"
import type { Kind } from "./shared.js"
import type { Cell } from "./throughput.js"

export const KiB = 1024
export const MB = 1_000_000

/** The goals (issue 14, on effect 4.1), per kind of answer. */
export const TARGETS = {
  /** linq-effect over layerUndici, req/s ≥ 2.1 × the official SDK's */
  vsOfficial: 2.1,
  /** linq-effect on each transport, req/s ≥ 0.95 × the hand-written effect/http floor's on it */
  vsFloor: 0.95,
  /** linq-effect on each transport, client CPU per call ≤ 1.15 × the hand-written floor's on it */
  cpuVsFloor: 1.15,
  /** gzipped bytes on top of the hand-written effect 4.1 baseline */
  bundleDeltaBytes: 12 * KiB,
  /** heap growth from the first to the last memory checkpoint */
  heapGrowthBytes: 5 * MB
}

// ---------------------------------------------------------------- formatting

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a"
export const ratio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}x` : "n/a")
export const kib = (bytes: number): string => `${(bytes / KiB).toFixed(1)} KiB`
const percent = (share: number): string => `${(share * 100).toFixed(0)}%`

export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

/** A markdown table of the same data, for the README. */
export const markdownTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`)
  ].join("\n")

// ---------------------------------------------------------------- targets

export interface Target {
  /** The kind of answer it was measured on (none for bundle). */
  readonly kind: Kind | null
  readonly name: string
  readonly pass: boolean
  /** The measured value and the goal, as printed. */
  readonly actual: string
  readonly goal: string
  /** Distance from the goal, relative to it: how far above (>= goals) or below (<= goals) it, < 0 on a miss. */
  readonly margin: number
}

/** A target met when `value >= goal` ("atLeast") or `value <= goal` ("atMost"). */
export const target = (
  kind: Kind | null,
  name: string,
  value: number,
  goal: number,
  direction: "atLeast" | "atMost",
  show: (n: number) => string
): Target => ({
  kind,
  name,
  pass: direction === "atLeast" ? value >= goal : value <= goal,
  actual: show(value),
  goal: `${direction === "atLeast" ? ">=" : "<="} ${show(goal)}`,
  margin: direction === "atLeast" ? value / goal - 1 : (goal - value) / goal
})

export const verdict = (t: Target): string => {
  if (!Number.isFinite(t.margin)) return "n/a"
  const pct = `${Math.abs(t.margin * 100).toFixed(0)}%`
  const atLeast = t.goal.startsWith(">=")
  if (t.pass) return `PASS (${pct} ${atLeast ? "above" : "under"} goal)`
  return `MISS (${pct} ${atLeast ? "below" : "over"} goal)`
}

export const targetsTable = (title: string, targets: ReadonlyArray<Target>): string =>
  table(
    [title, "actual", "goal", "result"],
    targets.map((t) => [t.name, t.actual, t.goal, verdict(t)])
  )

export const find = (
  cells: ReadonlyArray<Cell>,
  kind: Kind,
  client: ClientId,
  concurrency: number
): Cell | undefined =>
  cells.find((c) => c.kind === kind && c.client === client && c.concurrency === concurrency)

/** The hand-written effect/http client on the same transport as `client`, if it is this SDK. */
export const floorOf = (client: ClientId): ClientId | undefined =>
  client === "effect-undici" ? "floor-undici" : client === "effect-fetch" ? "floor-fetch" : undefined

/**
 * " (*: only one side got gzip)" when two cells of the gzip kind are not like
 * for like (one client got compressed answers, the other did not: with
 * `BENCH_GZIP=default`), else "".
 */
const likeForLike = (a: Cell, b: Cell): string =>
  a.kind === "gzip" && a.gzipShare > 0 !== b.gzipShare > 0 ? " (*: only one side got gzip)" : ""

/** The throughput targets of one kind, at every concurrency measured. */
export const throughputTargets = (
  cells: ReadonlyArray<Cell>,
  kind: Kind,
  concurrencies: ReadonlyArray<number>
): Target[] => {
  const targets: Target[] = []
  const at = (client: ClientId, c: number) => find(cells, kind, client, c)
  for (const c of concurrencies) {
    const sdk = at("effect-undici", c)
    const official = at("official", c)
    for (const client of ["effect-undici", "effect-fetch"] as const) {
      const mine = at(client, c)
      const floorId = floorOf(client)
      const floor = floorId === undefined ? undefined : at(floorId, c)
      if (mine === undefined || floor === undefined) continue
      const transport = client === "effect-undici" ? "undici" : "fetch"
      targets.push(
        target(
          kind,
          `SDK/${transport} req/s vs its effect 4.1 floor, c=${c}`,
          mine.reqPerSec / floor.reqPerSec,
          TARGETS.vsFloor,
          "atLeast",
          ratio
        )
      )
    }
    if (sdk !== undefined && official !== undefined) {
      const r = sdk.reqPerSec / official.reqPerSec
      const name = `SDK/undici req/s vs @linqapp/sdk, c=${c}${likeForLike(sdk, official)}`
      targets.push(target(kind, name, r, TARGETS.vsOfficial, "atLeast", ratio))
    }
    for (const client of ["effect-undici", "effect-fetch"] as const) {
      const mine = at(client, c)
      const floorId = floorOf(client)
      const floor = floorId === undefined ? undefined : at(floorId, c)
      if (mine === undefined || floor === undefined) continue
      const transport = client === "effect-undici" ? "undici" : "fetch"
      targets.push(
        target(
          kind,
          `SDK/${transport} client CPU/call vs its floor, c=${c}`,
          mine.cpuMicrosPerCall / floor.cpuMicrosPerCall,
          TARGETS.cpuVsFloor,
          "atMost",
          ratio
        )
      )
    }
  }
  return targets
}

// ---------------------------------------------------------------- throughput tables

export const throughputHeader = (kind: Kind): string[] => [
  "client",
  "req/s",
  "CPU µs/req",
  "p50 ms",
  "p99 ms",
  "req/s vs official",
  "req/s vs fetch",
  "req/s vs floor",
  "CPU vs floor",
  "CPU vs undici",
  ...(kind === "gzip" ? ["got gzip"] : [])
]

/** One row per client of one kind at one concurrency. */
export const throughputRows = (cells: ReadonlyArray<Cell>, kind: Kind, c: number): string[][] => {
  const official = find(cells, kind, "official", c)
  const fetchCell = find(cells, kind, "fetch", c)
  const undici = find(cells, kind, "undici", c)
  return cells
    .filter((cell) => cell.kind === kind && cell.concurrency === c)
    .map((cell) => {
      const floorId = floorOf(cell.client)
      const floor = floorId === undefined ? undefined : find(cells, kind, floorId, c)
      return [
        cell.label,
        fmt(cell.reqPerSec),
        fmt(cell.cpuMicrosPerCall),
        fmt(cell.p50Ms, 2),
        fmt(cell.p99Ms, 2),
        official ? ratio(cell.reqPerSec / official.reqPerSec) : "n/a",
        fetchCell ? ratio(cell.reqPerSec / fetchCell.reqPerSec) : "n/a",
        floor ? ratio(cell.reqPerSec / floor.reqPerSec) : "",
        floor ? ratio(cell.cpuMicrosPerCall / floor.cpuMicrosPerCall) : "",
        undici ? ratio(cell.cpuMicrosPerCall / undici.cpuMicrosPerCall) : "n/a",
        ...(kind === "gzip"
          ? [cell.gzipShare === 0 ? "no (identity)" : `yes (${percent(cell.gzipShare)})`]
          : [])
      ]
    })
}

/**
 * What each kind costs each client: CPU per call on every kind, and against
 * the same client's cost on an answer with a length (the goal: about 1.00x).
 */
export const kindCostRows = (
  cells: ReadonlyArray<Cell>,
  kinds: ReadonlyArray<Kind>,
  c: number
): { header: string[]; rows: string[][] } => {
  const others = kinds.filter((k) => k !== "length")
  const base = kinds.includes("length") ? "length" : undefined
  const header = [
    "client",
    ...kinds.map((k) => `${k} CPU µs/req`),
    ...(base === undefined ? [] : others.map((k) => `${k} vs length`))
  ]
  const clients = [...new Set(cells.filter((cell) => cell.concurrency === c).map((cell) => cell.client))]
  const rows = clients.map((client) => {
    const cost = (k: Kind) => find(cells, k, client, c)?.cpuMicrosPerCall ?? Number.NaN
    const label = cells.find((cell) => cell.client === client)?.label ?? client
    return [
      label,
      ...kinds.map((k) => fmt(cost(k))),
      ...(base === undefined ? [] : others.map((k) => ratio(cost(k) / cost(base))))
    ]
  })
  return { header, rows }
}
