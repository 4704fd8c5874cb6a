/**
 * The rate limit shared by every replica through the shared store: the same
 * sliding-window log as `rateLimit.ts` (a permit is taken before an attempt
 * and free again `interval` after the attempt ends), held in one Redis sorted
 * set (a member per permit in use, scored by when it is free again, on
 * Redis' own clock, so replicas' clocks do not matter), and a pause key that
 * a 429's `Retry-After` sets for every replica.
 *
 * Each attempt also goes through the replica's own limiter (`rateLimit.ts`)
 * first: it keeps the replica's waiters in line (FIFO) and at most `limit` of
 * them asking Redis, and it is the whole limit while the store is down (the
 * documented fallback: each replica then allows `limit` on its own).
 *
 * A permit whose replica died mid-attempt comes back after its lease (the
 * layer's timeout plus `interval`); one taken by a command that timed out
 * (a frozen Redis) is given back by a `ZREM` queued behind it on the same
 * connection, so a thawed Redis does not spend budget on abandoned takes.
 *
 * Why not `RateLimiter.layerStoreRedis` (effect/persistence): its fixed window
 * and token bucket both hand out bursts of `limit`, so a sliding window sees
 * up to twice the limit at a boundary (measured in test/bench/replicas.ts).
 * The Lua runs through `Redis.eval` (script caching, NOSCRIPT after a restart).
 *
 * @internal
 */
import type { Scope } from "effect"
import { Duration, Effect, Fiber, Random } from "effect"
import { Redis } from "effect/persistence"
import type { Limiter } from "./rateLimit.js"
import type { Store } from "./sharedStore.js"
import { reportMode } from "./sharedStore.js"

const acquireScript = Redis.script(
  (permits: string, pause: string, token: string, limit: number, intervalMs: number, leaseMs: number) => [
    permits,
    pause,
    token,
    limit,
    intervalMs,
    leaseMs
  ],
  {
    numberOfKeys: 2,
    lua: `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
local pause = tonumber(redis.call("GET", KEYS[2]) or "0")
if pause > now then return pause - now end
if redis.call("ZCARD", KEYS[1]) < limit then
  redis.call("ZADD", KEYS[1], now + lease, ARGV[1])
  redis.call("PEXPIRE", KEYS[1], math.max(lease, interval))
  return 0
end
local first = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
return math.max(1, math.min(tonumber(first[2]) - now, interval))
`
  }
).withReturnType<number>()

const releaseScript = Redis.script(
  (permits: string, token: string, intervalMs: number) => [permits, token, intervalMs],
  {
    numberOfKeys: 1,
    lua: `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[2])
redis.call("ZADD", KEYS[1], now + interval, ARGV[1])
if redis.call("PTTL", KEYS[1]) < interval then redis.call("PEXPIRE", KEYS[1], interval) end
return 0
`
  }
).withReturnType<number>()

const pauseScript = Redis.script((pause: string, waitMs: number) => [pause, waitMs], {
  numberOfKeys: 1,
  lua: `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = tonumber(ARGV[1])
local current = tonumber(redis.call("GET", KEYS[1]) or "0")
if now + wait > current then redis.call("SET", KEYS[1], now + wait, "PX", wait) end
return 0
`
}).withReturnType<number>()

/** The acquire script, bound to its keys and settings. */
const redisAcquire = (
  permits: string,
  pauseKey: string,
  options: { readonly limit: number; readonly interval: Duration.Duration; readonly leaseMillis: number }
) => {
  const intervalMillis = Duration.toMillis(options.interval)
  return (redis: Redis.Redis["Service"], token: string) =>
    redis.eval(acquireScript)(permits, pauseKey, token, options.limit, intervalMillis, options.leaseMillis)
}

export interface SharedLimiter {
  readonly limiter: Limiter
  /** Makes every replica wait `wait` before its next attempt (a 429's `Retry-After`). */
  readonly pause: (wait: Duration.Duration) => Effect.Effect<void>
}

/** How long a permit may stay taken without being given back: the attempt's timeout, and more. */
export const leaseFor = (timeout: Duration.Duration, interval: Duration.Duration): number =>
  (Duration.isFinite(timeout) ? Duration.toMillis(timeout) : 10 * 60_000) +
  Duration.toMillis(interval) +
  5_000

