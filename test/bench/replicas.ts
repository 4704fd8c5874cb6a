/**
 * Replicas benchmark (issue 16): what sharing through Redis costs per call,
 * and what several processes achieve together against one limit. Prints
 * tables; asserts nothing; not run in CI. Needs Debian's `redis-server`
 * (it starts its own, on a free port, and stops it).
 *
 *   pnpm exec tsx --conditions=@linq-effect/source test/bench/replicas.ts          # about 1 minute
 *   BENCH_QUICK=1 pnpm exec tsx --conditions=@linq-effect/source test/bench/replicas.ts
 *   BENCH_ONLY=replicas pnpm bench                                                  # the same, from main.ts
 *
 * 1. Per call, in one process, sequentially (nothing waits on the limit): a
 *    `getChat` through `LinqHttpClient` over an in-process FakeLinq with the
 *    in-memory `rateLimit` and with the same limit shared by
 *    `LinqShared.layerRedis` (one take and one release per call); and a
 *    webhook delivery through `LinqWebhooks.receive` (verify, claim, publish)
 *    with the in-memory duplicate window and the shared one. The overhead is
 *    the difference of the medians (p99 shown).
 * 2. Together: 2 and 4 processes (test/replicas/replica.ts), each sending as
 *    fast as the limit lets it, against a FakeLinq on loopback: the sustained
 *    rate (all requests but the first window's, over the time from the first
 *    to the last) and the busiest sliding window at the server, against the limit;
 *    for this SDK's sliding window and, for comparison, effect/persistence's
 *    `RateLimiter` on `layerStoreRedis` (fixed window and token bucket).
 */
import { getChat } from "@linq-effect/client"
import { LinqHttpClient, LinqShared } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { LinqWebhooks } from "@linq-effect/webhooks"
import { Context, Effect, Layer, Stream } from "effect"
import * as RedisServer from "../replicas/redisServer.js"
import type { CallsResult, CallsTask } from "../replicas/replica.js"
import { runReplicas } from "../replicas/replicas.js"
import { busiestWindow } from "../replicas/window.js"
import { body, participantEvent, SECRET, standardHeaders } from "../../packages/webhooks/test/testkit.js"

const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick")
const CALLS = QUICK ? 500 : 5_000
const chatId = FakeLinq.chats.iMessageGroup

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
const stats = (samples: Array<number>): { readonly p50: number; readonly p99: number } => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
}
const ms = (n: number) => `${n.toFixed(3)} ms`

/** Times `n` sequential runs of `one(i)` after a warm-up of a tenth as many; failures are counted, not fatal. */
const timed = <E, R>(n: number, one: (i: number) => Effect.Effect<unknown, E, R>) =>
  Effect.gen(function* () {
    for (let i = 0; i < Math.ceil(n / 10); i++) yield* Effect.exit(one(-1 - i))
    const samples: Array<number> = []
    let failed = 0
    for (let i = 0; i < n; i++) {
      const start = performance.now()
      const exit = yield* Effect.exit(one(i))
      samples.push(performance.now() - start)
      if (exit._tag === "Failure") failed++
    }
    return { ...stats(samples), failed }
  })

const perCallLimiter = (redisUrl: string) =>
  Effect.gen(function* () {
    const rateLimit = { limit: 1_000_000, interval: "1 second" } as const
    const local = LinqHttpClient.layer({ apiKey: "sk_bench", rateLimit }).pipe(
      Layer.provide(FakeLinq.layer())
    )
    const shared = local.pipe(Layer.provide(LinqShared.layerRedis({ url: redisUrl, prefix: "bench:limit:" })))
    const none = LinqHttpClient.layer({ apiKey: "sk_bench" }).pipe(Layer.provide(FakeLinq.layer()))
    const run = (layer: Layer.Layer<LinqHttpClient>) =>
      Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(layer)
          // Connected before measuring.
          yield* Effect.sleep("200 millis")
          return yield* timed(CALLS, () => Effect.provide(getChat(chatId), context))
        })
      )
    return { none: yield* run(none), local: yield* run(local), shared: yield* run(shared) }
  })

/** A distinct signed delivery, signed now with the tests' oracle. */
const signed = (i: number) => {
  const id = `bench-${i}-${Math.random().toString(36).slice(2)}`
  const text = body(participantEvent({ id }))
  return {
    body: text,
    headers: standardHeaders(text, { id: `msg_${id}`, timestamp: Math.floor(Date.now() / 1000) })
  }
}

