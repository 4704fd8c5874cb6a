/**
 * The in-process transport of FakeLinq: a platform `HttpClient` that hands
 * each request to the fake's `HttpApp` in the caller's fiber, with no sockets.
 *
 * @since 0.1.0
 */
import {
  HttpClient,
  HttpClientError,
  type HttpClientRequest,
  HttpClientResponse,
  type HttpApp,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { Effect, Stream } from "effect"

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
      return Stream.toReadableStream(body.stream)
  }
}

/**
 * A platform `HttpClient` over a FakeLinq app (`fake.handle`). Requests are
 * answered in the caller's fiber, so a delayed or hanging answer follows the
 * caller's `Clock` and is interrupted with it; a dropped connection, or an
 * answer a web `Response` cannot carry (a status of 99), fails with
 * `HttpClientError.RequestError` (reason `"Transport"`).
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
export const make = (app: HttpApp.Default<unknown>): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    const transport = (description: string) => (cause: unknown) =>
      new HttpClientError.RequestError({ request, reason: "Transport", description, cause })
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
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause })
    }).pipe(
      Effect.flatMap((serverRequest) =>
        Effect.provideService(app, HttpServerRequest.HttpServerRequest, serverRequest).pipe(
          Effect.mapError(transport("FakeLinq dropped the connection"))
        )
      ),
      Effect.flatMap((response) =>
        Effect.try({
          try: () => HttpClientResponse.fromWeb(request, HttpServerResponse.toWeb(response)),
          catch: transport(`FakeLinq cannot answer with status ${response.status} in-process`)
        })
      ),
      Effect.scoped
    )
  })
