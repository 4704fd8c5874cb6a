/**
 * `LinqHttpClient`: the platform `HttpClient`, configured for the Linq
 * Partner API (base URL, bearer auth, `Accept` / `User-Agent`, per-attempt
 * timeout, retries, an optional rate limit) and answering in core's tagged
 * errors.
 *
 * This module holds the API and its documentation; the machinery is in
 * `internal/`: `options.ts` (checking options), `config.ts` (reading them
 * from `Config`), `request.ts` (URL, path and headers), `body.ts` (reading a
 * body under the cap), `answer.ts` (decoding and error mapping),
 * `execute.ts` (attempts, timeout, retries, span, metric) and `client.ts`
 * (assembling the service).
 *
 * @since 0.1.0
 */
import type { InvalidOption, LinqApiError, LinqTransportError } from "@linq-effect/core"
import type { Config, Duration, Option, Redacted, Schema as S, Scope } from "effect"
import { Context, Effect, Layer, Result } from "effect"
import type { HttpClient } from "effect/http"
import type { ApiAnswer } from "./ErrorMapping.js"
import { fromSettings, makeLimiter } from "./internal/client.js"
import type { ConfigOptions } from "./internal/config.js"
import { readSettings } from "./internal/config.js"
import { ATTEMPTS_METRIC } from "./internal/metrics.js"
import * as internal from "./internal/options.js"
import { USER_AGENT as USER_AGENT_HEADER } from "./internal/request.js"

/**
 * The Linq Partner API's production base URL.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL: string = internal.DEFAULT_BASE_URL

/**
 * The default per-attempt timeout, 60 seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TIMEOUT: Duration.Duration = internal.DEFAULT_TIMEOUT

/**
 * The default number of retries after the first attempt, 2.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_RETRIES: number = internal.DEFAULT_MAX_RETRIES

/**
 * The largest response body read (4 MiB); a larger one is refused with
 * `UnexpectedResponse` without being buffered whole.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_RESPONSE_BYTES: number = internal.DEFAULT_MAX_RESPONSE_BYTES

/**
 * The `User-Agent` sent (a `headers` option may replace it).
 *
 * @since 0.1.0
 * @category constants
 */
export const USER_AGENT: string = USER_AGENT_HEADER

/**
 * The name of the counter of requests sent: every attempt, so retries show,
 * tagged `method` and `route` (the URL template, e.g.
 * `/v3/chats/{chatId}/participants`; never a chat id, handle or key).
 *
 * @since 0.1.0
 * @category constants
 */
export const ATTEMPTS_METRIC_NAME: string = ATTEMPTS_METRIC

/**
 * A client-side rate limit: at most `limit` requests in any window of length
 * `interval` (every sliding window, not a token bucket that allows a burst),
 * counted per attempt, retries included. `limit` is a whole number >= 1,
 * `interval` a finite duration longer than zero.
 *
 * A request holds its place from when it is sent until `interval` after it
 * ends (answered, failed, timed out or interrupted): so the limit holds as
 * the server counts arrivals, whatever the network's delay, and at most
 * `limit` requests are in flight at once. Calls beyond the limit wait, in the
 * order they came (a call interrupted while waiting takes no place); the
 * wait does not count against the attempt's `timeout`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitOptions {
  readonly limit: number
  readonly interval: Duration.Input
}

/**
 * How to reach and talk to the API. Every option is checked when the layer
 * is built: a bad one is refused there, with a message saying what is wrong.
 *
 * @since 0.1.0
 * @category models
 */
export interface LinqHttpClientOptions {
  /**
   * The API token, sent as `Authorization: Bearer <apiKey>`. Kept `Redacted`.
   * Refused when the layer is built: an empty key, or one holding a line
   * break, NUL, another control character, DEL or a non-ASCII character (a
   * Cyrillic look-alike, an accent): only visible ASCII, space and tab can be
   * sent in a header. The message never quotes the key.
   */
  readonly apiKey: string | Redacted.Redacted
  /** Defaults to {@link DEFAULT_BASE_URL}. A trailing slash is ignored. */
  readonly baseUrl?: string | URL | undefined
  /**
   * How long one attempt may take, body included. Defaults to 60 seconds.
   * Must be longer than zero; `Duration.infinity`, or anything longer than a
   * timer can hold (2^31-1 ms, about 24.8 days), means no timeout.
   */
  readonly timeout?: Duration.Input | undefined
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most): a whole number >= 0. Defaults to 2; 0 disables. */
  readonly maxRetries?: number | undefined
  /** Extra headers sent with every request (they cannot replace `Authorization`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The largest response body read, in bytes (a whole number >= 1). Defaults to 4 MiB. */
  readonly maxResponseBytes?: number | undefined
  /**
   * Allow a plain `http://` base URL to a host other than loopback. Off by
   * default, so that the bearer token never travels in clear by accident.
   */
  readonly allowInsecureHttp?: boolean | undefined
  /**
   * At most `limit` requests in any window of length `interval` through this
   * layer (every call and every retry shares one limiter; see
   * {@link RateLimitOptions}); calls beyond it wait their turn. Off by
   * default. A 429 and its `Retry-After` are still obeyed on top.
   */
  readonly rateLimit?: RateLimitOptions | undefined
}

