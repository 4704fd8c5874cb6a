/**
 * `LinqShared`: state shared by every replica of a service through Redis, so
 * that several processes on one Linq account behave as one.
 *
 * Without it everything works in one process with nothing to install. With
 * `LinqShared.layerRedis({ url })` (or `layerRedisConfig()`, reading
 * `LINQ_REDIS_URL`) in the context of `LinqHttpClient.layer`, every replica's
 * attempts share one `rateLimit` (all attempts of all replicas within `limit`
 * per `interval`, every sliding window) and a 429's `Retry-After` pauses every
 * replica. `@linq-effect/webhooks` uses the same layer for its duplicate
 * window and its events.
 *
 * The connection is `@effect/platform-node`'s `NodeRedis` (node-redis 6),
 * imported when the layer is built: install `@effect/platform-node` and
 * `redis` to use it. This module holds the API and its documentation; the
 * connection is `internal/sharedStore.ts`, the limiter
 * `internal/sharedRateLimit.ts`.
 *
 * @since 1.0.0
 */
import type { Scope } from "effect"
import { Config, Context, Duration, Effect, Layer, type Metric, Redacted } from "effect"
import type { Redis } from "effect/persistence"
import * as internal from "./internal/sharedStore.js"

/**
 * What the shared store is used for, as the metrics name it: `rateLimit`
 * (`@linq-effect/http`), `dedupe` and `events` (`@linq-effect/webhooks`).
 *
 * @since 1.0.0
 * @category models
 */
export type Concern = internal.Concern

/**
 * The shared store could not serve an operation: `reason` is `Unavailable`
 * (not connected, or skipped after a recent failure), `Timeout` (no answer
 * within `commandTimeout`: a frozen or overloaded Redis) or `Failed` (Redis
 * answered with an error, or the connection dropped); `description` says
 * more, never with the URL's password.
 *
 * @since 1.0.0
 * @category errors
 */
export const SharedStoreError: typeof internal.SharedStoreError = internal.SharedStoreError

/**
 * @since 1.0.0
 * @category errors
 */
export type SharedStoreError = internal.SharedStoreError

/**
 * `linq_shared_mode{concern}`: a gauge, 1 while a concern runs on the shared
 * store, 0 while it runs locally (the rate limit's fallback) or refuses (the
 * duplicate window answers 503).
 *
 * @since 1.0.0
 * @category metrics
 */
export const sharedMode: Metric.Gauge<number> = internal.sharedMode

/**
 * `linq_shared_store_errors_total{concern, reason}`: a counter of the shared
 * store's failed operations, by {@link Concern} and `reason` (`Unavailable`,
 * `Timeout`, `Failed`).
 *
 * @since 1.0.0
 * @category metrics
 */
export const storeErrors: Metric.Counter<number> = internal.storeErrors

/**
 * Options of {@link LinqShared.layerRedis}.
 *
 * @since 1.0.0
 * @category options
 */
export interface LinqSharedOptions {
  /** The Redis URL (`redis://[user:password@]host:port[/db]`, or `rediss://`); kept `Redacted`. */
  readonly url: string | Redacted.Redacted<string>
  /**
   * The prefix of every key and channel. Replicas share state exactly when
   * they use the same Redis and prefix: one prefix per Linq account.
   * Defaults to `"linq-effect:"`.
   */
  readonly prefix?: string | undefined
  /**
   * How long one Redis command may take before the operation gives up with a
   * `Timeout` (and the concern falls back or refuses). Defaults to 200 ms
   * (a command takes 0.1 ms typical on loopback).
   */
  readonly commandTimeout?: Duration.Input | undefined
  /**
   * How long one connection attempt may take, and how long building the layer
   * waits for the first one (with Redis down at start, the layer is then built
   * anyway and connects in the background). Defaults to 1 second.
   */
  readonly connectTimeout?: Duration.Input | undefined
  /**
   * After a failure, how long the store is skipped (each operation fails at
   * once) before it is tried again, so a frozen Redis costs one
   * `commandTimeout` per interval rather than one per call. A reconnection
   * ends it early. Defaults to 1 second.
   */
  readonly retryInterval?: Duration.Input | undefined
}

/**
 * @since 1.0.0
 */
