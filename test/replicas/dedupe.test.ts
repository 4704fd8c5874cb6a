/**
 * The duplicate window shared by replicas: two real processes, each a
 * `LinqWebhooks.nodeHandler` on its own port with `LinqShared.layerRedis`,
 * get the same signed delivery (Linq's retry landing on the other replica,
 * or both at once); every event reaches exactly one replica's subscriber.
 * With Redis dead, a delivery is refused with 503 (Linq retries it), never
 * taken in twice; the retry after Redis is back is taken in once.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { LinqShared } from "@linq-effect/http"
import { LinqWebhooks } from "@linq-effect/webhooks"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Stream } from "effect"
import { body, participantEvent, SECRET, standardHeaders } from "../../packages/webhooks/test/testkit.js"
import * as RedisServer from "./redisServer.js"
import type { WebhooksResult } from "./replica.js"
import { runReplicas } from "./replicas.js"

/** A signed delivery of event `id`, as Linq sends it (signed now: the replicas verify on live time). */
const delivery = (id: string) => {
  const text = body(participantEvent({ id }))
  return {
    text,
    headers: standardHeaders(text, { id: `msg_${id}`, timestamp: Math.floor(Date.now() / 1000) })
  }
}

const post = (port: number, d: { readonly text: string; readonly headers: Record<string, string> }) =>
  Effect.promise(() =>
    fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: d.text, headers: d.headers }).then(
      (r) => r.status
    )
  )

const ids = [
  "0b8f7a4e-5d1c-4f0e-9a3b-000000000001",
  "0b8f7a4e-5d1c-4f0e-9a3b-000000000002",
  "0b8f7a4e-5d1c-4f0e-9a3b-000000000003"
]

describe("LinqShared: the duplicate window across replicas", () => {
  it.live(
    "a delivery and its retries, spread over two processes, reach one subscriber once",
    () =>
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        const statuses: Array<number> = []
        const results = yield* runReplicas<WebhooksResult>(
          [0, 1].map(() => ({ kind: "webhooks" as const, redisUrl: redis.url, secret: SECRET })),
          {
            beforeGo: (ready) =>
              Effect.gen(function* () {
                const [a, b] = ready.map((r) => r.port!)
                // 1: to both at once. 2: to A, then its retry to B. 3: to B, then twice to A.
                statuses.push(
                  ...(yield* Effect.all([post(a!, delivery(ids[0]!)), post(b!, delivery(ids[0]!))], {
                    concurrency: 2
                  }))
                )
                statuses.push(yield* post(a!, delivery(ids[1]!)), yield* post(b!, delivery(ids[1]!)))
                statuses.push(
                  yield* post(b!, delivery(ids[2]!)),
                  yield* post(a!, delivery(ids[2]!)),
                  yield* post(a!, delivery(ids[2]!))
                )
              })
          }
        )
        expect(statuses).toEqual([204, 204, 204, 204, 204, 204, 204])
        const received = results.flatMap((r) => r.events)
        expect([...received].sort()).toEqual([...ids].sort())
        // The second and third went to the replica that got them first.
        expect(results[0]!.events).toContain(ids[1])
        expect(results[1]!.events).toContain(ids[2])
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "Redis dead or frozen: 503 (Linq retries), nothing taken in; the retry once Redis is back is taken in once",
    () =>
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        const context = yield* Layer.build(
          LinqWebhooks.layer({ secret: SECRET }).pipe(
            Layer.provideMerge(
              LinqShared.layerRedis({ url: redis.url, prefix: "dead:", retryInterval: "100 millis" })
            )
          )
        )
        const service = Context.get(context, LinqWebhooks)
        const store = Context.get(context, LinqShared)
        const received: Array<string> = []
        yield* Effect.forkScoped(
          Stream.runForEach(yield* service.subscribe, (e) => Effect.sync(() => received.push(e.eventId)))
        )
        const server = createServer(service.nodeHandler)
        yield* Effect.acquireRelease(
          Effect.callback<void>((resume) => {
            server.listen(0, "127.0.0.1", () => resume(Effect.void))
          }),
          () => Effect.sync(() => server.close())
        )
        const port = (server.address() as AddressInfo).port
        const d = delivery(ids[0]!)
        yield* redis.stop
        expect(yield* post(port, d)).toBe(503)
        expect(yield* post(port, d)).toBe(503)
        yield* redis.restart
        while (!(yield* store.available)) yield* Effect.sleep("20 millis")
        // Skipped for retryInterval after the failures; Linq's next retry comes much later.
        yield* Effect.sleep("150 millis")
        expect(yield* post(port, d)).toBe(204)
        expect(yield* post(port, d)).toBe(204)
        yield* Effect.sleep("50 millis")
        expect(received).toEqual([ids[0]])
        // Frozen: refused within commandTimeout; the SET that timed out runs when Redis wakes and is
        // taken back right behind it, so Linq's retry is taken in (not answered as a duplicate).
        const late = delivery(ids[1]!)
        yield* redis.freeze
        expect(yield* post(port, late)).toBe(503)
        yield* redis.thaw
        // Past retryInterval, the store is tried again.
        yield* Effect.sleep("150 millis")
        expect(yield* post(port, late)).toBe(204)
        yield* Effect.sleep("50 millis")
        expect(received).toEqual([ids[0], ids[1]])
      }).pipe(Effect.scoped)
  )
})
