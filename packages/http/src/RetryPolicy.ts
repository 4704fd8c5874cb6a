/**
 * When and how long to wait before trying a request again: the same rules as
 * Linq's official SDKs, as an Effect `Schedule`.
 *
 * - Retried: connection errors, timeouts, 408, 409, 429 and 5xx; an
 *   `x-should-retry: true|false` header overrides that judgement. Recognised
 *   group-chat rule violations are never retried.
 * - Waits: exponential from 0.5 s, doubling, at most 8 s, minus up to 25 %
 *   jitter; a `retry-after-ms` or `Retry-After` (seconds or HTTP date) header
 *   replaces the wait, capped at 60 s.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option, Random, Schedule } from "effect"

/**
 * The first wait.
 *
 * @since 0.1.0
 * @category constants
 */
export const INITIAL_DELAY: Duration.Duration = Duration.millis(500)

/**
 * The longest computed wait (before jitter).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_DELAY: Duration.Duration = Duration.seconds(8)

/**
 * The longest wait a server's `Retry-After` can impose.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_RETRY_AFTER: Duration.Duration = Duration.seconds(60)

/**
 * Whether an HTTP status is worth retrying: 408, 409, 429 and 5xx.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500

/**
 * Reads `x-should-retry`: `Some(true)`, `Some(false)` or `None` when absent.
 *
 * @since 0.1.0
 * @category parsing
 */
export const shouldRetryHeader = (
  headers: Readonly<Record<string, string | undefined>>
): Option.Option<boolean> => {
  const value = headers["x-should-retry"]
  return value === "true" ? Option.some(true) : value === "false" ? Option.some(false) : Option.none()
}

/**
 * Reads how long the server asked to wait: `retry-after-ms` (milliseconds),
 * else `Retry-After` as seconds or as an HTTP date (relative to `now`, in
 * epoch milliseconds). Negative, unparsable or absent values give `None`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const retryAfter = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): Option.Option<Duration.Duration> => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined) {
    const value = Number.parseFloat(ms)
    if (Number.isFinite(value) && value >= 0) return Option.some(Duration.millis(value))
  }
  const header = headers["retry-after"]
  if (header === undefined) return Option.none()
  const trimmed = header.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Option.some(Duration.millis(Number.parseFloat(trimmed) * 1000))
  // Every HTTP-date form (RFC 9110) starts with a day name; `Date.parse` alone
  // also reads "-5" or "1.5.3" as dates (years 2001 and 2003).
  if (!/^[A-Za-z]{3}/.test(trimmed)) return Option.none()
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

/**
 * What one failed attempt tells the retry schedule.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttemptFailure<E> {
  readonly error: E
  readonly retryable: boolean
  /** The server's requested wait (the schedule caps it at {@link MAX_RETRY_AFTER}). */
  readonly retryAfter: Option.Option<Duration.Duration>
}

/** Up to 25 % off a delay, uniformly (Effect 3's `jitteredWith({ min: 0.75, max: 1 })`), from the fiber's `Random`. */
const jitter = ({ duration }: { readonly duration: Duration.Duration }) =>
  Effect.map(Random.next, (random) => {
    const millis = Duration.toMillis(duration)
    return Duration.millis(millis * 0.75 * (1 - random) + millis * random)
  })

/**
 * The wait schedule: exponential from {@link INITIAL_DELAY}, capped at
 * {@link MAX_DELAY}, with up to 25 % jitter below, replaced by the server's
 * `Retry-After` when it gave one; at most `maxRetries` retries, and only of
 * retryable failures. Its output is the last failure.
 *
 * @since 0.1.0
 * @category schedules
 */
export const schedule = <E>(maxRetries: number): Schedule.Schedule<unknown, AttemptFailure<E>> =>
  Schedule.exponential(INITIAL_DELAY, 2).pipe(
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, MAX_DELAY))),
    Schedule.modifyDelay(jitter),
    Schedule.passthrough<Duration.Duration, AttemptFailure<E>, never, never>,
    Schedule.modifyDelay(({ input, duration }) =>
      Effect.succeed(
        Option.match(input.retryAfter, {
          onNone: () => duration,
          onSome: (wait) => Duration.min(wait, MAX_RETRY_AFTER)
        })
      )
    ),
    Schedule.while(({ input, attempt }) => input.retryable && attempt <= maxRetries)
  )