export declare namespace LinqShared {
  /**
   * The shared store, for the SDK's packages (and any glue of yours).
   *
   * @since 1.0.0
   * @category models
   */
  export interface Service {
    /** The key and channel prefix. */
    readonly prefix: string
    /**
     * Runs Redis commands for `concern`, bounded by `commandTimeout`; fails
     * with {@link SharedStoreError} at once while the store is unavailable.
     */
    readonly use: <A>(
      concern: Concern,
      f: (redis: Redis.Redis["Service"]) => Effect.Effect<A, Redis.RedisError>
    ) => Effect.Effect<A, SharedStoreError>
    /** The connection itself (unbounded commands, pub/sub), once connected. */
    readonly redis: Effect.Effect<Redis.Redis["Service"], SharedStoreError>
    /** Whether the store answered the last command (connected and not failing). */
    readonly available: Effect.Effect<boolean>
  }
}

const settingsOf = (options: LinqSharedOptions): internal.StoreSettings => ({
  url: typeof options.url === "string" ? Redacted.make(options.url) : options.url,
  prefix: options.prefix ?? "linq-effect:",
  commandTimeout: Duration.fromInputUnsafe(options.commandTimeout ?? "200 millis"),
  connectTimeout: Duration.fromInputUnsafe(options.connectTimeout ?? "1 second"),
  retryInterval: Duration.fromInputUnsafe(options.retryInterval ?? "1 second")
})

/**
 * Connects to Redis for as long as the scope lives: it waits for the first
 * connection at most `connectTimeout`, then succeeds even with Redis down
 * (the store is then unavailable until it connects, in the background), and
 * reconnects after every loss.
 *
 * @since 1.0.0
 * @category constructors
 */
const make = (options: LinqSharedOptions): Effect.Effect<LinqShared.Service, never, Scope.Scope> =>
  internal.make(settingsOf(options))

/**
 * The shared store on Redis through `NodeRedis`: provide it to
 * `LinqHttpClient.layer` (and `LinqWebhooks.layer`) in every replica.
 *
 * **Details**
 *
 * - Shared: the `rateLimit` (every sliding window of `interval` holds at most
 *   `limit` attempts of all replicas together; each replica's waiters keep
 *   their order) and a 429's `Retry-After` (every replica waits it out).
 * - Redis down at start, down mid-run, frozen or restarted: a call never waits
 *   on Redis longer than `commandTimeout`. The rate limit falls back to each
 *   replica's own limiter (so N replicas may send N × `limit` while Redis is
 *   away; Linq's 429s still slow them) and goes back to sharing when Redis
 *   answers again. `linq_shared_mode{concern="rateLimit"}` shows which.
 *
 * **Gotchas**
 *
 * A restarted Redis without persistence starts empty: the permits of the last
 * `interval` are forgotten, so the window right after a restart may hold up
 * to twice the limit.
 *
 * **Example** (Two replicas sharing 20 requests per second)
 *
 * ```ts
 * import { LinqHttpClient, LinqShared } from "@linq-effect/http"
 * import { FetchHttpClient } from "effect/http"
 * import { Layer } from "effect"
 *
 * const Live = LinqHttpClient.layer({
 *   apiKey: process.env.LINQ_API_V3_API_KEY!,
 *   rateLimit: { limit: 20, interval: "1 second" }
 * }).pipe(Layer.provide([FetchHttpClient.layer, LinqShared.layerRedis({ url: "redis://127.0.0.1:6379" })]))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
const layerRedis = (options: LinqSharedOptions): Layer.Layer<LinqShared> =>
  Layer.effect(LinqShared, make(options))

/**
 * The same from `Config`: the URL from `LINQ_REDIS_URL` (redacted) unless
 * given; every other option as a value or a `Config`.
 *
 * @since 1.0.0
 * @category layers
 */
const layerRedisConfig = (
  options: Partial<Config.Wrap<LinqSharedOptions>> = {}
): Layer.Layer<LinqShared, Config.ConfigError> =>
  Layer.effect(
    LinqShared,
    Effect.flatMap(
      Config.unwrap({ url: Config.Redacted("LINQ_REDIS_URL"), ...options } as Config.Wrap<LinqSharedOptions>),
      make
    )
  )

/**
 * The shared store of a service's replicas (see {@link LinqShared.layerRedis}).
 *
 * @since 1.0.0
 * @category services
 */
export class LinqShared extends Context.Service<LinqShared, LinqShared.Service>()(
  "@linq-effect/http/LinqShared"
) {
  /** {@link make} */
  static readonly make: typeof make = make
  /** {@link layerRedis} */
  static readonly layerRedis: typeof layerRedis = layerRedis
  /** {@link layerRedisConfig} */
  static readonly layerRedisConfig: typeof layerRedisConfig = layerRedisConfig
}
