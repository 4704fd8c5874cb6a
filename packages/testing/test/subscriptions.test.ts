/**
 * FakeLinq's webhook subscription routes, over its in-process HttpClient:
 * the 201 with `signing_secret` (and no other answer with it), the https
 * check, one subscription per `target_url`, read/update/delete and their
 * 404s, and the event list.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { FakeLinq, Fault } from "../src/index.js"
import { envelope, send } from "./helpers.js"

const TARGET = "https://hooks.example.com/linq?version=2026-02-03"
const create = (body: unknown) => send("POST", "/v3/webhook-subscriptions", { json: body })

describe("webhook subscription routes", () => {
  it.effect(
    "POST answers 201 with signing_secret, shown there only; GET, PUT, DELETE answer from the state",
    () =>
      Effect.gen(function* () {
        const created = yield* create({ target_url: TARGET, subscribed_events: ["participant.added"] })
        expect(created.status).toBe(201)
        const body = created.json as Record<string, unknown>
        expect(body).toMatchObject({
          target_url: TARGET,
          subscribed_events: ["participant.added"],
          is_active: true,
          signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/)
        })
        const id = String(body.id)
        const { signing_secret: _, ...shown } = body
        const list = yield* send("GET", "/v3/webhook-subscriptions")
        expect(list.json).toEqual({ subscriptions: [shown] })
        const one = yield* send("GET", `/v3/webhook-subscriptions/${id}`)
        expect(one.json).not.toHaveProperty("signing_secret")
        const updated = yield* send("PUT", `/v3/webhook-subscriptions/${id}`, {
          json: { subscribed_events: ["participant.added", "participant.removed"], is_active: false }
        })
        expect(updated.status).toBe(200)
        expect(updated.json).toMatchObject({
          subscribed_events: ["participant.added", "participant.removed"],
          is_active: false
        })
        expect(updated.json).not.toHaveProperty("signing_secret")
        expect((yield* send("DELETE", `/v3/webhook-subscriptions/${id}`)).status).toBe(204)
        for (const method of ["GET", "PUT", "DELETE"] as const) {
          const gone = yield* send(
            method,
            `/v3/webhook-subscriptions/${id}`,
            method === "PUT" ? { json: {} } : {}
          )
          expect([gone.status, gone.json]).toEqual([
            404,
            envelope(404, undefined, "Webhook subscription not found")
          ])
        }
        const fake = yield* FakeLinq
        expect((yield* fake.journal).map((e) => e.route)).toEqual([
          "createWebhookSubscription",
          "listWebhookSubscriptions",
          "getWebhookSubscription",
          "updateWebhookSubscription",
          "deleteWebhookSubscription",
          "getWebhookSubscription",
          "updateWebhookSubscription",
          "deleteWebhookSubscription"
        ])
      }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect(
    "refuses a non-https target, unknown events, a missing field; one subscription per target_url",
    () =>
      Effect.gen(function* () {
        const refusals = [
          [{ target_url: "http://hooks.example.com/", subscribed_events: ["participant.added"] }, 1005],
          [{ target_url: TARGET, subscribed_events: ["participant.exploded"] }, 1005],
          [{ target_url: TARGET, subscribed_events: [] }, 1001],
          [{ subscribed_events: ["participant.added"] }, 1001]
        ] as const
        for (const [body, code] of refusals) {
          const answer = yield* create(body)
          expect([answer.status, (answer.json as { error: { code: number } }).error.code]).toEqual([
            400,
            code
          ])
        }
        expect((yield* create({ target_url: TARGET, subscribed_events: ["participant.added"] })).status).toBe(
          201
        )
        const twice = yield* create({ target_url: TARGET, subscribed_events: ["message.received"] })
        expect(twice.status).toBe(409)
        const fake = yield* FakeLinq
        expect(yield* fake.webhooks.subscriptions).toHaveLength(1)
      }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("GET /v3/webhook-events lists the event types; faults apply to the subscription routes", () =>
    Effect.gen(function* () {
      const events = yield* send("GET", "/v3/webhook-events")
      expect((events.json as { events: Array<string> }).events).toEqual(
        expect.arrayContaining(["participant.added", "participant.removed", "message.received"])
      )
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503), { route: "webhookSubscriptions" })
      expect((yield* send("GET", "/v3/chats/x")).status).toBe(404) // not a subscription route: no fault
      expect((yield* send("GET", "/v3/webhook-subscriptions")).status).toBe(503)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )
})
