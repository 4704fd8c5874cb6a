/**
 * The operation metrics, and the wrapper that records them around a call.
 */
import type { Effect as E, Exit as Ex, Fiber } from "effect"
import { Cause, Clock, Effect, Exit, Metric } from "effect"

const CALLS = "linq_client_calls_total"
const CALLS_DESCRIPTION =
  "Calls of the Linq client's operations, by operation and outcome (success or the error's tag)"

const DURATION = "linq_client_call_duration_ms"
const DURATION_DESCRIPTION =
  "Duration of the Linq client's operations in milliseconds, retries included, by operation"
const DURATION_BOUNDARIES = Metric.exponentialBoundaries({ start: 5, factor: 2, count: 15 })

/**
 * Calls by `operation` and `outcome` (`success`, or the error's tag).
 */
export const callsTotal: Metric.Counter<number> = Metric.counter(CALLS, {
  description: CALLS_DESCRIPTION,
  incremental: true
})

/**
 * Call durations in milliseconds by `operation`, retries and waits included.
 */
export const callDuration: Metric.Histogram<number> = Metric.histogram(DURATION, {
  description: DURATION_DESCRIPTION,
  boundaries: DURATION_BOUNDARIES
})

/*
 * The attributed metrics are made once per operation (and outcome), with
 * their attributes as their own, rather than `callsTotal.pipe(
 * Metric.withAttributes(...))` per call: that wrapper adds the attributes to
 * the context on every update, and every wrapper of one shared metric makes
 * that metric recompute its series key (a `JSON.stringify`) whenever the
 * attributes differ from the last update's. A metric made with its attributes
 * keeps its key cached. Same name, description, attributes and registry
 * entry either way: `callsTotal.pipe(Metric.withAttributes({ operation,
 * outcome }))` reads the series these update.
 */
const counters = new Map<string, Metric.Counter<number>>()
const histograms = new Map<string, Metric.Histogram<number>>()

const callCounter = (operation: string, outcome: string): Metric.Counter<number> => {
  const key = `${operation} ${outcome}`
  let counter = counters.get(key)
  if (counter === undefined) {
    counter = Metric.counter(CALLS, {
      description: CALLS_DESCRIPTION,
      incremental: true,
      attributes: { operation, outcome }
    })
    counters.set(key, counter)
  }
  return counter
}

const durationHistogram = (operation: string): Metric.Histogram<number> => {
  let histogram = histograms.get(operation)
  if (histogram === undefined) {
    histogram = Metric.histogram(DURATION, {
      description: DURATION_DESCRIPTION,
      boundaries: DURATION_BOUNDARIES,
      attributes: { operation }
    })
    histograms.set(operation, histogram)
  }
  return histogram
}

/** `success`, the error's tag, `interrupted` or `defect`. */
const outcomeOf = <A, Err>(exit: Ex.Exit<A, Err>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Cause.findErrorOption(exit.cause)
  if (failure._tag === "Some") {
    const error: unknown = failure.value
    return typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : "failure"
  }
  return Cause.hasInterruptsOnly(exit.cause) ? "interrupted" : "defect"
}

/** What `Clock.currentTimeMillis` reads, read from the fiber (the fiber's clock, a test clock included). */
const nowOf = (fiber: Fiber.Fiber<unknown, unknown>): number =>
  fiber.getRef(Clock.Clock).currentTimeMillisUnsafe()

/**
 * Runs `effect` as one call of `operation`, counting its outcome and timing
 * it on the fiber's clock. Attributes carry the operation and outcome only:
 * never a handle, chat id or key. The clock and the metrics are read and
 * updated straight from the fiber (as `Clock.currentTimeMillis` and
 * `Metric.update` do, with the fiber's context, so its metric attributes and
 * registry), one step at each end instead of six.
 */
export const metered = (operation: string) => {
  const duration = durationHistogram(operation)
  const succeeded = callCounter(operation, "success")
  return <A, Err, R>(effect: E.Effect<A, Err, R>): E.Effect<A, Err, R> =>
    Effect.withFiber<A, Err, R>((fiber) => {
      const start = nowOf(fiber)
      return Effect.onExit(effect, (exit) =>
        Effect.withFiber<void>((fiber) => {
          const counter = Exit.isSuccess(exit) ? succeeded : callCounter(operation, outcomeOf(exit))
          counter.updateUnsafe(1, fiber.context)
          duration.updateUnsafe(nowOf(fiber) - start, fiber.context)
          return Effect.void
        })
      )
    })
}