const perCallDedupe = (redisUrl: string) =>
  Effect.gen(function* () {
    const run = (layer: Layer.Layer<LinqWebhooks>) =>
      Effect.scoped(
        Effect.gen(function* () {
          const receiver = Context.get(yield* Layer.build(layer), LinqWebhooks)
          yield* Effect.forkScoped(Stream.runDrain(yield* receiver.subscribe))
          yield* Effect.sleep("200 millis")
          const deliveries = Array.from({ length: CALLS + Math.ceil(CALLS / 10) }, (_, i) => signed(i))
          let next = 0
          return yield* timed(CALLS, () => receiver.receive(deliveries[next++]!))
        })
      )
    const local = LinqWebhooks.layer({ secret: SECRET })
    const shared = local.pipe(
      Layer.provide(LinqShared.layerRedis({ url: redisUrl, prefix: "bench:dedupe:" }))
    )
    return { local: yield* run(local), shared: yield* run(shared) }
  })

const together = (redisUrl: string, algorithm: NonNullable<CallsTask["algorithm"]>, processes: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0, journalLimit: 100_000 })
      const [limit, intervalMs] = [50, 1_000]
      const calls = Math.round(((QUICK ? 2 : 4) * limit) / processes)
      const results = yield* runReplicas<CallsResult>(
        Array.from({ length: processes }, () => ({
          kind: "calls" as const,
          baseUrl: fake.baseUrl,
          redisUrl,
          limit,
          intervalMs,
          calls,
          concurrency: limit,
          chatId,
          algorithm,
          prefix: `bench:${algorithm}:${processes}:`
        }))
      )
      const at = (yield* fake.journal).filter((e) => e.route === "getChat").map((e) => e.at)
      const span = (Math.max(...at) - Math.min(...at)) / 1_000
      const failed: Record<string, number> = {}
      for (const r of results)
        for (const [tag, n] of Object.entries(r.failed)) failed[tag] = (failed[tag] ?? 0) + n
      if (process.env.BENCH_DEBUG === "1") {
        const t0 = Math.min(...at)
        console.log(
          algorithm,
          processes,
          at
            .map((t) => t - t0)
            .sort((a, b) => a - b)
            .join(" ")
        )
      }
      return {
        algorithm,
        processes,
        limit: `${limit} / ${intervalMs} ms`,
        requests: at.length,
        // The first window's burst is free; from then on, the rate the limit sustains.
        "sustained rate": `${((at.length - limit) / Math.max(span, 0.001)).toFixed(1)} /s`,
        "busiest window": busiestWindow(at, intervalMs),
        failed: Object.entries(failed)
          .map(([tag, n]) => `${tag} ${n}`)
          .join(", ")
      }
    })
  )

export const runReplicasBench = (): Promise<void> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        console.log(`redis-server of its own on ${redis.url}; ${CALLS} sequential calls per row`)
        const limiter = yield* perCallLimiter(redis.url)
        const dedupe = yield* perCallDedupe(redis.url)
        console.table({
          "getChat, no rateLimit": {
            p50: ms(limiter.none.p50),
            p99: ms(limiter.none.p99),
            failed: limiter.none.failed
          },
          "getChat, rateLimit in memory": {
            p50: ms(limiter.local.p50),
            p99: ms(limiter.local.p99),
            failed: limiter.local.failed
          },
          "getChat, rateLimit shared (Redis)": {
            p50: ms(limiter.shared.p50),
            p99: ms(limiter.shared.p99),
            failed: limiter.shared.failed
          },
          "webhook receive, dedupe in memory": {
            p50: ms(dedupe.local.p50),
            p99: ms(dedupe.local.p99),
            failed: dedupe.local.failed
          },
          "webhook receive, dedupe shared (Redis)": {
            p50: ms(dedupe.shared.p50),
            p99: ms(dedupe.shared.p99),
            failed: dedupe.shared.failed
          }
        })
        console.log(
          `overhead per call (median, target < 0.2 ms): shared limiter ${ms(limiter.shared.p50 - limiter.local.p50)}, shared dedupe ${ms(dedupe.shared.p50 - dedupe.local.p50)}`
        )
        const rows = []
        for (const algorithm of ["sliding", "fixed-window", "token-bucket"] as const)
          for (const processes of [2, 4]) rows.push(yield* together(redis.url, algorithm, processes))
        console.table(rows)
      })
    )
  )

if (import.meta.url === `file://${process.argv[1]}`) {
  runReplicasBench().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
