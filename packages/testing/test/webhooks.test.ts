/**
 * FakeLinq's webhooks: a queued add or remove, once applied, is delivered as
 * a signed `participant.*` event to a `LinqWebhooks` receiver (in-process,
 * or over loopback HTTP), with the delivery faults Linq has: duplicates,
 * reordering, drops, retries on its schedule, a skewed clock.
 */
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { LinqWebhooks, verifyWebhook, type WebhookEvent, WebhookUnavailable } from "@linq-effect/webhooks"
import { describe, expect, it } from "@effect/vitest"
import { type Duration, Effect, Layer, Option, Stream } from "effect"
import { HttpRouter } from "effect/http"
import { TestClock } from "effect/testing"
import { FakeLinq, type FakeWebhookOptions } from "../src/index.js"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
/** 2026-02-03T10:00:00Z */
const NOW = 1_770_112_800_000
const C = FakeLinq.chats
const H = FakeLinq.handles
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/**
 * A `LinqWebhooks` receiver that records what its `receive` said
 * (`accepted`, `duplicate`, or the error's tag) and answers 503 to its first
 * `unavailable` calls after taking the event in (as a server whose reply was
 * lost would).
 */
const receiver = (options: { readonly unavailable?: number; readonly secret?: string } = {}) =>
  Effect.gen(function* () {
    const webhooks = yield* LinqWebhooks.make({ secret: options.secret ?? SECRET })
    const receipts: Array<string> = []
    const events: Array<WebhookEvent> = []
    let calls = 0
    const service: LinqWebhooks.Service = {
      ...webhooks,
      receive: (request) =>
        webhooks.receive(request).pipe(
          Effect.tap((receipt) =>
            Effect.sync(() => {
              receipts.push(receipt.status)
              if (receipt.status === "accepted") events.push(receipt.event)
            })
          ),
          Effect.tapError((error) => Effect.sync(() => receipts.push(error._tag))),
          Effect.flatMap((receipt) =>
            calls++ < (options.unavailable ?? 0)
              ? Effect.fail(new WebhookUnavailable({ eventId: receipt.event.eventId, description: "lost" }))
              : Effect.succeed(receipt)
          )
        )
    }
    return { service, receipts, events }
  })

/** The SDK against a FakeLinq that sends webhooks, on TestClock at {@link NOW}. */
const withFake = <A, E>(
  webhooks: FakeWebhookOptions,
  program: Effect.Effect<A, E, FakeLinq | LinqHttpClient>,
  queueDelay: Duration.Input = 0
) =>
  Effect.andThen(
    TestClock.setTime(NOW),
    program.pipe(
      Effect.provide(
        LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
          Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay, webhooks }))
        )
      )
    )
  )

const statuses = (delivery: { readonly attempts: ReadonlyArray<{ readonly result: unknown }> }) =>
  delivery.attempts.map((a) => {
    const result = a.result as { _tag: string; status?: number }
    return result._tag === "Answered" ? result.status : result._tag
  })

