/**
 * `LinqHttpClient`: the platform `HttpClient`, configured for the Linq
 * Partner API (base URL, bearer auth, `Accept` / `User-Agent`, per-attempt
 * timeout, retries) and answering in core's tagged errors.
 *
 * @since 0.1.0
 */
import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import { Headers, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import type { LinqApiError, LinqTransportError } from "@linq-effect/core"
import { ConnectionError, RequestTimeout, UnexpectedResponse } from "@linq-effect/core"
import type { Schema as S } from "effect"
import {
  Cause,
  Clock,
  Config,
  ConfigError,
  Context,
  Duration,
  Effect,
  Either,
  Layer,
  Option,
  ParseResult,
  pipe,
  Redacted,
  Schema,
  Stream
} from "effect"
import type { ApiAnswer } from "./ErrorMapping.js"
import { timeoutFail } from "./internal/timeout.js"
import { excerpt, readAnswer, toApiError } from "./ErrorMapping.js"
import type { AttemptFailure } from "./RetryPolicy.js"
import { isRetryableStatus, retryAfter, schedule, shouldRetryHeader } from "./RetryPolicy.js"

/**
 * The Linq Partner API's production base URL.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.linqapp.com/api/partner"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.seconds(60)

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_RETRIES = 2

/**
 * The largest response body read (4 MiB); a larger one is refused with
 * `UnexpectedResponse` without being buffered whole.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024

/**
 * @since 0.1.0
 * @category constants
 */
export const USER_AGENT = "linq-effect/0.1.0"

/**
 * How to reach and talk to the API.
 *
 * @since 0.1.0
 * @category models
 */
export interface LinqHttpClientOptions {
  /** The API token, sent as `Authorization: Bearer <apiKey>`. Kept `Redacted`. */
  readonly apiKey: string | Redacted.Redacted
  /** Defaults to {@link DEFAULT_BASE_URL}. A trailing slash is ignored. */
  readonly baseUrl?: string | URL
  /** How long one attempt may take, body included. Defaults to 60 seconds. */
  readonly timeout?: Duration.DurationInput
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). Defaults to 2; 0 disables. */
  readonly maxRetries?: number
  /** Extra headers sent with every request (they cannot replace `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>
  /** The largest response body read, in bytes. Defaults to 4 MiB. */
  readonly maxResponseBytes?: number
  /**
   * Allow a plain `http://` base URL to a host other than loopback. Off by
   * default, so that the bearer token never travels in clear by accident.
   */
  readonly allowInsecureHttp?: boolean
}

/**
 * One API call, described for {@link LinqHttpClient.Service.execute}.
 *
 * @since 0.1.0
 * @category models
 */
export interface LinqRequest<A, I, V extends { readonly _tag: string }> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /**
   * The path template below the base URL, e.g.
   * `/v3/chats/{chatId}/participants`. It names the span; `{name}`
   * placeholders are filled from `params`, percent-encoded as one segment
   * each. A missing, empty, `.` or `..` value is a defect (the call dies,
   * sending nothing).
   */
  readonly path: string
  readonly params?: Readonly<Record<string, string>>
  /** Sent as JSON when present (DELETE included). */
  readonly body?: unknown
  /** The documented 2xx body. */
  readonly response: S.Schema<A, I, never>
  /** Recognises an error answer as a more precise error (a group-chat rule violation); never retried. */
  readonly recognize?: (answer: ApiAnswer) => Option.Option<V>
  /** Overrides the client's per-attempt timeout for this call. */
  readonly timeout?: Duration.DurationInput
  /** Overrides the client's `maxRetries` for this call. */
  readonly maxRetries?: number
}

/**
 * @since 0.1.0
 */
