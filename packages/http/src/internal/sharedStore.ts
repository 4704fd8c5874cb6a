/**
 * The shared store's connection: a node-redis client (`@effect/platform-node`'s
 * `NodeRedis`, imported when the layer is built, so that the package stays
 * platform-neutral for those who never share), connected in the background
 * and reconnected for as long as the layer lives, and every command bounded.
 *
 * - Down at start: the layer waits for the first connection at most
 *   `connectTimeout`, then is built anyway; until it connects the store is
 *   unavailable (each use fails at once, typed).
 * - Down mid-run: `disableOfflineQueue`, so a command on a lost connection
 *   fails in microseconds instead of waiting in node-redis' offline queue;
 *   node-redis reconnects (backoff up to 1 s, for ever).
 * - Frozen (the socket open, no answer): every command is bounded by
 *   `commandTimeout`; after a failure the store is skipped for
 *   `retryInterval` (each use fails at once), then tried again, so a frozen
 *   server costs one timeout per interval, not one per call.
 * - Restarted: reconnected; what the store held is gone (a Redis without
 *   persistence starts empty). Scripts are loaded again (`Redis.eval` does).
 *
 * @internal
 */
import type { Scope } from "effect"
import { Clock, Context, Deferred, Duration, Effect, Layer, Metric, Redacted, Schema } from "effect"
import { Redis } from "effect/persistence"
import type { LinqShared } from "../LinqShared.js"

/** What the store is used for, as the metrics name it. */
export type Concern = "rateLimit" | "dedupe" | "events"

/** Why the shared store could not serve an operation (see `LinqShared.SharedStoreError`). */
export class SharedStoreError extends Schema.TaggedError<SharedStoreError>()("SharedStoreError", {
  reason: Schema.Literals(["Unavailable", "Timeout", "Failed"]),
  description: Schema.String
}) {
  override get message(): string {
    return `The shared store (Redis) is unavailable (${this.reason}): ${this.description}`
  }
}

export interface StoreSettings {
  readonly url: Redacted.Redacted<string>
  readonly prefix: string
  readonly commandTimeout: Duration.Duration
  readonly connectTimeout: Duration.Duration
  readonly retryInterval: Duration.Duration
}

/** The service a store is (its fields documented on `LinqShared.Service`). */
export type Store = LinqShared.Service

export const MODE_METRIC = "linq_shared_mode"
export const ERRORS_METRIC = "linq_shared_store_errors_total"

export const sharedMode = Metric.gauge(MODE_METRIC, {
  description:
    "1 while a concern (rateLimit, dedupe, events) runs on the shared store, 0 while it runs locally"
})
export const storeErrors = Metric.counter(ERRORS_METRIC, {
  description: "Shared store operations that failed, by concern and reason (Unavailable, Timeout, Failed)",
  incremental: true
})

const gaugeOf = (concern: Concern) => sharedMode.pipe(Metric.withAttributes({ concern }))
const gauges = {
  rateLimit: gaugeOf("rateLimit"),
  dedupe: gaugeOf("dedupe"),
  events: gaugeOf("events")
}
const counters = new Map<string, Metric.Counter<number>>()
const counterOf = (concern: Concern, reason: string): Metric.Counter<number> => {
  const key = `${concern}:${reason}`
  const known = counters.get(key)
  if (known !== undefined) return known
  const counter = storeErrors.pipe(Metric.withAttributes({ concern, reason }))
  counters.set(key, counter)
  return counter
}

/** Sets the mode gauge of a concern (1 shared, 0 local). */
export const reportMode = (concern: Concern, shared: boolean): Effect.Effect<void> =>
  Metric.update(gauges[concern], shared ? 1 : 0)

// The specifier is a variable on purpose: a bundler follows a literal `import("…")` even where
// it is never called, so every app bundling @linq-effect/http (for a browser, an edge runtime,
// or just a Node bundle without Redis) would pull in node-redis and its `net`/`dns` imports
// (an esbuild browser build of an app using only LinqHttpClient failed on 21 of them). Left to
// the runtime, it resolves from the app's own node_modules when the layer is built.
const NODE_REDIS: string = "@effect/platform-node/NodeRedis"

