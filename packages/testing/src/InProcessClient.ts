/**
 * The in-process transport of FakeLinq: an `HttpClient` that hands each
 * request to the fake's app in the caller's fiber, with no sockets.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { Context, Scope } from "effect"
import {
  HttpClient,
  HttpClientError,
  type HttpClientRequest,
  HttpClientResponse,
  HttpServerRequest,
  HttpServerResponse
} from "effect/http"

const webBody = (request: HttpClientRequest.HttpClientRequest): BodyInit | undefined => {
  const body = request.body
  if (request.method === "GET" || request.method === "HEAD") return undefined
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body.slice()
    case "Raw":
      return body.body as BodyInit
    case "FormData":
      return body.formData
    case "Stream":
      return Stream.toReadableStream(body.stream) as ReadableStream<Uint8Array<ArrayBuffer>>
  }
}

/**
 * An `HttpClient` over a FakeLinq app (`fake.handle`). Requests are answered
 * in the caller's fiber, so a delayed or hanging answer follows the caller's
 * `Clock` and is interrupted with it; a dropped connection, or an answer a web
 * `Response` cannot carry (a status of 99), fails with an
 * `HttpClientError.HttpClientError` whose `reason` is a `TransportError`.
 *
 * @example
 * ```ts
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
export const make = (
  app: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    unknown,
    HttpServerRequest.HttpServerRequest | Scope.Scope
  >
): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    const transport = (description: string) => (cause: unknown) =>
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.TransportError({ request, cause, description })
      })
    return Effect.try({
      try: () =>
        HttpServerRequest.fromWeb(
          new Request(url, {
            method: request.method,
            headers: request.headers,
            body: webBody(request),
            duplex: "half"
          } as RequestInit)
        ),
      catch: (cause) =>
        new HttpClientError.HttpClientError({ reason: new HttpClientError.EncodeError({ request, cause }) })
    }).pipe(
      Effect.flatMap((serverRequest) =>
        Effect.provideService(app, HttpServerRequest.HttpServerRequest, serverRequest).pipe(
          Effect.mapError(transport("FakeLinq dropped the connection"))
        )
      ),
      Effect.flatMap((response) =>
        Effect.contextWith((context: Context.Context<never>) =>
          Effect.try({
            try: () => HttpClientResponse.fromWeb(request, HttpServerResponse.toWeb(response, { context })),
            catch: transport(`FakeLinq cannot answer with status ${response.status} in-process`)
          })
        )
      ),
      Effect.scoped
    )
  })