export declare namespace LinqHttpClient {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** The base URL requests go to, without a trailing slash. */
    readonly baseUrl: string
    readonly timeout: Duration.Duration
    readonly maxRetries: number
    /**
     * The platform client with the base URL, auth and headers applied (no
     * retries, timeout or error mapping), for calls this SDK does not cover.
     */
    readonly httpClient: HttpClient.HttpClient
    /**
     * Sends one API call with timeout, retries and error mapping, and decodes
     * the 2xx body.
     */
    readonly execute: <A, I, V extends { readonly _tag: string } = never>(
      request: LinqRequest<A, I, V>
    ) => Effect.Effect<A, V | LinqApiError | LinqTransportError>
  }
}

/**
 * The configured HTTP client of the Linq Partner API.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { LinqHttpClient } from "@linq-effect/http"
 * import { Layer } from "effect"
 *
 * // From options…
 * const Live = LinqHttpClient.layer({ apiKey: process.env.LINQ_API_V3_API_KEY! }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * // …or from LINQ_API_V3_API_KEY / LINQ_API_V3_BASE_URL
 * const FromEnv = LinqHttpClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class LinqHttpClient extends Context.Tag("@linq-effect/http/LinqHttpClient")<
  LinqHttpClient,
  LinqHttpClient.Service
>() {
  /**
   * Builds the service over the `HttpClient` in context. An invalid or
   * insecure base URL is a programming error and dies with a clear message.
   */
  static readonly make = (options: LinqHttpClientOptions) => make(options)

  /**
   * `Layer<LinqHttpClient, never, HttpClient>` from options: defaults
   * `https://api.linqapp.com/api/partner`, 60 seconds, 2 retries.
   */
  static readonly layer = (
    options: LinqHttpClientOptions
  ): Layer.Layer<LinqHttpClient, never, HttpClient.HttpClient> => Layer.effect(LinqHttpClient, make(options))

  /**
   * The same from Effect `Config`: `LINQ_API_V3_API_KEY` (required, read
   * `Redacted`) and `LINQ_API_V3_BASE_URL` (optional); other options may be
   * given directly. A malformed or insecure base URL is a `ConfigError`.
   */
  static readonly layerConfig = (
    options: Omit<LinqHttpClientOptions, "apiKey" | "baseUrl"> = {}
  ): Layer.Layer<LinqHttpClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      LinqHttpClient,
      Effect.gen(function* () {
        const apiKey = yield* Config.redacted(Config.nonEmptyString("LINQ_API_V3_API_KEY"))
        const rawBaseUrl = yield* Config.option(Config.nonEmptyString("LINQ_API_V3_BASE_URL"))
        const baseUrl = Option.getOrElse(rawBaseUrl, () => DEFAULT_BASE_URL)
        const checked = checkBaseUrl(baseUrl, options.allowInsecureHttp === true)
        if (Either.isLeft(checked)) {
          return yield* Effect.fail(ConfigError.InvalidData(["LINQ_API_V3_BASE_URL"], checked.left))
        }
        return yield* make({ ...options, apiKey, baseUrl: checked.right })
      })
    )
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * Parses a base URL and drops trailing slashes; refuses what is not
 * `https:`, or `http:` to loopback (unless `allowInsecure`).
 */