/**
 * The options of {@link LinqHttpClient.layerConfig}: the same as
 * {@link LinqHttpClientOptions} but the key and base URL (read from
 * `LINQ_API_V3_API_KEY` / `LINQ_API_V3_BASE_URL`), each given as a value or
 * as a `Config` (e.g. `timeout: Config.Duration("LINQ_TIMEOUT")`); an object option
 * (`rateLimit`, `headers`) also as a record of `Config`s (`Config.Wrap`).
 *
 * @since 0.1.0
 * @category models
 */
export type LinqHttpClientConfigOptions = ConfigOptions

/**
 * The per-call options every call accepts, declared once: `LinqRequest`
 * extends it, and so do the client's per-operation options.
 *
 * **Details**
 *
 * Each field overrides the layer's setting for this call only; an absent
 * field (or `undefined`) keeps the layer's. A value the field cannot take
 * fails the call with `InvalidOption` (`option` names the field), before
 * anything is sent: per-call values often come from the caller's own input
 * or config, so they are refused as input, not as a defect.
 *
 * @since 1.0.0
 * @category options
 */
export interface RequestOptions {
  /** Overrides the client's per-attempt timeout for this call (same rules as the option). */
  readonly timeout?: Duration.Input | undefined
  /** Overrides the client's `maxRetries` for this call (a whole number >= 0). */
  readonly maxRetries?: number | undefined
  /**
   * Headers of this call only (a request id, an idempotency key), over the
   * client's. `Authorization`, in any spelling, is ignored: it is always the
   * client's. A bad header name, or a value a transport refuses (a line
   * break, a control character, DEL, a character above U+00FF), is
   * `InvalidOption` (sending nothing; the value is not repeated in it).
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * One API call, described for {@link LinqHttpClient.Service.execute}.
 *
 * @since 0.1.0
 * @category models
 */
export interface LinqRequest<A, I, V extends { readonly _tag: string }> extends RequestOptions {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /**
   * The path template below the base URL, e.g.
   * `/v3/chats/{chatId}/participants`. It names the span and the `route` of
   * the attempts metric; `{name}` placeholders are filled from `params`,
   * percent-encoded as one segment each. A missing, empty, `.` or `..` value
   * is a defect (the call dies, sending nothing).
   */
  readonly path: string
  readonly params?: Readonly<Record<string, string>> | undefined
  /**
   * The query string, e.g. `{ to, limit: "20", cursor }` for `GET /v3/chats`:
   * each defined value is sent (percent-encoded), an `undefined` one is left
   * out. It is not part of the span name or the `route` metric tag, which
   * stay the path template.
   *
   * @since 1.0.0
   */
  readonly urlParams?: Readonly<Record<string, string | undefined>> | undefined
  /** Sent as JSON when present (DELETE included). */
  readonly body?: unknown
  /** The documented 2xx body. */
  readonly response: S.Codec<A, I>
  /** Recognises an error answer as a more precise error (a group-chat rule violation); never retried. */
  readonly recognize?: ((answer: ApiAnswer) => Option.Option<V>) | undefined
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
     * the 2xx body. Each attempt carries the current span's trace context
     * (`traceparent`, `b3`) unless propagation is off
     * (`Effect.provideService(HttpClient.TracerPropagationEnabled, false)`),
     * and is counted in {@link ATTEMPTS_METRIC_NAME}
     * (`linq_http_attempts_total{method, route}`).
     */
    readonly execute: <A, I, V extends { readonly _tag: string } = never>(
      request: LinqRequest<A, I, V>
    ) => Effect.Effect<A, V | LinqApiError | LinqTransportError | InvalidOption>
  }
}

