/**
 * The service, assembled from checked settings: the platform client with
 * the base URL and headers applied (for calls this SDK does not cover), the
 * rate limiter (one per layer, shared by every call through it) and
 * `execute`.
 *
 * @internal
 */
import type { Duration, Scope } from "effect"
import { Effect, Option, Redacted } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import type { LinqHttpClient } from "../LinqHttpClient.js"
import { LinqShared } from "../LinqShared.js"
import { scrubber } from "./answer.js"
import { makeExecute } from "./execute.js"
import type { Settings } from "./options.js"
import * as RateLimit from "./rateLimit.js"
import * as SharedRateLimit from "./sharedRateLimit.js"
import { baseHeaders } from "./request.js"

/** The layer's rate limiter and what a 429's `Retry-After` pauses (all replicas' with `LinqShared`). */
export interface Limiting {
  readonly limiter: RateLimit.Limiter
  readonly pause: ((wait: Duration.Duration) => Effect.Effect<void>) | undefined
}

/**
 * The layer's rate limiter, when it has one: it lives as long as the scope (the layer). With a
 * `LinqShared` in context it is shared by every replica (`sharedRateLimit.ts`), the local one
 * in front of it.
 */
export const makeLimiter = (settings: Settings): Effect.Effect<Limiting | undefined, never, Scope.Scope> =>
  settings.rateLimit === undefined
    ? Effect.succeed(undefined)
    : Effect.gen(function* () {
        const { limit, interval } = settings.rateLimit!
        const local = yield* RateLimit.make(limit, interval)
        const shared = yield* Effect.serviceOption(LinqShared)
        if (Option.isNone(shared)) return { limiter: local, pause: undefined }
        return yield* SharedRateLimit.make(shared.value, {
          limit,
          interval,
          leaseMillis: SharedRateLimit.leaseFor(settings.timeout, interval),
          local
        })
      })

/** The service over the `HttpClient` in context. */
export const fromSettings = (
  settings: Settings,
  limiting: Limiting | undefined
): Effect.Effect<LinqHttpClient.Service, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const platform = yield* HttpClient.HttpClient
    const headers = baseHeaders(settings.apiKey, settings.headers)
    const execute = makeExecute({
      settings,
      // One span per call, this SDK's own (method, URL template, status, attempts): the platform's
      // per-attempt client span would double the tracing cost of every call. Its trace context is
      // sent by `execute` instead.
      // Not `HttpClient.withScope` (see `source.ts`): aborting each request as its attempt's
      // scope closed cost 20-40 % more CPU per call over undici and node:http (measured).
      client: HttpClient.transformResponse(
        platform,
        Effect.provideService(HttpClient.TracerDisabledWhen, () => true)
      ),
      headers,
      limiter: limiting?.limiter,
      pause: limiting?.pause,
      scrub: scrubber(Redacted.value(settings.apiKey)),
      server: serverOf(new URL(settings.baseUrl))
    })
    const httpClient = platform.pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(HttpClientRequest.prependUrl(settings.baseUrl), HttpClientRequest.setHeaders(headers))
      )
    )
    return {
      baseUrl: settings.baseUrl,
      timeout: settings.timeout,
      maxRetries: settings.maxRetries,
      httpClient,
      execute
    } satisfies LinqHttpClient.Service
  })

/** The span's `server.address` (the host alone) and `server.port`, as OpenTelemetry's HTTP conventions name them. */
const serverOf = (url: URL): { readonly address: string; readonly port: number } => ({
  address: url.hostname,
  port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port)
})
