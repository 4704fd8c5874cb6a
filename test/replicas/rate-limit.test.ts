/**
 * The shared rate limit, with real replicas: N child processes, each its own
 * runtime with `LinqHttpClient.layer({ rateLimit })` and
 * `LinqShared.layerRedis`, against one FakeLinq served by the test and a
 * redis-server of the test's own. What is asserted is what Linq would see:
 * the arrivals in FakeLinq's journal, never more than `limit` in any sliding
 * window of `interval`, all replicas together.
 */
import { FakeLinq } from "@linq-effect/testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as RedisServer from "./redisServer.js"
import type { CallsResult } from "./replica.js"
import { runReplicas } from "./replicas.js"
import { busiestWindow } from "./window.js"

const chatId = FakeLinq.chats.iMessageGroup

describe("LinqShared: the rate limit across replicas", () => {
  it.live(
    "3 processes x 24 calls stay within 8 per 400 ms together, measured at the server",
    () =>
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
        const [limit, intervalMs, calls, replicas] = [8, 400, 24, 3]
        const results = yield* runReplicas<CallsResult>(
          Array.from({ length: replicas }, () => ({
            kind: "calls" as const,
            baseUrl: fake.baseUrl,
            redisUrl: redis.url,
            limit,
            intervalMs,
            calls,
            concurrency: limit,
            chatId
          }))
        )
        // Every call answered, every replica on the shared limit to the end.
        expect(results).toEqual(
          Array.from({ length: replicas }, () => ({ ok: calls, failed: {}, shared: 1 }))
        )
        const arrivals = (yield* fake.journal).filter((e) => e.route === "getChat").map((e) => e.at)
        expect(arrivals).toHaveLength(replicas * calls)
        expect(busiestWindow(arrivals, intervalMs)).toBeLessThanOrEqual(limit)
      }).pipe(Effect.scoped),
    60_000
  )
})
