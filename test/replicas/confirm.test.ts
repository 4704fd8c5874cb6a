/**
 * Confirmation across replicas: replica A adds a participant and awaits it
 * (`awaitMembership` with a `LinqWebhooks` in context); Linq's
 * `participant.added` webhook lands on replica B. With `LinqShared`, B's
 * event reaches A over Redis pub/sub, and A confirms from it without reading
 * the chat (the read comes only near the deadline, 2 s before it).
 */
import { FakeLinq } from "@linq-effect/testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { SECRET } from "../../packages/webhooks/test/testkit.js"
import * as RedisServer from "./redisServer.js"
import type { ConfirmResult } from "./replica.js"
import { runReplicas } from "./replicas.js"
import { signedAdded } from "./webhook.js"

const chatId = FakeLinq.chats.iMessageGroup
const handle = FakeLinq.handles.newcomer

/** Linq's webhook for the add, as it sends it, signed now. */
const added = (id: string) => signedAdded(id, chatId, handle)

describe("LinqShared: confirmation across replicas", () => {
  it.live(
    "an add awaited on replica A is confirmed by the webhook replica B received, with no chat read",
    () =>
      Effect.gen(function* () {
        const redis = yield* RedisServer.start
        const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
        const results = yield* runReplicas<ConfirmResult | { events: ReadonlyArray<string> }>(
          [
            {
              kind: "confirm",
              redisUrl: redis.url,
              secret: SECRET,
              baseUrl: fake.baseUrl,
              chatId,
              handle,
              timeoutMs: 15_000
            },
            { kind: "webhooks", redisUrl: redis.url, secret: SECRET, untilEvents: 1 }
          ],
          {
            afterGo: (ready) =>
              Effect.gen(function* () {
                // Once A's add has reached Linq, its webhook goes to B.
                while (!(yield* fake.journal).some((e) => e.route === "add")) yield* Effect.sleep("20 millis")
                yield* Effect.sleep("100 millis")
                const d = added("0b8f7a4e-5d1c-4f0e-9a3b-00000000c0f1")
                const status = yield* Effect.promise(() =>
                  fetch(`http://127.0.0.1:${ready[1]!.port}/`, {
                    method: "POST",
                    body: d.text,
                    headers: d.headers
                  }).then((r) => r.status)
                )
                expect(status).toBe(204)
              })
          }
        )
        expect(results[0]).toEqual({ confirmed: true, events: 1, read: false })
        // B took the event in (its own subscriber), once.
        expect(results[1]).toEqual({ events: ["0b8f7a4e-5d1c-4f0e-9a3b-00000000c0f1"] })
        expect((yield* fake.journal).filter((e) => e.route === "getChat")).toHaveLength(0)
      }).pipe(Effect.scoped),
    60_000
  )
})
