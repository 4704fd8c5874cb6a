/**
 * Request building: the path template filled from its parameters, the
 * headers every request carries (auth, `Accept`, `User-Agent`, the layer's
 * extra headers) and a call's own headers, and the platform request.
 *
 * @internal
 */
import { Headers, HttpBody, HttpClient, HttpClientRequest, HttpTraceContext } from "@effect/platform"
import { Effect, Either, FiberRef, pipe, Redacted } from "effect"
import { headersProblem } from "./options.js"

export const USER_AGENT = "linq-effect/0.1.0"

/** Percent-encodes one path segment; lone surrogates (which `encodeURIComponent` throws on) become U+FFFD. */
const encodeSegment = (value: string): string =>
  encodeURIComponent(value.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"))

/**
 * Fills a path template. A missing, empty, `.` or `..` value is refused:
 * percent-encoding cannot keep those one segment (URL parsing resolves `.`,
 * `..` and their `%2E` spellings), so the request would go elsewhere.
 */
export const fillPath = (
  template: string,
  params: Readonly<Record<string, string>> | undefined
): Either.Either<string, string> => {
  let problem: string | undefined
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name]
    if (value === undefined || value === "" || value === "." || value === "..") {
      problem ??= `path parameter ${name} ${value === undefined ? "is missing" : `cannot be ${JSON.stringify(value)}`}`
      return ""
    }
    return encodeSegment(value)
  })
  return problem === undefined ? Either.right(path) : Either.left(problem)
}

/**
 * The headers of every request. Extra headers are lower-cased first (the
 * platform's `Headers` does that), so that no spelling of a name
 * (`Authorization`, `AUTHORIZATION`, …) can come after ours and win.
 */
export const baseHeaders = (
  apiKey: Redacted.Redacted<string>,
  extra: Readonly<Record<string, string>>
): Headers.Headers =>
  pipe(
    Headers.fromInput({ "user-agent": USER_AGENT }),
    Headers.merge(Headers.fromInput(extra)),
    Headers.set("accept", "application/json"),
    Headers.set("authorization", `Bearer ${Redacted.value(apiKey)}`)
  )

/**
 * A call's own headers over the base headers. They may replace any header
 * but `Authorization` (in any spelling), which is dropped from them. A bad
 * name or a value with a line break is refused.
 */
export const withCallHeaders = (
  base: Headers.Headers,
  extra: Readonly<Record<string, string>> | undefined
): Either.Either<Headers.Headers, string> => {
  if (extra === undefined) return Either.right(base)
  const problem = headersProblem(extra)
  if (problem !== undefined) return Either.left(problem)
  return Either.right(Headers.merge(base, Headers.remove(Headers.fromInput(extra), "authorization")))
}

/** What a call asks for, as far as building its request goes. */
export interface CallShape {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: string
  readonly params?: Readonly<Record<string, string>> | undefined
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** The platform request of a call, with the full URL; `Left` says why it cannot be sent. */
export const buildRequest = (
  baseUrl: string,
  headers: Headers.Headers,
  call: CallShape
): Either.Either<HttpClientRequest.HttpClientRequest, string> =>
  Either.flatMap(fillPath(call.path, call.params), (path) =>
    Either.map(withCallHeaders(headers, call.headers), (headers) =>
      HttpClientRequest.make(call.method)(baseUrl + path, {
        headers,
        ...(call.body === undefined ? {} : { body: HttpBody.unsafeJson(call.body) })
      })
    )
  )

/** The request with the current span's `traceparent` / `b3`, unless propagation is turned off. */
export const withTraceContext = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(FiberRef.get(HttpClient.currentTracerPropagation), (propagate) =>
    propagate
      ? Effect.currentSpan.pipe(
          Effect.map((span) => HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))),
          Effect.orElseSucceed(() => request)
        )
      : Effect.succeed(request)
  )
