/**
 * How the telemetry example prints what OpenTelemetry exported: spans as a
 * tree (name, kind, status, then every attribute), metrics one series a line
 * in the Prometheus notation (`name{tag="value"} value`).
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"

/** One exported metric series, flattened. */
export interface ExportedMetric {
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
  /** A counter's or gauge's value; a histogram's number of observations. */
  readonly value: number
  /** A histogram's sum of observations. */
  readonly sum?: number
  /**
   * How much `value` grew between the two collections of a run. Effect's
   * metrics are cumulative for the process, so in `pnpm demo` (where other
   * examples ran first) `value` also counts their calls.
   */
  readonly increase: number
}

const seriesKey = (name: string, tags: Readonly<Record<string, string>>) =>
  `${name}${JSON.stringify(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)))}`

const flatten = (collected: ResourceMetrics | undefined, keep: (name: string) => boolean) =>
  (collected?.scopeMetrics ?? []).flatMap((scope) =>
    scope.metrics
      .filter((metric) => keep(metric.descriptor.name))
      .flatMap((metric) =>
        metric.dataPoints.map((point) => {
          const tags = Object.fromEntries(Object.entries(point.attributes).map(([k, v]) => [k, String(v)]))
          const value = point.value
          return typeof value === "number"
            ? { name: metric.descriptor.name, tags, value }
            : { name: metric.descriptor.name, tags, value: value.count, sum: value.sum ?? 0 }
        })
      )
  )

/**
 * The series whose name passes `keep`, from the last collection, each with
 * its increase since the first one.
 */
export const exportedMetrics = (
  collections: ReadonlyArray<ResourceMetrics>,
  keep: (name: string) => boolean
): ReadonlyArray<ExportedMetric> => {
  const before = new Map(flatten(collections[0], keep).map((m) => [seriesKey(m.name, m.tags), m.value]))
  const last = collections.length > 1 ? collections[collections.length - 1] : undefined
  return flatten(last, keep)
    .map((m) => ({ ...m, increase: m.value - (before.get(seriesKey(m.name, m.tags)) ?? 0) }))
    .sort((a, b) => seriesKey(a.name, a.tags).localeCompare(seriesKey(b.name, b.tags)))
}

/** `linq_http_attempts_total{method="POST", route="/v3/…"} 4` */
export const formatMetric = (metric: ExportedMetric): string => {
  const tags = Object.entries(metric.tags)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")
  const value =
    metric.sum === undefined
      ? `${metric.value}`
      : `count=${metric.value} sum=${Math.round(metric.sum * 10) / 10}`
  const since = metric.increase === metric.value ? "" : ` (+${metric.increase} during this example)`
  return `${metric.name}{${tags}} ${value}${since}`
}

const formatStatus = (span: ReadableSpan): string =>
  span.status.code === SpanStatusCode.ERROR
    ? "ERROR"
    : span.status.code === SpanStatusCode.OK
      ? "OK"
      : "UNSET"

/**
 * The spans as a tree, children under their parent in start order:
 *
 *   add a newcomer  [internal] OK
 *     Linq POST /v3/chats/{chatId}/participants  [client] OK
 *       http.request.method=POST url.template=/v3/chats/{chatId}/participants …
 */
export const formatSpans = (spans: ReadonlyArray<ReadableSpan>): ReadonlyArray<string> => {
  const ids = new Set(spans.map((s) => s.spanContext().spanId))
  const byStart = [...spans].sort(
    (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]
  )
  const parentOf = (s: ReadableSpan) => {
    const parent = s.parentSpanContext?.spanId
    return parent !== undefined && ids.has(parent) ? parent : undefined
  }
  const lines: Array<string> = []
  const visit = (span: ReadableSpan, depth: number) => {
    const pad = "  ".repeat(depth + 1)
    lines.push(`${pad}${span.name}  [${SpanKind[span.kind].toLowerCase()}] ${formatStatus(span)}`)
    const attributes = Object.entries(span.attributes).map(([k, v]) => `${k}=${String(v)}`)
    if (attributes.length > 0) lines.push(`${pad}  ${attributes.join(" ")}`)
    const id = span.spanContext().spanId
    for (const child of byStart.filter((s) => parentOf(s) === id)) visit(child, depth + 1)
  }
  for (const root of byStart.filter((s) => parentOf(s) === undefined)) visit(root, 0)
  return lines
}
