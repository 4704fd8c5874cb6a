/**
 * The operation metrics, and the wrapper that records them around a call.
 */
import type { Effect as E } from "effect"
import { Cause, Clock, Effect, Exit, Metric, MetricBoundaries } from "effect"

/**
 * Calls by `operation` and `outcome` (`success`, or the error's tag).
 */
export const callsTotal = Metric.counter("linq_client_calls_total", {
  description: "Calls of the Linq client's operations, by operation and outcome (success or the error's tag)",
  incremental: true
})

/**
 * Call durations in milliseconds by `operation`, retries and waits included.
 */
export const callDuration = Metric.histogram(
  "linq_client_call_duration_ms",
  MetricBoundaries.exponential({ start: 5, factor: 2, count: 15 }),
  "Duration of the Linq client's operations in milliseconds, retries included, by operation"
)

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

/**
 * Runs `effect` as one call of `operation`, counting its outcome and timing
 * it on the fiber's clock. Tags carry the operation and outcome only: never a
 * handle, chat id or key.
 */
export const metered =
  (operation: string) =>
  <A, Err, R>(effect: E.Effect<A, Err, R>): E.Effect<A, Err, R> =>
    Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(effect, (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (end) =>
          Effect.zipRight(
            Metric.increment(
              Metric.tagged(Metric.tagged(callsTotal, "operation", operation), "outcome", outcomeOf(exit))
            ),
            Metric.update(Metric.tagged(callDuration, "operation", operation), end - start)
          )
        )
      )
    )
