/**
 * Example: export the SDK's spans and metrics with OpenTelemetry
 * (`@effect/opentelemetry`'s `NodeSdk`), offline.
 *
 * The SDK makes one client span per call, `Linq <METHOD> <path template>`
 * (attributes `http.request.method`, `url.template`, `server.address`,
 * `linq.attempts`, `http.response.status_code`, `error.type` on failure), and
 * counts its work with Effect `Metric`s named `linq_…`
 * (`linq_http_attempts_total{method,route}`, and the client's operation
 * metrics). `NodeSdk.layer` turns both into OpenTelemetry data; here the
 * exporters keep it in memory and the example prints it. In a service, swap
 * them for OTLP exporters (`BatchSpanProcessor(new OTLPTraceExporter())`,
 * `PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })`).
 *
 * Run it alone with `pnpm example:telemetry`; it needs no network: the SDK
 * talks to FakeLinq on 127.0.0.1.
 */
import { pathToFileURL } from "node:url"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Console, Effect, Result, Layer } from "effect"
import { type ExportedMetric, exportedMetrics, formatMetric, formatSpans } from "./TelemetryPrint.js"

/** The example's API key: the test checks it appears in no span, metric or printed line. */
export const API_KEY = "sk-example-telemetry-2f9c"

/**
 * The OpenTelemetry wiring: `NodeSdk.layer` with a span processor and a
 * metric reader. The exporters are in memory; `flush` makes both export now.
 */
export const makeTelemetry = () => {
  const spanExporter = new InMemorySpanExporter()
  const spanProcessor = new SimpleSpanProcessor(spanExporter)
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // Exports every minute, and whenever forceFlush is called.
  const metricReader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 60_000
  })
  const layer = NodeSdk.layer(() => ({
    resource: { serviceName: "linq-effect-example" },
    spanProcessor,
    metricReader
  }))
  const flush = Effect.promise(() => Promise.all([spanProcessor.forceFlush(), metricReader.forceFlush()]))
  return { layer, flush, spanExporter, metricExporter }
}

/** What the example saw: the exported spans and `linq_` metrics, and the lines it prints. */
export interface TelemetryReport {
  readonly spans: ReadonlyArray<ReadableSpan>
  readonly metrics: ReadonlyArray<ExportedMetric>
  readonly lines: ReadonlyArray<string>
}

const { iMessageGroup } = FakeLinq.chats
const { newcomer, dave, rcsOnly, iMessageCapable } = FakeLinq.handles

/** A few calls, each inside a span of the caller's own (the SDK's span is its child). */
const calls = Effect.gen(function* () {
  const fake = yield* FakeLinq
  const call = <A, E extends { readonly _tag: string }, R>(
    title: string,
    operation: Effect.Effect<A, E, R>
  ) =>
    operation.pipe(
      Effect.withSpan(title, {}, { captureStackTrace: false }),
      Effect.result,
      Effect.map(
        (outcome) =>
          `    ${title}: ${Result.match(outcome, { onFailure: (e) => `failed with ${e._tag}`, onSuccess: () => "accepted" })}`
      )
    )
  const added = yield* call("add a newcomer", addParticipant(iMessageGroup, { handle: newcomer }))
  const removed = yield* call("remove a member", removeParticipant(iMessageGroup, { handle: dave }))
  const refused = yield* call(
    "add an RCS-only handle to an iMessage group",
    addParticipant(iMessageGroup, { handle: rcsOnly })
  )
  // The next add is answered 503 (retry after 20 ms) once: the SDK retries it.
  yield* fake.inject(Fault.status(503, { retryAfterMs: 20 }), { route: "add" })
  const retried = yield* call(
    "add, answered 503 once, then retried",
    addParticipant(iMessageGroup, { handle: iMessageCapable })
  )
  return [added, removed, refused, retried]
})

/**
 * Runs the calls against FakeLinq on loopback with the OpenTelemetry layer,
 * then returns what was exported and the lines describing it.
 */
export const run: Effect.Effect<TelemetryReport> = Effect.scoped(
  Effect.gen(function* () {
    // The fake runs outside the telemetry layer: only the SDK's side is traced.
    const fake = yield* FakeLinq.serve()
    const telemetry = makeTelemetry()
    const linq = LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: fake.baseUrl }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
    const { outcomes, spans, collections } = yield* Effect.gen(function* () {
      yield* telemetry.flush // a first collection: the metrics before the calls
      const outcomes = yield* calls
      yield* telemetry.flush
      // Read before the layer closes: shutting the SDK down empties the span exporter.
      const spans = telemetry.spanExporter.getFinishedSpans()
      return { outcomes, spans, collections: telemetry.metricExporter.getMetrics() }
    }).pipe(Effect.provide(Layer.mergeAll(linq, telemetry.layer, Layer.succeed(FakeLinq, fake))))
    const metrics = exportedMetrics(collections, (name) => name.startsWith("linq_"))
    const lines = [
      "  Calls (against FakeLinq on 127.0.0.1):",
      ...outcomes,
      `  Spans exported (${spans.length}):`,
      ...formatSpans(spans).map((line) => `  ${line}`),
      "  Metrics exported (linq_*):",
      ...metrics.map((metric) => `    ${formatMetric(metric)}`)
    ]
    return { spans, metrics, lines }
  })
)

/** Prints the report (`pnpm demo` runs it as its last step). */
export const program = Effect.flatMap(run, (report) => Console.log(report.lines.join("\n")))

// `pnpm example:telemetry` runs this file directly.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  NodeRuntime.runMain(program)
}
