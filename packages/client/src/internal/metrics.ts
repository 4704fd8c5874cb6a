/**
 * The operation metrics, and the wrapper that records them around a call.
 */
import type { Effect as E } from "effect"
import type { Fiber } from "effect"
import {
  Cause,
  Clock,
  Context,
  DefaultServices,
  Effect,
  Exit,
  FiberRef,
  Metric,
  MetricBoundaries,
  MetricKey
} from "effect"

const callsKey = MetricKey.counter("linq_client_calls_total", {
  description: "Calls of the Linq client's operations, by operation and outcome (success or the error's tag)",
  incremental: true
})

const durationKey = MetricKey.histogram(
  "linq_client_call_duration_ms",
  MetricBoundaries.exponential({ start: 5, factor: 2, count: 15 }),
  "Duration of the Linq client's operations in milliseconds, retries included, by operation"
)

/**
 * Calls by `operation` and `outcome` (`success`, or the error's tag).
 */
export const callsTotal = Metric.fromMetricKey(callsKey)

/**
 * Call durations in milliseconds by `operation`, retries and waits included.
 */
export const callDuration = Metric.fromMetricKey(durationKey)

/*
 * The tagged metrics are made once per operation (and outcome) from tagged
 * keys rather than with `Metric.tagged` per call: a `Metric.tagged` metric
 * builds a new key (hashing a `JSON.stringify` of its description) and looks
 * it up in the registry on every update. Same names, tags and registry
 * entries either way.
 */
const counters = new Map<string, Metric.Metric.Counter<number>>()
const histograms = new Map<string, Metric.Metric.Histogram<number>>()

const callCounter = (operation: string, outcome: string): Metric.Metric.Counter<number> => {
  const key = `${operation} ${outcome}`
  let counter = counters.get(key)
  if (counter === undefined) {
    counter = Metric.fromMetricKey(
      callsKey.pipe(MetricKey.tagged("operation", operation), MetricKey.tagged("outcome", outcome))
    )
    counters.set(key, counter)
  }
  return counter
}

const durationHistogram = (operation: string): Metric.Metric.Histogram<number> => {
  let histogram = histograms.get(operation)
  if (histogram === undefined) {
    histogram = Metric.fromMetricKey(durationKey.pipe(MetricKey.tagged("operation", operation)))
    histograms.set(operation, histogram)
  }
  return histogram
}

/** `success`, the error's tag, `interrupted` or `defect`. */
const outcomeOf = <A, Err>(exit: Exit.Exit<A, Err>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "Some") {
    const error: unknown = failure.value
    return typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : "failure"
  }
  return Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "defect"
}

/** What `Clock.currentTimeMillis` reads, read from the fiber (the fiber's clock, a test clock included). */
const nowOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>): number =>
  Context.get(fiber.getFiberRef(DefaultServices.currentServices), Clock.Clock).unsafeCurrentTimeMillis()

/**
 * Runs `effect` as one call of `operation`, counting its outcome and timing
 * it on the fiber's clock. Tags carry the operation and outcome only: never a
 * handle, chat id or key. The clock and the metrics are read and updated
 * straight from the fiber (as `Clock.currentTimeMillis` and `Metric.update`
 * do, with the fiber's metric labels), one step at each end instead of six.
 */
export const metered = (operation: string) => {
  const duration = durationHistogram(operation)
  const succeeded = callCounter(operation, "success")
  return <A, Err, R>(effect: E.Effect<A, Err, R>): E.Effect<A, Err, R> =>
    Effect.withFiberRuntime<A, Err, R>((fiber) => {
      const start = nowOf(fiber)
      return Effect.onExit(effect, (exit) =>
        Effect.withFiberRuntime<void>((fiber) => {
          const labels = fiber.getFiberRef(FiberRef.currentMetricLabels)
          const counter = Exit.isSuccess(exit) ? succeeded : callCounter(operation, outcomeOf(exit))
          counter.unsafeUpdate(1, labels)
          duration.unsafeUpdate(nowOf(fiber) - start, labels)
          return Effect.void
        })
      )
    })
}