describe("FakeLinq delivers webhooks in-process (LinqWebhooks.receive)", () => {
  it.effect("participant.added once the queue applies the add, signed with both header sets", () =>
    Effect.gen(function* () {
      const { service, events } = yield* receiver()
      yield* withFake(
        { target: service, secret: SECRET },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* fake.webhooks.awaitDeliveries
          expect(yield* fake.webhooks.deliveries).toEqual([]) // queued: nothing applied, nothing sent
          yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
          yield* fake.webhooks.awaitDeliveries
          const [delivery, ...more] = yield* fake.webhooks.deliveries
          expect(more).toEqual([])
          expect(delivery?.outcome).toEqual({ _tag: "Delivered", status: 204 })
          expect(delivery?.target).toBe("service")
          const payload = JSON.parse(delivery?.body ?? "")
          expect(payload).toEqual({
            api_version: "v3",
            webhook_version: "2026-02-03",
            event_type: "participant.added",
            event_id: expect.stringMatching(UUID),
            created_at: "2026-02-03T10:00:01.000Z",
            data: {
              handle: H.newcomer,
              chat_id: C.iMessageGroup,
              participant: expect.objectContaining({
                handle: H.newcomer,
                status: "active",
                service: "iMessage"
              }),
              added_at: "2026-02-03T10:00:01.000Z"
            },
            trace_id: expect.stringMatching(/^trace_/),
            partner_id: "partner_fake"
          })
          // the participant entry is the one the chat now shows
          const chat = yield* fake.chat(C.iMessageGroup)
          expect(chat.handles.map((h) => h.id)).toContain(payload.data.participant.id)

          // each header set verifies on its own
          const headers = delivery?.attempts[0]?.headers ?? {}
          expect(headers["webhook-id"]).toBe(payload.event_id)
          expect(headers["x-webhook-event"]).toBe("participant.added")
          expect(headers["x-webhook-subscription-id"]).toBe("sub_fake")
          const pick = (names: ReadonlyArray<string>) =>
            Object.fromEntries(names.map((n) => [n, headers[n] ?? ""]))
          const body = delivery?.body ?? ""
          const standard = yield* verifyWebhook(
            { body, headers: pick(["webhook-id", "webhook-timestamp", "webhook-signature"]) },
            { secret: SECRET }
          )
          const legacy = yield* verifyWebhook(
            { body, headers: pick(["x-webhook-timestamp", "x-webhook-signature"]) },
            { secret: SECRET }
          )
          expect(standard).toEqual(legacy)
          expect(events).toEqual([standard])
          expect(standard).toMatchObject({
            _tag: "ParticipantAdded",
            chatId: C.iMessageGroup,
            handle: H.newcomer
          })
        }),
        "1 second"
      )
    })
  )

  it.effect("participant.removed carries the removed entry and removed_at", () =>
    Effect.gen(function* () {
      const { service, events } = yield* receiver()
      yield* withFake(
        { target: service, secret: SECRET },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* removeParticipant(C.iMessageGroup, { handle: H.bob })
          yield* fake.webhooks.awaitDeliveries
          const [delivery] = yield* fake.webhooks.deliveries
          expect(delivery?.payload.event_type).toBe("participant.removed")
          expect(delivery?.payload.data).toMatchObject({
            handle: H.bob,
            removed_at: "2026-02-03T10:00:00.000Z",
            participant: { handle: H.bob, status: "removed", left_at: "2026-02-03T10:00:00.000Z" }
          })
          expect(events.map((e) => [e._tag, e._tag === "UnknownWebhookEvent" ? "" : e.handle])).toEqual([
            ["ParticipantRemoved", H.bob]
          ])
        })
      )
    })
  )

  it.effect("duplicates: every copy answered 204, the receiver takes the event once", () =>
    Effect.gen(function* () {
      const { service, receipts, events } = yield* receiver()
      yield* withFake(
        { target: service, secret: SECRET, duplicates: 2 },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* fake.webhooks.awaitDeliveries
          const deliveries = yield* fake.webhooks.deliveries
          expect(deliveries.map((d) => [d.copy, d.outcome])).toEqual([
            [0, { _tag: "Delivered", status: 204 }],
            [1, { _tag: "Delivered", status: 204 }],
            [2, { _tag: "Delivered", status: 204 }]
          ])
          expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1)
          expect(new Set(deliveries.map((d) => d.body)).size).toBe(1)
          expect(receipts).toEqual(["accepted", "duplicate", "duplicate"])
          expect(events).toHaveLength(1)
        })
      )
    })
  )

  it.effect("reorder: a group of two arrives newest first; a partial group after maxWait", () =>
    Effect.gen(function* () {
      const { service, events } = yield* receiver()
      yield* withFake(
        { target: service, secret: SECRET, reorder: { size: 2, maxWait: "3 seconds" } },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* addParticipant(C.iMessageGroup, { handle: H.iMessageCapable })
          yield* fake.webhooks.awaitDeliveries
          const handles = () => events.map((e) => (e._tag === "UnknownWebhookEvent" ? "" : e.handle))
          expect(handles()).toEqual([H.iMessageCapable, H.newcomer])

          yield* removeParticipant(C.iMessageGroup, { handle: H.bob })
          yield* TestClock.adjust("2 seconds")
          expect(handles()).toHaveLength(2) // held
          yield* TestClock.adjust("1 second")
          yield* fake.webhooks.awaitDeliveries
          expect(handles()).toEqual([H.iMessageCapable, H.newcomer, H.bob])
        })
      )
    })
  )

  it.effect("drop: by count, and by predicate; a dropped event is recorded, never sent", () =>
    Effect.gen(function* () {
      const first = yield* receiver()
      yield* withFake(
        { target: first.service, secret: SECRET, drop: 1 },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* addParticipant(C.iMessageGroup, { handle: H.iMessageCapable })
          yield* fake.webhooks.awaitDeliveries
          expect((yield* fake.webhooks.deliveries).map((d) => d.outcome._tag)).toEqual([
            "Dropped",
            "Delivered"
          ])
          expect(first.events.map((e) => (e._tag === "ParticipantAdded" ? e.handle : ""))).toEqual([
            H.iMessageCapable
          ])
        })
      )
      const second = yield* receiver()
      yield* withFake(
        {
          target: second.service,
          secret: SECRET,
          drop: (event) => event.event_type === "participant.removed"
        },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* removeParticipant(C.iMessageGroup, { handle: H.bob })
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* fake.webhooks.awaitDeliveries
          expect(second.events.map((e) => e._tag)).toEqual(["ParticipantAdded"])
          expect(second.receipts).toEqual(["accepted"])
        })
      )
    })
  )

  it.effect(
    "a 503 is retried on Linq's schedule with the same event, until accepted; the receiver dedupes",
    () =>
      Effect.gen(function* () {
        const { service, receipts, events } = yield* receiver({ unavailable: 2 })
        yield* withFake(
          { target: service, secret: SECRET },
          Effect.gen(function* () {
            const fake = yield* FakeLinq
            yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
            yield* TestClock.adjust("4 seconds")
            expect(statuses((yield* fake.webhooks.deliveries)[0]!)).toEqual([503])
            yield* TestClock.adjust("1 second")
            yield* TestClock.adjust("10 seconds")
            yield* fake.webhooks.awaitDeliveries
            const [delivery, ...more] = yield* fake.webhooks.deliveries
            expect(more).toEqual([])
            expect(statuses(delivery!)).toEqual([503, 503, 204])
            expect(delivery?.outcome).toEqual({ _tag: "Delivered", status: 204 })
            // 5 s, then 10 s later (on the Clock); each attempt signed at its own time, same webhook-id
            expect(delivery?.attempts.map((a) => a.at - NOW)).toEqual([0, 5000, 15000])
            expect(delivery?.attempts.map((a) => a.timestamp * 1000 - NOW)).toEqual([0, 5000, 15000])
            expect(new Set(delivery?.attempts.map((a) => a.headers["webhook-id"])).size).toBe(1)
            expect(receipts).toEqual(["accepted", "duplicate", "duplicate"])
            expect(events).toHaveLength(1)
          })
        )
      })
  )

  it.effect("retries run out (GaveUp), `retry: false` sends once, a compressed schedule is scaled", () =>
    Effect.gen(function* () {
      const { service } = yield* receiver({ unavailable: Number.POSITIVE_INFINITY })
      yield* withFake(
        { target: service, secret: SECRET, retry: { scale: 0.001 } },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* TestClock.adjust("2 seconds") // Linq's 1,515 s, scaled by 0.001
          yield* fake.webhooks.awaitDeliveries
          const [delivery] = yield* fake.webhooks.deliveries
          expect(statuses(delivery!)).toEqual(Array.from({ length: 11 }, () => 503))
          expect((delivery?.attempts.at(-1)?.at ?? 0) - NOW).toBe(1515)
          expect(delivery?.outcome).toEqual({ _tag: "GaveUp" })
        })
      )
      yield* withFake(
        { target: service, secret: SECRET, retry: false },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* fake.webhooks.awaitDeliveries
          const [delivery] = yield* fake.webhooks.deliveries
          expect(statuses(delivery!)).toEqual([503])
          expect(delivery?.outcome).toEqual({ _tag: "GaveUp" })
        })
      )
    })
  )

  it.effect(
    "clock skew: beyond the receiver's tolerance refused as stale (401, not retried); within, accepted",
    () =>
      Effect.gen(function* () {
        const behind = yield* receiver()
        yield* withFake(
          { target: behind.service, secret: SECRET, clockSkew: "-6 minutes" },
          Effect.gen(function* () {
            const fake = yield* FakeLinq
            yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
            yield* TestClock.adjust("1 hour")
            yield* fake.webhooks.awaitDeliveries
            const [delivery] = yield* fake.webhooks.deliveries
            expect(delivery?.attempts.map((a) => a.timestamp)).toEqual([(NOW - 360_000) / 1000])
            expect(delivery?.outcome).toEqual({ _tag: "Refused", status: 401 })
            expect(behind.receipts).toEqual(["StaleWebhook"])
          })
        )
        const ahead = yield* receiver()
        yield* withFake(
          { target: ahead.service, secret: SECRET, clockSkew: "4 minutes" },
          Effect.gen(function* () {
            const fake = yield* FakeLinq
            yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
            yield* fake.webhooks.awaitDeliveries
            expect((yield* fake.webhooks.deliveries)[0]?.outcome).toEqual({ _tag: "Delivered", status: 204 })
          })
        )
      })
  )

  it.effect("a wrong secret is refused 401 and not retried", () =>
    Effect.gen(function* () {
      const { service, receipts } = yield* receiver({
        secret: "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkhIQ=="
      })
      yield* withFake(
        { target: service, secret: SECRET },
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
          yield* TestClock.adjust("1 hour")
          yield* fake.webhooks.awaitDeliveries
          expect((yield* fake.webhooks.deliveries).map(statuses)).toEqual([[401]])
          expect(receipts).toEqual(["InvalidWebhookSignature"])
        })
      )
    })
  )

  it.effect("without the webhooks option nothing is sent", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
      yield* fake.webhooks.awaitDeliveries
      expect(yield* fake.webhooks.deliveries).toEqual([])
    }).pipe(
      Effect.provide(
        LinqHttpClient.layer({ apiKey: "test" }).pipe(
          Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 }))
        )
      )
    )
  )
})