/**
 * Checks the options (dying with a clear message on a bad one) and builds the
 * service over the `HttpClient` in context. With `rateLimit`, it needs a
 * `Scope`: the limiter lives as long as it.
 *
 * @since 1.0.0
 * @category constructors
 */
function make(
  options: LinqHttpClientOptions & { readonly rateLimit: RateLimitOptions }
): Effect.Effect<LinqHttpClient.Service, never, HttpClient.HttpClient | Scope.Scope>
function make(
  options: LinqHttpClientOptions & { readonly rateLimit?: undefined }
): Effect.Effect<LinqHttpClient.Service, never, HttpClient.HttpClient>
function make(
  options: LinqHttpClientOptions
): Effect.Effect<LinqHttpClient.Service, never, HttpClient.HttpClient | Scope.Scope>
function make(
  options: LinqHttpClientOptions
): Effect.Effect<LinqHttpClient.Service, never, HttpClient.HttpClient | Scope.Scope> {
  const settings = internal.resolve(options)
  if (Result.isFailure(settings)) return Effect.die(new Error(`LinqHttpClient: ${settings.failure.message}`))
  return Effect.flatMap(makeLimiter(settings.success), (limiter) => fromSettings(settings.success, limiter))
}

/**
 * `Layer<LinqHttpClient, never, HttpClient>` from options: defaults
 * `https://api.linqapp.com/api/partner`, 60 seconds, 2 retries, no rate
 * limit. Options are checked as for {@link make}.
 *
 * @since 1.0.0
 * @category layers
 */
const layer = (options: LinqHttpClientOptions): Layer.Layer<LinqHttpClient, never, HttpClient.HttpClient> =>
  Layer.effect(LinqHttpClient, make(options))

/**
 * The same from Effect `Config` (see {@link LinqHttpClient.layerConfig}).
 *
 * @since 1.0.0
 * @category layers
 */
const layerConfig = (
  options: LinqHttpClientConfigOptions = {}
): Layer.Layer<LinqHttpClient, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    LinqHttpClient,
    Effect.flatMap(readSettings(options), (settings) =>
      Effect.flatMap(makeLimiter(settings), (limiter) => fromSettings(settings, limiter))
    )
  )

/**
 * The configured HTTP client of the Linq Partner API.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "effect/http"
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
export class LinqHttpClient extends Context.Service<LinqHttpClient, LinqHttpClient.Service>()(
  "@linq-effect/http/LinqHttpClient"
) {
  /**
   * Builds the service over the `HttpClient` in context. A bad option (an
   * empty key, an invalid or insecure base URL, `maxRetries: -1`,
   * `timeout: 0`, …) is a programming error and dies with a message saying
   * what is wrong (never quoting the key). With `rateLimit`, it needs a
   * `Scope`: the limiter lives as long as it.
   */
  static readonly make: typeof make = make

  /**
   * `Layer<LinqHttpClient, never, HttpClient>` from options: defaults
   * `https://api.linqapp.com/api/partner`, 60 seconds, 2 retries, no rate
   * limit. Options are checked as for {@link LinqHttpClient.make}.
   */
  static readonly layer: typeof layer = layer

  /**
   * The same from Effect `Config`: `LINQ_API_V3_API_KEY` (required, read
   * `Redacted`, surrounding whitespace trimmed: a mounted secret ending in a
   * line break works) and `LINQ_API_V3_BASE_URL` (optional); the other
   * options given as values or as `Config`s. Every problem (a missing or
   * blank key, or one holding a character a header cannot carry, checked by
   * the same rule as `layer`'s apiKey, a malformed or insecure base URL, a bad option)
   * is a `Config.ConfigError` whose message names the variable (or option)
   * and says what is wrong, never the key's value.
   *
   * @example
   * ```ts
   * import { FetchHttpClient } from "effect/http"
   * import { LinqHttpClient } from "@linq-effect/http"
   * import { Config, Layer } from "effect"
   *
   * const Live = LinqHttpClient.layerConfig({
   *   timeout: Config.Duration("LINQ_TIMEOUT").pipe(Config.withDefault("60 seconds")),
   *   maxRetries: Config.Int("LINQ_MAX_RETRIES").pipe(Config.withDefault(2))
   * }).pipe(Layer.provide(FetchHttpClient.layer))
   * ```
   */
  static readonly layerConfig: typeof layerConfig = layerConfig
}