const loadNodeRedis = Effect.tryPromise({
  try: () => import(NODE_REDIS) as Promise<typeof import("@effect/platform-node/NodeRedis")>,
  catch: (cause) =>
    new Error(
      `LinqShared.layerRedis needs @effect/platform-node 4 and redis 6 installed (npm install @effect/platform-node@^4.1 redis@^6): ${String(cause)}`
    )
}).pipe(Effect.orDie)

export const make = (settings: StoreSettings): Effect.Effect<Store, never, Scope.Scope> =>
  Effect.gen(function* () {
    const NodeRedis = yield* loadNodeRedis
    const clock = yield* Clock.Clock
    const retryMillis = Duration.toMillis(settings.retryInterval)
    let current: Redis.Redis["Service"] | undefined
    let up = false
    let skipUntil = 0
    const markDown = () => {
      up = false
      skipUntil = clock.currentTimeMillisUnsafe() + retryMillis
    }

    const layer = NodeRedis.layer({
      url: Redacted.value(settings.url),
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Duration.toMillis(settings.connectTimeout),
        // For ever, backing off to 1 s: a Redis that comes back is used again.
        reconnectStrategy: (retries: number) =>
          Math.min(50 * 2 ** retries, 1_000) + Math.floor(Math.random() * 50)
      }
    })
    const connected = yield* Deferred.make<void>()
    yield* Effect.forkScoped(
      Effect.gen(function* () {
        const context = yield* Layer.build(layer)
        const client = Context.get(context, NodeRedis.NodeRedis).client
        // Destroy, not close: close waits for in-flight commands, which a frozen server never answers.
        yield* Effect.addFinalizer(() => Effect.sync(() => client.destroy()))
        client.on("ready", () => {
          up = true
          skipUntil = 0
        })
        client.on("end", markDown)
        client.on("error", markDown)
        current = Context.get(context, Redis.Redis)
        up = true
        skipUntil = 0
        yield* Deferred.succeed(connected, undefined)
      })
    )
    // A replica starting next to a running Redis shares from its first call; one starting while
    // Redis is down goes on after connectTimeout, locally, and shares once it connects.
    yield* Deferred.await(connected).pipe(Effect.timeoutOption(settings.connectTimeout))

    const unavailable = (concern: Concern, description: string) =>
      Effect.andThen(
        Metric.update(counterOf(concern, "Unavailable"), 1),
        Effect.fail(new SharedStoreError({ reason: "Unavailable", description }))
      )
    const timeoutMillis = Duration.toMillis(settings.commandTimeout)

    const use = <A>(
      concern: Concern,
      f: (redis: Redis.Redis["Service"]) => Effect.Effect<A, Redis.RedisError>
    ): Effect.Effect<A, SharedStoreError> =>
      Effect.suspend(() => {
        const redis = current
        if (redis === undefined) return unavailable(concern, "not connected to Redis yet")
        if (skipUntil > clock.currentTimeMillisUnsafe())
          return unavailable(concern, "Redis failed recently; retrying after retryInterval")
        return f(redis).pipe(
          Effect.timeoutOrElse({
            duration: settings.commandTimeout,
            orElse: () =>
              Effect.fail(
                new SharedStoreError({
                  reason: "Timeout",
                  description: `Redis did not answer within ${timeoutMillis} ms`
                })
              )
          }),
          Effect.matchEffect({
            onFailure: (cause) => {
              const error =
                cause._tag === "SharedStoreError"
                  ? cause
                  : new SharedStoreError({ reason: "Failed", description: describe(cause.cause) })
              markDown()
              return Effect.andThen(Metric.update(counterOf(concern, error.reason), 1), Effect.fail(error))
            },
            onSuccess: (value) => {
              up = true
              return Effect.succeed(value)
            }
          })
        )
      })

    return {
      prefix: settings.prefix,
      use,
      redis: Effect.suspend(() =>
        current === undefined
          ? Effect.fail(
              new SharedStoreError({ reason: "Unavailable", description: "not connected to Redis yet" })
            )
          : Effect.succeed(current)
      ),
      available: Effect.sync(() => up && current !== undefined)
    } satisfies Store
  })

/** A node-redis failure's text, without anything but its message (never a URL with a password). */
const describe = (cause: unknown): string => {
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  return text.replace(/redis(s)?:\/\/[^\s]*/g, "redis://<redacted>").slice(0, 300)
}
