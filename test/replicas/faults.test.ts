/**
 * Each Redis fault and its documented outcome for the shared rate limit,
 * against a redis-server of the test's own that the test stops, freezes
 * (SIGSTOP) and restarts: a call never waits on Redis longer than the
 * store's `commandTimeout`; while Redis is away each replica falls back to
 * its own limit and `linq_shared_mode{concern="rateLimit"}` says 0; it goes
 * back to 1 once Redis answers again.
 */
import { getChat } from "@linq-effect/client"
import { LinqHttpClient, LinqShared, sharedMode, storeErrors } from "@linq-effect/http"
import { Fault, FakeLinq, type ServedFakeLinq } from "@linq-effect/testing"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Metric, Option } from "effect"
import { FetchHttpClient } from "effect/http"
import * as RedisServer from "./redisServer.js"

const chatId = FakeLinq.chats.iMessageGroup
const PREFIX = "faults:"
const mode = Metric.value(sharedMode.pipe(Metric.withAttributes({ concern: "rateLimit" }))).pipe(
  Effect.map((s) => s.value)
)
const errorsOf = (reason: string) =>
  Metric.value(storeErrors.pipe(Metric.withAttributes({ concern: "rateLimit", reason }))).pipe(
    Effect.map((s) => s.count)
  )

/** Polls until `check` holds (every 20 ms, at most 5 s), failing the test otherwise. */
const until = <E>(what: string, check: Effect.Effect<boolean, E>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 250; i++) {
      if (yield* check) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.die(new Error(`${what}: not so within 5 s`))
  })

/** A replica in this process: its own LinqHttpClient and LinqShared connection. */
const replica = (fake: ServedFakeLinq, url: string, options: { readonly connected?: boolean } = {}) =>
  Effect.tap(
    Effect.map(
      Layer.build(
        LinqHttpClient.layer({
          apiKey: "sk_faults",
          baseUrl: fake.baseUrl,
          maxRetries: 0,
          rateLimit: { limit: 5, interval: "500 millis" }
        }).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provideMerge(LinqShared.layerRedis({ url, prefix: PREFIX, retryInterval: "200 millis" }))
        )
      ),
      (context) => ({
        /** One read; `None` if it took longer than 2 s (a hang). */
        call: getChat(chatId).pipe(
          Effect.timeoutOption("2 seconds"),
          Effect.provide(context),
          Effect.map(Option.map((chat) => chat.id))
        ),
        store: Context.get(context, LinqShared)
      })
    ),
    ({ store }) => (options.connected === false ? Effect.void : until("connected", store.available))
  )

const answered = Option.some(chatId)

/** The permits taken and not yet free again (scored later than now: the same machine's clock as Redis'). */
const inUse = (redis: RedisServer.RedisServer) =>
  Effect.map(
    Effect.suspend(() => redis.command("ZCOUNT", `${PREFIX}rate:permits`, String(Date.now()), "+inf")),
    (reply) => Number(reply.slice(1))
  )

describe("LinqShared: Redis faults, rate limit", () => {
  it.live("down at start: the layer builds, calls run on the local limit, then share once Redis is up", () =>
    Effect.gen(function* () {
      const redis = yield* RedisServer.start
      yield* redis.stop
      const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
      const { call, store } = yield* replica(fake, redis.url, { connected: false })
      expect(yield* call).toEqual(answered)
      expect(yield* store.available).toBe(false)
      expect(yield* mode).toBe(0)
      expect(yield* errorsOf("Unavailable")).toBeGreaterThan(0)
      yield* redis.restart
      yield* until(
        "shared after Redis came up",
        Effect.map(call, () => true).pipe(
          Effect.andThen(mode),
          Effect.map((m) => m === 1)
        )
      )
      expect(yield* inUse(redis)).toBeGreaterThan(0)
    }).pipe(Effect.scoped)
  )

  it.live(
    "down mid-run: calls keep being answered at once, locally limited, and share again after a restart",
    () =>
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
        const { call } = yield* replica(fake, redis.url)
        expect(yield* call).toEqual(answered)
        expect(yield* mode).toBe(1)
        yield* redis.stop
        const during = yield* Effect.all([call, call, call])
        expect(during).toEqual([answered, answered, answered])
        expect(yield* mode).toBe(0)
        yield* redis.restart
        yield* until(
          "shared after the restart",
          Effect.andThen(
            call,
            Effect.map(mode, (m) => m === 1)
          )
        )
      }).pipe(Effect.scoped)
  )

  it.live(
    "frozen (SIGSTOP): a call waits at most commandTimeout, and a thawed Redis spends no budget on abandoned takes",
    () =>
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
        const { call } = yield* replica(fake, redis.url)
        expect(yield* call).toEqual(answered)
        // Let the first take's permit cool down: none in use.
        yield* until(
          "permits cooled",
          Effect.map(inUse(redis), (n) => n === 0)
        )
        const timeouts = yield* errorsOf("Timeout")
        yield* redis.freeze
        const during = yield* Effect.all([call, call, call], { concurrency: 3 })
        expect(during).toEqual([answered, answered, answered])
        expect(yield* mode).toBe(0)
        expect(yield* errorsOf("Timeout")).toBeGreaterThan(timeouts)
        yield* redis.thaw
        // The takes that timed out ran when Redis woke, and were given back right behind.
        yield* Effect.sleep("200 millis")
        expect(yield* inUse(redis)).toBe(0)
        yield* until(
          "shared after the thaw",
          Effect.andThen(
            call,
            Effect.map(mode, (m) => m === 1)
          )
        )
      }).pipe(Effect.scoped)
  )

  it.live("a 429's Retry-After on one replica pauses the other", () =>
    Effect.gen(function* () {
      const redis = yield* RedisServer.start
      const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
      const a = yield* replica(fake, redis.url)
      const b = yield* replica(fake, redis.url)
      expect(yield* b.call).toEqual(answered)
      yield* fake.clearJournal
      yield* fake.inject(Fault.status(429, { retryAfterMs: 600 }), { route: "getChat", times: 1 })
      // maxRetries 0: A's call fails with the 429; B's next call must wait out its Retry-After.
      expect(
        yield* a.call.pipe(
          Effect.flip,
          Effect.map((e) => e._tag)
        )
      ).toBe("RateLimited")
      expect(yield* b.call).toEqual(answered)
      const [limited, next] = yield* fake.journal
      expect(limited?.outcome).toEqual({ _tag: "Responded", status: 429 })
      expect(next!.at - limited!.at).toBeGreaterThanOrEqual(600 - 1)
    }).pipe(Effect.scoped)
  )
})
