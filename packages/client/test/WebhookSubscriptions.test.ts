/**
 * The webhook subscription operations against FakeLinq: ensure creates once
 * (the secret shown then only) and finds afterwards, whatever `?version=`
 * the caller wrote; the version is pinned; list and delete; bad input sends
 * nothing; a subscription made through the API is where FakeLinq's webhooks
 * go, signed with its secret.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { LinqWebhooks, type WebhookEvent } from "@linq-effect/webhooks"
import { Deferred, Effect, Layer, Option, Redacted } from "effect"
import {
  addParticipant,
  deleteWebhookSubscription,
  ensureWebhookSubscription,
  listWebhookSubscriptions
} from "../src/index.js"

const TestLinq = LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 }))
)
const URL_ = "https://hooks.example.com/linq"
const PINNED = `${URL_}?version=2026-02-03`

const routes = Effect.map(
  Effect.flatMap(FakeLinq, (fake) => fake.journal),
  (entries) => entries.map((e) => e.route)
)

describe("ensureWebhookSubscription", () => {
  it.effect("creates the subscription once, with the version pinned; the secret only then", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const first = yield* ensureWebhookSubscription({ targetUrl: URL_ })
      expect(first.created).toBe(true)
      expect(first.subscription.target_url).toBe(PINNED)
      expect(first.subscription.subscribed_events).toEqual(["participant.added", "participant.removed"])
      const [stored] = yield* fake.webhooks.subscriptions
      expect(Option.map(first.signingSecret, Redacted.value)).toEqual(Option.some(stored?.signing_secret))
      expect(String(Option.getOrThrow(first.signingSecret))).toBe("<redacted>")
      const [list, create] = yield* fake.journal
      expect([list?.route, create?.route]).toEqual(["listWebhookSubscriptions", "createWebhookSubscription"])
      expect(create?.json).toEqual({
        target_url: PINNED,
        subscribed_events: ["participant.added", "participant.removed"]
      })

      // found afterwards, whatever version the caller wrote: no create, no update, no secret
      yield* fake.clearJournal
      const again = yield* ensureWebhookSubscription({ targetUrl: `${URL_}?version=2025-01-01` })
      expect(again).toEqual({
        subscription: first.subscription,
        created: false,
        signingSecret: Option.none()
      })
      expect(yield* routes).toEqual(["listWebhookSubscriptions"])
      expect(yield* fake.webhooks.subscriptions).toHaveLength(1)
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("a found subscription missing an event is updated, its own events kept", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const made = yield* ensureWebhookSubscription({ targetUrl: URL_, events: ["message.received"] })
      yield* fake.clearJournal
      const found = yield* ensureWebhookSubscription({ targetUrl: URL_ })
      expect(found.created).toBe(false)
      expect(found.subscription.id).toBe(made.subscription.id)
      expect(found.subscription.subscribed_events).toEqual([
        "message.received",
        "participant.added",
        "participant.removed"
      ])
      const [, update] = yield* fake.journal
      expect(update?.route).toBe("updateWebhookSubscription")
      expect(update?.path).toBe(`/api/partner/v3/webhook-subscriptions/${made.subscription.id}`)
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("bad input: a typed error, nothing sent", () =>
    Effect.gen(function* () {
      const cases = [
        [{ targetUrl: "http://hooks.example.com/linq" }, "targetUrl"],
        [{ targetUrl: "not a url" }, "targetUrl"],
        [{ targetUrl: "https://user:pw@hooks.example.com/" }, "targetUrl"],
        [{ targetUrl: URL_, events: [] }, "events"],
        [{ targetUrl: URL_, events: ["Participant Added"] }, "events"],
        [{ targetUrl: URL_, events: ["participant"] }, "events"]
      ] as const
      for (const [input, field] of cases) {
        const error = yield* Effect.flip(ensureWebhookSubscription(input))
        expect(error).toMatchObject({ _tag: "InvalidWebhookSubscription", field })
      }
      const error = yield* Effect.flip(deleteWebhookSubscription(""))
      expect(error).toMatchObject({ _tag: "InvalidWebhookSubscription", field: "id" })
      const option = yield* Effect.flip(ensureWebhookSubscription({ targetUrl: URL_ }, { maxRetries: -1 }))
      expect(option).toMatchObject({ _tag: "InvalidOption", option: "maxRetries" })
      expect(yield* routes).toEqual([])
    }).pipe(Effect.provide(TestLinq))
  )
})

describe("listWebhookSubscriptions and deleteWebhookSubscription", () => {
  it.effect("lists, deletes, and an unknown id is WebhookSubscriptionNotFound", () =>
    Effect.gen(function* () {
      expect(yield* listWebhookSubscriptions()).toEqual([])
      const { subscription } = yield* ensureWebhookSubscription({ targetUrl: URL_ })
      const other = yield* ensureWebhookSubscription({ targetUrl: "https://other.example.com/hooks" })
      expect((yield* listWebhookSubscriptions()).map((s) => s.id)).toEqual([
        subscription.id,
        other.subscription.id
      ])
      yield* deleteWebhookSubscription(subscription.id)
      expect((yield* listWebhookSubscriptions()).map((s) => s.id)).toEqual([other.subscription.id])
      const error = yield* Effect.flip(deleteWebhookSubscription(subscription.id))
      expect(error).toMatchObject({
        _tag: "WebhookSubscriptionNotFound",
        subscriptionId: subscription.id,
        status: 404
      })
      const journal = yield* Effect.flatMap(FakeLinq, (fake) => fake.journal)
      expect(journal.filter((e) => e.route === "deleteWebhookSubscription").map((e) => e.outcome)).toEqual([
        { _tag: "Responded", status: 204 },
        { _tag: "Responded", status: 404 }
      ])
    }).pipe(Effect.provide(TestLinq))
  )
})

describe("a subscription made through the API is where FakeLinq's webhooks go", () => {
  it.effect("signed with the secret ensure returned; only its events", () =>
    Effect.gen(function* () {
      const receiver = yield* Deferred.make<LinqWebhooks.Service>()
      const events: Array<WebhookEvent> = []
      yield* Effect.gen(function* () {
        const fake = yield* FakeLinq
        const { subscription, signingSecret } = yield* ensureWebhookSubscription({
          targetUrl: URL_,
          events: ["participant.added"]
        })
        const webhooks = yield* LinqWebhooks.make({ secret: Option.getOrThrow(signingSecret) })
        yield* Deferred.succeed(receiver, {
          ...webhooks,
          receive: (request) =>
            webhooks.receive(request).pipe(Effect.tap((r) => Effect.sync(() => events.push(r.event))))
        })
        yield* addParticipant(FakeLinq.chats.iMessageGroup, { handle: FakeLinq.handles.newcomer })
        yield* fake.webhooks.awaitDeliveries
        const [delivery, ...more] = yield* fake.webhooks.deliveries
        expect(more).toEqual([])
        expect(delivery?.subscriptionId).toBe(subscription.id)
        expect(delivery?.attempts[0]?.headers["x-webhook-subscription-id"]).toBe(subscription.id)
        expect(delivery?.outcome).toEqual({ _tag: "Delivered", status: 204 })
        expect(delivery?.payload.webhook_version).toBe("2026-02-03") // pinned on the subscription's URL
        expect(events.map((e) => e._tag)).toEqual(["ParticipantAdded"])
      }).pipe(
        Effect.provide(
          LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
            Layer.provideMerge(
              FakeLinq.layer(FakeLinq.defaultSeed, {
                queueDelay: 0,
                webhooks: { target: Deferred.await(receiver) }
              })
            )
          )
        )
      )
    })
  )
})
