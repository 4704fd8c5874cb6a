/**
 * Per-call options of every operation, and what of them goes into a
 * `LinqRequest`.
 */
import { InvalidOption } from "@linq-effect/core"
import { Duration, Effect, Option } from "effect"

/**
 * The per-call overrides every operation takes.
 */
export interface CallOptions {
  readonly timeout?: Duration.Input | undefined
  readonly maxRetries?: number | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * The overrides set in `options`, as `LinqRequest` fields (`LinqHttpClient`
 * keeps `Authorization` its own whatever `headers` says).
 */
export const requestOverrides = (options: CallOptions | undefined) =>
  options === undefined
    ? {}
    : {
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
        ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
        ...(options.headers === undefined ? {} : { headers: options.headers })
      }

/**
 * Only the per-call overrides of `options` (a batch's or a sync's options
 * carry more), for the calls it makes.
 */
export const callOptions = (options: CallOptions | undefined): CallOptions => requestOverrides(options)

/**
 * The `InvalidOption` of `option` given `value` (as text: a string quoted),
 * saying what it must be (`rule`, e.g. "a whole number from 1 to 100").
 */
export const invalidOption = (option: string, value: unknown, rule: string): InvalidOption => {
  const given = typeof value === "string" ? JSON.stringify(value) : String(value)
  return new InvalidOption({ option, input: given, reason: `${option} must be ${rule}; got ${given}` })
}

/**
 * A `confirm` option: how long to wait for the changes to show, in ms (a
 * finite duration above zero); none when not given; else `InvalidOption`,
 * before anything is sent.
 */
export const confirmOf = (value: unknown): Effect.Effect<number | undefined, InvalidOption> => {
  if (value === undefined) return Effect.succeed(undefined)
  const ms = Option.match(Duration.fromInput(value as Duration.Input), {
    onNone: () => Number.NaN,
    onSome: Duration.toMillis
  })
  return Number.isFinite(ms) && ms > 0
    ? Effect.succeed(ms)
    : Effect.fail(invalidOption("confirm", value, 'a finite duration above zero (say "30 seconds")'))
}