describe("FakeLinq delivers webhooks over loopback HTTP", () => {
  /** A LinqWebhooks handler on a NodeHttpServer; its URL. */
  const serveReceiver = (webhooks: LinqWebhooks.Service) =>
    Effect.gen(function* () {
      const server = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
      yield* server.serve(
        yield* HttpRouter.toHttpEffect(HttpRouter.add("POST", "/webhooks/linq", webhooks.handler))
      )
      const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
      return `http://127.0.0.1:${port}/webhooks/linq`
    })

  it.live("POSTs the signed event to a LinqWebhooks handler, which verifies and streams it", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks.make({ secret: SECRET })
      const url = yield* serveReceiver(webhooks)
      const events = yield* webhooks.subscribe
      yield* Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
        yield* fake.webhooks.awaitDeliveries
        const [delivery] = yield* fake.webhooks.deliveries
        expect(delivery?.target).toBe(`${url}?version=2025-01-01`)
        expect(delivery?.outcome).toEqual({ _tag: "Delivered", status: 204 })
        expect(delivery?.payload.webhook_version).toBe("2025-01-01") // the target's pin wins
        const event = yield* Stream.runHead(events)
        expect(Option.getOrThrow(event)).toMatchObject({
          _tag: "ParticipantAdded",
          eventId: delivery?.eventId,
          handle: H.newcomer,
          webhookVersion: "2025-01-01"
        })
      }).pipe(
        Effect.provide(
          LinqHttpClient.layer({ apiKey: "test" }).pipe(
            Layer.provideMerge(
              FakeLinq.layer(FakeLinq.defaultSeed, {
                queueDelay: 0,
                webhooks: { target: `${url}?version=2025-01-01`, secret: SECRET, duplicates: 1 }
              })
            )
          )
        )
      )
    }).pipe(Effect.scoped)
  )

  it.live("a connection error is retried, then given up", () =>
    Effect.gen(function* () {
      // a port that was free a moment ago: nothing listens there
      const url = yield* Effect.scoped(serveReceiver(yield* LinqWebhooks.make({ secret: SECRET })))
      yield* Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* addParticipant(C.iMessageGroup, { handle: H.newcomer })
        yield* fake.webhooks.awaitDeliveries
        const [delivery] = yield* fake.webhooks.deliveries
        expect(statuses(delivery!)).toEqual(["Failed", "Failed", "Failed"])
        expect(delivery?.outcome).toEqual({ _tag: "GaveUp" })
      }).pipe(
        Effect.provide(
          LinqHttpClient.layer({ apiKey: "test" }).pipe(
            Layer.provideMerge(
              FakeLinq.layer(FakeLinq.defaultSeed, {
                queueDelay: 0,
                webhooks: { target: url, secret: SECRET, retry: { delays: ["10 millis", "10 millis"] } }
              })
            )
          )
        )
      )
    })
  )
})
