/**
 * One API call: its attempts (`attempt.ts`: send, read the body, decode or
 * map the answer), each under the per-attempt timeout and the layer's rate limiter,
 * carrying the current span's trace context and counted in
 * `linq_http_attempts_total`; retried by `Effect.retry` on the retry
 * schedule; all inside one client span named for the URL template.
 *
 * @internal
 */
import type { LinqApiError, LinqTransportError } from "@linq-effect/core"
import { InvalidOption, RequestTimeout } from "@linq-effect/core"
import { Cause, Duration, Effect, Option, Result } from "effect"
import type { Headers, HttpClient } from "effect/http"
import type { LinqRequest, RequestOptions } from "../LinqHttpClient.js"
import type { AttemptFailure } from "../RetryPolicy.js"
import { MAX_RETRY_AFTER, schedule } from "../RetryPolicy.js"
import { decoderFor } from "./answer.js"
import { sendOnce } from "./attempt.js"
import { attemptCounter } from "./metrics.js"
import type { Settings } from "./options.js"
import { checkTimeout, headersProblem, retriesProblem } from "./options.js"
import type { Limiter } from "./rateLimit.js"
import { buildRequest } from "./request.js"
import { timeoutFail } from "./timeout.js"

/** What `execute` needs from the service being built. */
export interface Pipeline {
  readonly settings: Settings
  /** The platform client with its own span off (this module makes one span per call). */
  readonly client: HttpClient.HttpClient
  readonly headers: Headers.Headers
  readonly limiter: Limiter | undefined
  /** Pauses every attempt through the limiter (all replicas' with `LinqShared`) for a 429's `Retry-After`. */
  readonly pause: ((wait: Duration.Duration) => Effect.Effect<void>) | undefined
  readonly scrub: (text: string) => string
  /** The host and port of the base URL, for the span. */
  readonly server: { readonly address: string; readonly port: number }
}

/** A 429 with a `Retry-After` pauses everyone sharing the limiter, for as long as the retry will wait. */
const pauseFor = (
  pause: (wait: Duration.Duration) => Effect.Effect<void>,
  failure: AttemptFailure<{ readonly _tag: string }>
): Effect.Effect<void> =>
  failure.error._tag === "RateLimited" && Option.isSome(failure.retryAfter)
    ? pause(Duration.min(failure.retryAfter.value, MAX_RETRY_AFTER))
    : Effect.void

/**
 * A call's own `timeout`, `maxRetries` and `headers` checked (they come from
 * the caller, often from a config or a request of theirs): the values to use,
 * or `InvalidOption` naming the first bad one, before anything is sent.
 */
const checkCallOptions = (
  request: RequestOptions,
  layerTimeout: Duration.Duration,
  layerRetries: number
): Result.Result<{ readonly timeout: Duration.Duration; readonly retries: number }, InvalidOption> => {
  const invalid = (option: string, input: unknown, reason: string) =>
    Result.fail(new InvalidOption({ option, input: describe(input), reason }))
  let timeout = layerTimeout
  if (request.timeout !== undefined) {
    const checked = checkTimeout(request.timeout)
    if (Result.isFailure(checked)) return invalid("timeout", request.timeout, checked.failure)
    timeout = checked.success
  }
  const retries = request.maxRetries ?? layerRetries
  const badRetries = retriesProblem(retries)
  if (badRetries !== undefined) return invalid("maxRetries", retries, badRetries)
  const headers = headersProblem(request.headers)
  if (headers !== undefined) return invalid("headers", "(not shown)", headers)
  return Result.succeed({ timeout, retries })
}

const describe = (input: unknown): string =>
  typeof input === "string"
    ? input
    : typeof input === "object" && input !== null
      ? (JSON.stringify(input) ?? String(input))
      : String(input)

export const makeExecute = (pipeline: Pipeline) => {
  // The layer's retry schedule, made once; a call with its own maxRetries gets its own.
  const layerPolicy = schedule<unknown>(pipeline.settings.maxRetries)
  return <A, I, V extends { readonly _tag: string } = never>(
    request: LinqRequest<A, I, V>
  ): Effect.Effect<A, V | LinqApiError | LinqTransportError | InvalidOption> => {
    type E = V | LinqApiError | LinqTransportError
    const { settings } = pipeline
    const checked = checkCallOptions(request, settings.timeout, settings.maxRetries)
    if (Result.isFailure(checked)) return Effect.fail(checked.failure)
    const { timeout: attemptTimeout, retries } = checked.success
    const built = buildRequest(settings.baseUrl, pipeline.headers, request)
    if (Result.isFailure(built)) {
      // Only the path can be wrong here (the headers were checked above): a bug in the LinqRequest.
      return Effect.die(new Error(`LinqHttpClient: ${built.failure} (${request.method} ${request.path})`))
    }
    const httpRequest = built.success
    const { method, url } = httpRequest
    const call = { decode: decoderFor(request.response), recognize: request.recognize }
    const spanName = `Linq ${method} ${request.path}`
    const counter = attemptCounter(method, request.path)
    const onTimeout = (): AttemptFailure<E> => ({
      error: new RequestTimeout({ method, url, timeout: attemptTimeout }),
      retryable: true,
      retryAfter: Option.none()
    })
    const policy = request.maxRetries === undefined ? layerPolicy : schedule<unknown>(retries)
    return Effect.suspend(() => {
      let attempts = 0
      let lastStatus: number | undefined
      const sent = sendOnce(pipeline, httpRequest, call, (status) => {
        lastStatus = status
      })
      const timed = Duration.isFinite(attemptTimeout) ? timeoutFail(sent, attemptTimeout, onTimeout) : sent
      const limited =
        pipeline.limiter === undefined
          ? timed
          : pipeline.pause === undefined
            ? pipeline.limiter(timed)
            : pipeline.limiter(timed).pipe(Effect.tapError((failure) => pauseFor(pipeline.pause!, failure)))
      // The attempt is counted straight from the fiber (as `Metric.update` does, with the
      // fiber's context and so its metric attributes), in the step that numbers it.
      const attempt = Effect.withFiber<A, AttemptFailure<E>>((fiber) => {
        attempts++
        counter.updateUnsafe(1, fiber.context)
        return limited.pipe(
          Effect.tapError((failure) =>
            Effect.logDebug(`${spanName}: attempt ${attempts} failed with ${failure.error._tag}`)
          ),
          Effect.tap(() => Effect.logDebug(`${spanName}: attempt ${attempts} succeeded`))
        )
      })
      // With no retry to make, the schedule's driver (its refs and the iteration
      // metadata service around every attempt) would only cost: the attempt alone
      // fails the same way.
      return (retries === 0 ? attempt : Effect.retry(attempt, policy)).pipe(
        Effect.mapError((failure) => failure.error),
        Effect.onExit((exit) =>
          Effect.annotateCurrentSpan({
            "linq.attempts": attempts,
            ...(lastStatus === undefined ? {} : { "http.response.status_code": lastStatus }),
            ...(exit._tag === "Failure"
              ? {
                  "error.type": Option.match(Cause.findErrorOption(exit.cause), {
                    onNone: () => "interrupted",
                    onSome: (error) => error._tag
                  })
                }
              : {})
          })
        ),
        Effect.withSpan(
          spanName,
          {
            kind: "client",
            attributes: {
              "http.request.method": method,
              "url.template": request.path,
              "server.address": pipeline.server.address,
              "server.port": pipeline.server.port
            }
          },
          { captureStackTrace: false }
        )
      )
    })
  }
}