export const make = (
  store: Store,
  options: {
    readonly limit: number
    readonly interval: Duration.Duration
    readonly leaseMillis: number
    readonly local: Limiter
  }
): Effect.Effect<SharedLimiter, never, Scope.Scope> =>
  Effect.gen(function* () {
    const permits = `${store.prefix}rate:permits`
    const pauseKey = `${store.prefix}rate:pause`
    const intervalMillis = Duration.toMillis(options.interval)
    const instance = Math.random().toString(36).slice(2, 10)
    let taken = 0
    let shared: boolean | undefined
    const mode = (now: boolean) => {
      if (shared === now) return Effect.void
      shared = now
      return reportMode("rateLimit", now)
    }
    yield* mode(false)

    /**
     * In the background (the take's caller has moved on), started at once. When the layer closes
     * (a replica shutting down), what is still running gets a moment to finish: an interrupted
     * release would leave its permit taken until its lease ends.
     */
    const pending = new Set<Fiber.Fiber<unknown>>()
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => Fiber.awaitAll([...pending])).pipe(
        Effect.timeout(Duration.seconds(1)),
        Effect.ignore,
        Effect.andThen(Effect.suspend(() => Fiber.interruptAll([...pending])))
      )
    )
    const background = (effect: Effect.Effect<unknown, unknown>) =>
      Effect.map(Effect.forkDetach(Effect.ignore(effect), { startImmediately: true }), (fiber) => {
        if (fiber.pollUnsafe() !== undefined) return
        pending.add(fiber)
        fiber.addObserver(() => pending.delete(fiber))
      })
    /** Gives back a permit a timed-out or interrupted take may have taken, behind it on the same connection. */
    const cancel = (token: string) =>
      background(
        Effect.flatMap(store.redis, (redis) => redis.send("ZREM", permits, token)).pipe(
          Effect.timeout(Duration.minutes(1))
        )
      )

    const granted = Effect.succeed(true)
    const acquire = redisAcquire(permits, pauseKey, options)
    /** Waits for a shared permit; `false` when the store failed (the attempt then runs on the local limit alone). */
    const take = (token: string): Effect.Effect<boolean> =>
      Effect.matchEffect(
        store.use("rateLimit", (redis) => acquire(redis, token)),
        {
          onFailure: (error) =>
            Effect.as(
              Effect.andThen(error.reason === "Unavailable" ? Effect.void : cancel(token), mode(false)),
              false
            ),
          onSuccess: (reply) => {
            const wait = Number(reply)
            const reported = mode(true)
            if (wait <= 0) return reported === Effect.void ? granted : Effect.as(reported, true)
            return reported.pipe(
              Effect.andThen(Random.nextBetween(0, Math.min(wait, 5))),
              Effect.flatMap((jitter) => Effect.sleep(Duration.millis(wait + jitter))),
              Effect.andThen(Effect.suspend(() => take(token)))
            )
          }
        }
      )

    const limiter: Limiter = <A, E, R>(attempt: Effect.Effect<A, E, R>) =>
      options.local(
        Effect.uninterruptibleMask((restore) => {
          const token = `${instance}:${taken++}`
          return Effect.flatMap(restore(take(token)).pipe(Effect.onInterrupt(() => cancel(token))), (held) =>
            held
              ? Effect.ensuring(
                  restore(attempt),
                  // Straight to the connection, not through `use`: a store marked down a moment ago
                  // must still get the permit back (or it stays taken for its whole lease). Not
                  // timed: a lost connection fails it at once, and the layer's end interrupts it.
                  background(
                    Effect.flatMap(store.redis, (redis) =>
                      redis.eval(releaseScript)(permits, token, intervalMillis)
                    )
                  )
                )
              : restore(attempt)
          )
        })
      )

    const pause = (wait: Duration.Duration) =>
      Effect.ignore(
        store.use("rateLimit", (redis) =>
          redis.eval(pauseScript)(pauseKey, Math.max(1, Math.ceil(Duration.toMillis(wait))))
        )
      )

    return { limiter, pause }
  })