const checkBaseUrl = (raw: string | URL, allowInsecure: boolean): Either.Either<string, string> => {
  let url: URL
  try {
    url = new URL(raw.toString())
  } catch {
    return Either.left(`the base URL ${JSON.stringify(String(raw))} is not a valid URL`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(`the base URL must be http(s), got ${url.protocol}`)
  }
  if (url.protocol === "http:" && !allowInsecure && !LOOPBACK.test(url.hostname)) {
    return Either.left(
      `refusing plain http:// to ${url.hostname}: the API key would travel in clear; use https://, or set allowInsecureHttp: true`
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left("the base URL must not carry credentials; use apiKey")
  }
  url.search = ""
  url.hash = ""
  return Either.right(url.toString().replace(/\/+$/, ""))
}

/** Percent-encodes one path segment; lone surrogates (which `encodeURIComponent` throws on) become U+FFFD. */
const encodeSegment = (value: string): string =>
  encodeURIComponent(value.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"))

/**
 * Fills a path template. A missing, empty, `.` or `..` value is refused:
 * percent-encoding cannot keep those one segment (URL parsing resolves `.`,
 * `..` and their `%2E` spellings), so the request would go elsewhere.
 */
const fillPath = (
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

const decoders = new WeakMap<object, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()
const decoderFor = <A, I>(schema: S.Schema<A, I, never>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })
    decoders.set(schema, decode)
  }
  return decode as (u: unknown) => Either.Either<A, ParseResult.ParseError>
}

/** Where a decode failed, without the values (they may be personal data). */
const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? "body" : issue.path.join(".")}: ${issue._tag}`)
    .join("; ")

const utf8 = new TextDecoder()

/** A `maxRetries` option as a whole, non-negative number of retries. */
const retryCount = (maxRetries: number): number => Math.max(0, Math.floor(maxRetries))

const make = (
  options: LinqHttpClientOptions
): Effect.Effect<LinqHttpClient.Service, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const checked = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true)
    if (Either.isLeft(checked)) return yield* Effect.dieMessage(`LinqHttpClient: ${checked.left}`)
    const baseUrl = checked.right
    const timeout = Duration.decode(options.timeout ?? DEFAULT_TIMEOUT)
    const maxRetries = retryCount(options.maxRetries ?? DEFAULT_MAX_RETRIES)
    const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    const apiKey = typeof options.apiKey === "string" ? Redacted.make(options.apiKey) : options.apiKey
    if (Redacted.value(apiKey).trim() === "")
      return yield* Effect.dieMessage("LinqHttpClient: the apiKey is empty")
    if (/[\r\n\0]/.test(Redacted.value(apiKey))) {
      return yield* Effect.dieMessage("LinqHttpClient: the apiKey contains a line break or NUL character")
    }
    const secrets = [Redacted.value(apiKey), Redacted.value(apiKey).trim()].filter((s) => s.length >= 4)
    /**
     * Text from the other side (a body, a transport's message) with the API key
     * cut out, before it goes into an error: a gateway or debugging proxy may
     * echo the request's Authorization header, and a malformed key is quoted
     * by `fetch`'s header validation.
     */
    const scrub = (text: string): string =>
      secrets.reduce((out, secret) => out.split(secret).join("<redacted>"), text)
    const retrySchedule = schedule<unknown>(maxRetries)

    // Custom headers are lower-cased first, so that no spelling of a name
    // (`Authorization`, `AUTHORIZATION`, …) can come after ours and win.
    const baseHeaders = pipe(
      Headers.fromInput({ "user-agent": USER_AGENT }),
      Headers.merge(Headers.fromInput(options.headers)),
      Headers.set("accept", "application/json"),
      Headers.set("authorization", `Bearer ${Redacted.value(apiKey)}`)
    )

    const platform = yield* HttpClient.HttpClient
    // One span per call, this SDK's own (method, URL template, status, attempts): the platform's
    // per-attempt client span would double the tracing cost of every call.
    const untraced = HttpClient.withTracerDisabledWhen(platform, () => true)
    const serverAddress = new URL(baseUrl).origin
    const httpClient = platform.pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(HttpClientRequest.prependUrl(baseUrl), HttpClientRequest.setHeaders(baseHeaders))
      )
    )

    const tooLarge = (status: number, start: string) =>
      new UnexpectedResponse({
        status,
        excerpt: excerpt(start),
        reason: `the body is larger than the ${maxBytes} bytes this client reads`
      })

    /**
     * Reads a body as text, at most `maxBytes`, without buffering more. The
     * declared length is trusted only for an unencoded body: `fetch`
     * decompresses but keeps the compressed `content-length`. No body at all
     * (a 204 from `fetch`) reads as "".
     */
    const readBody = (
      response: HttpClientResponse.HttpClientResponse
    ): Effect.Effect<string, HttpClientError.ResponseError | UnexpectedResponse> => {
      const headers = response.headers
      const length = Number(headers["content-length"])
      const encoding = headers["content-encoding"]
      const unencoded = encoding === undefined || encoding.trim().toLowerCase() === "identity"
      if (unencoded && Number.isFinite(length) && length <= maxBytes) return response.text
      return Effect.suspend(() => {
        const chunks: Array<Uint8Array> = []
        let size = 0
        /** The first `limit` bytes read, as text. */
        const text = (limit: number) => {
          const all = new Uint8Array(Math.min(size, limit))
          let offset = 0
          for (const chunk of chunks) {
            if (offset >= all.byteLength) break
            const part = chunk.subarray(0, all.byteLength - offset)
            all.set(part, offset)
            offset += part.byteLength
          }
          return utf8.decode(all)
        }
        return response.stream.pipe(
          // Stops reading (and lets the transport drop the rest) as soon as the cap is passed.
          Stream.runForEachWhile((chunk) =>
            Effect.sync(() => {
              chunks.push(chunk)
              size += chunk.byteLength
              return size <= maxBytes
            })
          ),
          Effect.flatMap(() =>
            size > maxBytes
              ? Effect.fail(tooLarge(response.status, scrub(text(1024))))
              : Effect.succeed(text(size))
          ),
          Effect.catchIf(
            (error) => error._tag === "ResponseError" && error.reason === "EmptyBody",
            () => Effect.succeed("")
          )
        )
      })
    }

    const execute = <A, I, V extends { readonly _tag: string } = never>(
      request: LinqRequest<A, I, V>
    ): Effect.Effect<A, V | LinqApiError | LinqTransportError> => {
      type E = V | LinqApiError | LinqTransportError
      const path = fillPath(request.path, request.params)
      if (Either.isLeft(path)) {
        return Effect.dieMessage(`LinqHttpClient: ${path.left} (${request.method} ${request.path})`)
      }
      const decode = decoderFor(request.response)
      const url = baseUrl + path.right
      const method = request.method
      const httpRequest = HttpClientRequest.make(method)(url, {
        headers: baseHeaders,
        ...(request.body === undefined ? {} : { body: HttpBody.unsafeJson(request.body) })
      })
      const spanName = `Linq ${method} ${request.path}`
      const attemptTimeout = request.timeout === undefined ? timeout : Duration.decode(request.timeout)
      const retries = request.maxRetries === undefined ? maxRetries : retryCount(request.maxRetries)
      const policy = request.maxRetries === undefined ? retrySchedule : schedule<unknown>(retries)

      const fail = (error: E, retryable: boolean, wait: Option.Option<Duration.Duration> = Option.none()) =>
        Effect.fail<AttemptFailure<E>>({ error, retryable, retryAfter: wait })

      const connectionFailure = (error: HttpClientError.RequestError | HttpClientError.ResponseError) =>
        fail(new ConnectionError({ method, url, reason: scrub(describeTransport(error)) }), true)

      const decodeSuccess = (status: number, body: string): Either.Either<A, string> => {
        if (body.length === 0) {
          return status === 204
            ? Either.mapLeft(decode({}), describeParseError)
            : Either.left("the body is empty")
        }
        let json: unknown
        try {
          json = JSON.parse(body)
        } catch {
          return Either.left("the body is not JSON")
        }
        return Either.mapLeft(
          decode(json),
          (error) => `the body is not the documented shape (${describeParseError(error)})`
        )
      }

      const answer = (response: HttpClientResponse.HttpClientResponse, body: string) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const status = response.status
          // Read once: some transports (undici) rebuild the headers object on every access.
          const headers = response.headers
          const wait = retryAfter(headers, now)
          const answer = readAnswer(status, body, wait)
          const override = shouldRetryHeader(headers)
          const violation = request.recognize === undefined ? Option.none() : request.recognize(answer)
          // A rule violation is never retried, whatever x-should-retry says: the same call breaks the same rule.
          if (Option.isSome(violation)) return fail(violation.value, false)
          return fail(
            toApiError(answer),
            Option.getOrElse(override, () => isRetryableStatus(status)),
            wait
          )
        })

      return Effect.suspend(() => {
        let attempts = 0
        let lastStatus: number | undefined
        const attempt = Effect.suspend(() => {
          attempts++
          const sent = untraced.execute(httpRequest).pipe(
            Effect.flatMap((response) => {
              const status = response.status
              lastStatus = status
              // An error answer too large to read whole is still its status's error, told from its start.
              const body = Effect.catchTag(readBody(response), "UnexpectedResponse", (error) =>
                status >= 200 && status < 300 ? Effect.fail(error) : Effect.succeed(error.excerpt)
              )
              return Effect.flatMap(body, (body) =>
                status >= 200 && status < 300
                  ? Either.match(decodeSuccess(status, body), {
                      onLeft: (reason) =>
                        fail(
                          new UnexpectedResponse({ status, excerpt: excerpt(scrub(body)), reason }),
                          false
                        ),
                      onRight: (value) => Effect.succeed(value)
                    })
                  : answer(response, scrub(body))
              )
            }),
            Effect.catchTags({
              RequestError: connectionFailure,
              ResponseError: connectionFailure,
              UnexpectedResponse: (error) => fail(error, false)
            })
          )
          return (
            Duration.isFinite(attemptTimeout)
              ? timeoutFail(
                  sent,
                  attemptTimeout,
                  (): AttemptFailure<E> => ({
                    error: new RequestTimeout({ method, url, timeout: attemptTimeout }),
                    retryable: true,
                    retryAfter: Option.none()
                  })
                )
              : sent
          ).pipe(
            Effect.tapBoth({
              onFailure: (failure) =>
                Effect.logDebug(`${spanName}: attempt ${attempts} failed with ${failure.error._tag}`),
              onSuccess: () => Effect.logDebug(`${spanName}: attempt ${attempts} succeeded`)
            })
          )
        })
        // The retry schedule is only set up once an attempt has failed: the first failure is
        // replayed into it, so its waits (and Retry-After) are exactly those of Effect.retry.
        const retried = (first: AttemptFailure<E>) => {
          if (!first.retryable || retries === 0) return Effect.fail(first)
          let replay = true
          return Effect.retry(
            Effect.suspend(() => {
              if (!replay) return attempt
              replay = false
              return Effect.fail(first)
            }),
            policy
          )
        }
        return attempt.pipe(
          Effect.catchAll(retried),
          Effect.mapError((failure) => failure.error),
          Effect.onExit((exit) =>
            Effect.annotateCurrentSpan({
              "linq.attempts": attempts,
              ...(lastStatus === undefined ? {} : { "http.response.status_code": lastStatus }),
              ...(exit._tag === "Failure"
                ? {
                    "error.type": Option.match(Cause.failureOption(exit.cause), {
                      onNone: () => "interrupted",
                      onSome: (error) => error._tag
                    })
                  }
                : {})
            })
          ),
          Effect.withSpan(spanName, {
            kind: "client",
            captureStackTrace: false,
            attributes: {
              "http.request.method": method,
              "url.template": request.path,
              "server.address": serverAddress
            }
          })
        )
      })
    }

    return { baseUrl, timeout, maxRetries, httpClient, execute } satisfies LinqHttpClient.Service
  })

const describeTransport = (error: HttpClientError.RequestError | HttpClientError.ResponseError): string => {
  const cause = error.cause
  const detail =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? `${cause.message} (${cause.cause.message})`
        : cause.message
      : error.description
  return detail === undefined || detail === "" ? `${error.reason} error` : `${error.reason}: ${detail}`
}
