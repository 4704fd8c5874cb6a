/**
 * One attempt of a call: send the request (with the current span's trace
 * context), read the body under the cap, and decode a 2xx body or turn the
 * answer (or a transport fault) into an attempt failure for the retry
 * schedule. Timeout, rate limit and retries are `execute.ts`'s.
 *
 * @internal
 */
import type { LinqApiError, LinqTransportError } from "@linq-effect/core"
import type { Option } from "effect"
import { Clock, Effect, Result } from "effect"
import type { HttpClientRequest } from "effect/http"
import type { ApiAnswer } from "../ErrorMapping.js"
import { excerpt } from "../ErrorMapping.js"
import type { AttemptFailure } from "../RetryPolicy.js"
import type { Decode } from "./answer.js"
import { connectionFailure, decodeSuccess, errorAnswer, unexpected } from "./answer.js"
import { readBody } from "./body.js"
import type { Pipeline } from "./execute.js"
import { withTraceContext } from "./request.js"

/** What a call brings to its attempts: its decoder and its own recognition of error answers. */
export interface Call<A, V> {
  readonly decode: Decode<A>
  readonly recognize: ((answer: ApiAnswer) => Option.Option<V>) | undefined
}

/** One attempt; `onStatus` hears the answer's status (for the span). */
export const sendOnce = <A, V>(
  pipeline: Pipeline,
  request: HttpClientRequest.HttpClientRequest,
  call: Call<A, V>,
  onStatus: (status: number) => void
): Effect.Effect<A, AttemptFailure<V | LinqApiError | LinqTransportError>> => {
  const { method, url } = request
  const fail = (failure: AttemptFailure<V | LinqApiError | LinqTransportError>) => Effect.fail(failure)
  return Effect.flatMap(withTraceContext(request), (traced) =>
    pipeline.client.execute(traced).pipe(
      Effect.flatMap((response) => {
        const status = response.status
        onStatus(status)
        const ok = status >= 200 && status < 300
        return Effect.flatMap(readBody(response, pipeline.settings.maxResponseBytes), (body) => {
          if (body._tag === "TooLarge") {
            const start = pipeline.scrub(body.start)
            // An error answer too large to read whole is still its status's error, told from its start.
            if (ok)
              return fail(
                unexpected(
                  status,
                  start,
                  `the body is larger than the ${pipeline.settings.maxResponseBytes} bytes this client reads`
                )
              )
            return Effect.flatMap(Clock.currentTimeMillis, (now) =>
              fail(errorAnswer(status, response.headers, excerpt(start), now, call.recognize, pipeline.scrub))
            )
          }
          if (!ok)
            return Effect.flatMap(Clock.currentTimeMillis, (now) =>
              fail(
                errorAnswer(
                  status,
                  response.headers,
                  pipeline.scrub(body.text),
                  now,
                  call.recognize,
                  pipeline.scrub
                )
              )
            )
          return Result.match(decodeSuccess(call.decode, status, body.text), {
            onFailure: (reason) => fail(unexpected(status, pipeline.scrub(body.text), reason)),
            onSuccess: Effect.succeed
          })
        })
      }),
      Effect.catchTag("HttpClientError", (error) =>
        fail(connectionFailure(method, url, error, pipeline.scrub))
      )
    )
  )
}
