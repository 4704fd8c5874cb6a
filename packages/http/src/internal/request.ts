/**
 * Request building: the path template filled from its parameters, the
 * headers every request carries (auth, `Accept`, `User-Agent`, the layer's
 * extra headers) and a call's own headers, and the platform request.
 *
 * @internal
 */
import { Context, Effect, pipe, Redacted, Result, Tracer } from "effect"
import { Headers, HttpBody, HttpClient, HttpClientRequest, HttpTraceContext } from "effect/http"

export const USER_AGENT = "linq-effect/1.0.0"

/**
 * Percent-encodes one path segment; lone surrogates (which `encodeURIComponent` throws on) become U+FFFD.
 * `encodeURIComponent` throws only on those, so the replacement runs only then.
 */
const encodeSegment = (value: string): string => {
  try {
    return encodeURIComponent(value)
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"))
  }
}

/** A path template split once: the literal text around each `{name}`. */
interface Template {
  readonly literals: ReadonlyArray<string>
  readonly names: ReadonlyArray<string>
}

const templates = new Map<string, Template>()

/** The template split at its `{name}` placeholders, made once per template (templates are the SDK's constants). */
const templateOf = (template: string): Template => {
  let split = templates.get(template)
  if (split === undefined) {
    const parts = template.split(/\{(\w+)\}/g)
    split = {
      literals: parts.filter((_, i) => i % 2 === 0),
      names: parts.filter((_, i) => i % 2 === 1)
    }
    if (templates.size < 1024) templates.set(template, split)
  }
  return split
}

/**
 * Fills a path template. A missing, empty, `.` or `..` value is refused:
 * percent-encoding cannot keep those one segment (URL parsing resolves `.`,
 * `..` and their `%2E` spellings), so the request would go elsewhere.
 */
export const fillPath = (
  template: string,
  params: Readonly<Record<string, string>> | undefined
): Result.Result<string, string> => {
  const { literals, names } = templateOf(template)
  let path = literals[0] ?? ""
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? ""
    const value = params?.[name]
    if (value === undefined || value === "" || value === "." || value === "..") {
      return Result.fail(
        `path parameter ${name} ${value === undefined ? "is missing" : `cannot be ${JSON.stringify(value)}`}`
      )
    }
    path += encodeSegment(value) + (literals[i + 1] ?? "")
  }
  return Result.succeed(path)
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
 * but `Authorization` (in any spelling), which is dropped from them. They
 * were checked before (`checkCallOptions` in execute.ts: a bad one is
 * `InvalidOption`), so they are not checked again here.
 */
export const withCallHeaders = (
  base: Headers.Headers,
  extra: Readonly<Record<string, string>> | undefined
): Headers.Headers =>
  extra === undefined ? base : Headers.merge(base, Headers.remove(Headers.fromInput(extra), "authorization"))

/** What a call asks for, as far as building its request goes. */
export interface CallShape {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: string
  readonly params?: Readonly<Record<string, string>> | undefined
  readonly urlParams?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** The platform request of a call, with the full URL; a failure says why its path cannot be filled. */
export const buildRequest = (
  baseUrl: string,
  headers: Headers.Headers,
  call: CallShape
): Result.Result<HttpClientRequest.HttpClientRequest, string> =>
  Result.map(fillPath(call.path, call.params), (path) =>
    HttpClientRequest.make(call.method)(baseUrl + path, {
      headers: withCallHeaders(headers, call.headers),
      ...(call.urlParams === undefined ? {} : { urlParams: call.urlParams }),
      ...(call.body === undefined ? {} : { body: HttpBody.jsonUnsafe(call.body) })
    })
  )

/**
 * The request with the current span's `traceparent` / `b3`, unless propagation is turned off
 * (`HttpClient.TracerPropagationEnabled` false, or `Tracer.DisablePropagation`). One read of the
 * fiber (what `Effect.currentSpan` reads, without the failure it makes when there is no span).
 */
export const withTraceContext = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.withFiber<HttpClientRequest.HttpClientRequest>((fiber) => {
    const span = Context.getOrUndefined(fiber.context, Tracer.ParentSpan)
    return Effect.succeed(
      span !== undefined &&
        span._tag === "Span" &&
        fiber.getRef(HttpClient.TracerPropagationEnabled) &&
        !fiber.getRef(Tracer.DisablePropagation)
        ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
        : request
    )
  })
