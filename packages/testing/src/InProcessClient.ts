/**
 * The in-process transport of FakeLinq: a platform `HttpClient` that hands
 * each request to the fake's handler, with no sockets.
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Effect, Stream } from "effect"
import type { Handler } from "./FakeHandler.js"

const decoder = new TextDecoder()

const transportError = (request: HttpClientRequest.HttpClientRequest, description: string, cause?: unknown) =>
  new HttpClientError.RequestError({
    request,
    reason: "Transport",
    description,
    ...(cause === undefined ? {} : { cause })
  })

const encodeError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.RequestError({ request, reason: "Encode", cause })

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

const webText = (request: HttpClientRequest.HttpClientRequest, body: Blob | FormData | URLSearchParams) =>
  Effect.tryPromise({ try: () => new Response(body).text(), catch: (cause) => encodeError(request, cause) })

/**
 * Reads a request's body as text, whatever kind of `HttpBody` it is.
 *
 * @since 0.1.0
 * @category internals
 */
export const bodyText = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<string, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(decoder.decode(body.body))
    case "FormData":
      return webText(request, body.formData)
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map((chunks) => decoder.decode(concat(Array.from(chunks)))),
        Effect.mapError((cause) => encodeError(request, cause))
      )
    case "Raw": {
      const raw = body.body
      if (typeof raw === "string") return Effect.succeed(raw)
      if (raw instanceof Uint8Array) return Effect.succeed(decoder.decode(raw))
      if (raw instanceof ArrayBuffer) return Effect.succeed(decoder.decode(new Uint8Array(raw)))
      if (raw instanceof Blob || raw instanceof FormData || raw instanceof URLSearchParams)
        return webText(request, raw)
      return Effect.fail(encodeError(request, new TypeError("FakeLinq cannot read this raw request body")))
    }
  }
}

/** Statuses a web `Response` must have no body with. */
const NULL_BODY = new Set([101, 103, 204, 205, 304])

const toWebResponse = (
  request: HttpClientRequest.HttpClientRequest,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string | Uint8Array
): Effect.Effect<Response, HttpClientError.RequestError> =>
  Effect.try({
    try: () => {
      // A Blob without a type, so that the web Response adds no content type of its own.
      const payload =
        NULL_BODY.has(status) || body.length === 0
          ? null
          : new Blob([typeof body === "string" ? body : body.slice()])
      return new Response(payload, { status, headers: { ...headers } })
    },
    catch: (cause) =>
      transportError(request, `FakeLinq cannot answer with status ${status} in-process`, cause)
  })

/**
 * A platform `HttpClient` over a FakeLinq handler. Requests are answered in
 * the caller's fiber: a delayed or hanging answer is interrupted with it, and
 * a dropped connection fails with `HttpClientError.RequestError` (reason
 * `"Transport"`).
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import { FakeLinq, InProcessClient } from "@linq-effect/testing"
 *
 * const program = Effect.gen(function* () {
 *   const fake = yield* FakeLinq
 *   const client = InProcessClient.make(fake.handle)
 *   return yield* client.get("https://api.linqapp.com/api/partner/v3/chats/x")
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (handler: Handler): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const body = yield* bodyText(request)
      const answer = yield* handler({
        method: request.method,
        url: url.toString(),
        headers: request.headers,
        body
      })
      if (answer._tag === "Disconnect") {
        return yield* Effect.fail(transportError(request, "FakeLinq dropped the connection"))
      }
      const response = yield* toWebResponse(request, answer.status, answer.headers, answer.body)
      return HttpClientResponse.fromWeb(request, response)
    })
  )
