/**
 * LinqWebhooks: duplicates taken once within the window, bounded memory under
 * a flood of ids, subscribe-before-send, 503 when an event cannot be taken in,
 * layerConfig; and the statuses of both handlers over real loopback HTTP
 * (NodeHttpServer for the effect/http handler, node:http for the plain one).
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeCrypto, NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import {
  Cause,
  ConfigProvider,
  Context,
  Deferred,
  Effect,
  Exit,
  Fiber,
  Layer,
  Redacted,
  Scope,
  Stream
} from "effect"
import { HttpRouter } from "effect/http"
import { TestClock } from "effect/testing"
import { LinqWebhooks, type LinqWebhooksOptions } from "../src/index.js"
import {
  atNow,
  body,
  bothHeaders,
  legacyHeaders,
  NOW_SECONDS,
  OTHER_SECRET,
  participantEvent,
  SECRET,
  standardHeaders
} from "./testkit.js"

const delivery = (id: string, options: { readonly timestamp?: number; readonly type?: string } = {}) => {
  const raw = body(participantEvent({ id, ...(options.type === undefined ? {} : { type: options.type }) }))
  return { body: raw, headers: bothHeaders(raw, { id: `msg_${id}`, ...options }) }
}

const withWebhooks = (options: Partial<LinqWebhooksOptions> = {}) =>
  Effect.provide(LinqWebhooks.layer({ secret: SECRET, ...options }))

describe("taking events in", () => {
  it.effect("an event delivered three times (and once more by the legacy set only) is published once", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      const events = yield* webhooks.subscribe
      const one = delivery("e-1")
      const receipts = [
        yield* webhooks.receive(one),
        yield* webhooks.receive(one),
        yield* webhooks.receive({
          body: one.body,
          headers: { ...standardHeaders(one.body, { id: "msg_retry" }) }
        }),
        yield* webhooks.receive({ body: one.body, headers: legacyHeaders(one.body) })
      ]
      expect(receipts.map((r) => r.status)).toEqual(["accepted", "duplicate", "duplicate", "duplicate"])
      yield* webhooks.receive(delivery("e-2"))
      const seen = yield* Stream.runCollect(Stream.take(events, 2))
      expect(Array.from(seen).map((e) => e.eventId)).toEqual(["e-1", "e-2"])
    }).pipe(withWebhooks(), atNow)
  )

  it.effect("the duplicate window outlives Linq's 25 minutes of retries (default 30), then forgets", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      expect((yield* webhooks.receive(delivery("late"))).status).toBe("accepted")
      yield* TestClock.adjust("25 minutes")
      // A retry 25 minutes later, signed then: still a duplicate.
      const retry = delivery("late", { timestamp: NOW_SECONDS + 25 * 60 })
      expect((yield* webhooks.receive(retry)).status).toBe("duplicate")
      yield* TestClock.adjust("5 minutes")
      const after = delivery("late", { timestamp: NOW_SECONDS + 30 * 60 })
      expect((yield* webhooks.receive(after)).status).toBe("accepted")
    }).pipe(withWebhooks(), atNow)
  )

  it.effect("refused deliveries are not remembered: a bad signature, then the genuine one, is accepted", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      const genuine = delivery("e-3")
      const forged = {
        body: genuine.body,
        headers: standardHeaders(genuine.body, { secrets: [OTHER_SECRET] })
      }
      const error = yield* Effect.flip(webhooks.receive(forged))
      expect(error._tag).toBe("InvalidWebhookSignature")
      expect((yield* webhooks.receive(genuine)).status).toBe("accepted")
      expect(yield* webhooks.remembered).toBe(1)
    }).pipe(withWebhooks(), atNow)
  )

  it.effect(
    "a flood of 20,000 distinct ids keeps at most dedupeCapacity ids; the latest are still caught",
    () =>
      Effect.gen(function* () {
        const webhooks = yield* LinqWebhooks
        let peak = 0
        for (let i = 0; i < 20_000; i++) {
          const raw = `{"event_type":"flood","event_id":"id-${i}","data":{}}`
          yield* webhooks.receive({ body: raw, headers: standardHeaders(raw, { id: `m${i}` }) })
          if (i % 500 === 0) peak = Math.max(peak, yield* webhooks.remembered)
        }
        peak = Math.max(peak, yield* webhooks.remembered)
        expect(peak).toBe(1_000)
        const last = `{"event_type":"flood","event_id":"id-19999","data":{}}`
        expect((yield* webhooks.receive({ body: last, headers: standardHeaders(last) })).status).toBe(
          "duplicate"
        )
        // The oldest went first.
        const first = `{"event_type":"flood","event_id":"id-0","data":{}}`
        expect((yield* webhooks.receive({ body: first, headers: standardHeaders(first) })).status).toBe(
          "accepted"
        )
      }).pipe(withWebhooks({ dedupeCapacity: 1_000 }), atNow, Effect.provide(NodeCrypto.layerMac)),
    60_000
  )

  it.effect("subscribe before sending: an event that arrives before the reader pulls is not lost", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      // Published before anyone subscribed: gone (events is live, not a log).
      yield* webhooks.receive(delivery("before"))
      const events = yield* webhooks.subscribe
      // The change's event races the 202: it arrives before the reader starts.
      yield* webhooks.receive(delivery("raced"))
      const first = yield* Stream.runHead(events)
      expect(first._tag === "Some" && first.value.eventId).toBe("raced")
    }).pipe(Effect.scoped, withWebhooks(), atNow)
  )

  it.effect(
    "a subscriber whose buffer stays full makes the delivery WebhookUnavailable; the retry is then taken",
    () =>
      Effect.gen(function* () {
        const webhooks = yield* LinqWebhooks
        const events = yield* webhooks.subscribe
        yield* webhooks.receive(delivery("fills"))
        const waiting = yield* Effect.forkChild(Effect.flip(webhooks.receive(delivery("waits"))))
        yield* Effect.yieldNow
        yield* TestClock.adjust("999 millis")
        expect(waiting.pollUnsafe()).toBeUndefined()
        yield* TestClock.adjust("1 millis")
        const error = yield* Fiber.join(waiting)
        expect(error).toMatchObject({ _tag: "WebhookUnavailable", eventId: "waits" })
        expect(yield* webhooks.remembered).toBe(1)
        // The reader catches up; Linq's retry of the same event is accepted.
        const read = yield* Effect.forkChild(Stream.runCollect(Stream.take(events, 2)))
        const retry = delivery("waits", { timestamp: NOW_SECONDS + 1 })
        const retried = yield* Effect.forkChild(webhooks.receive(retry))
        yield* Effect.yieldNow
        // Less than takeInTimeout: the reader makes room in time.
        yield* TestClock.adjust("500 millis")
        expect((yield* Fiber.join(retried)).status).toBe("accepted")
        const seen = yield* Fiber.join(read)
        expect(Array.from(seen).map((e) => e.eventId)).toEqual(["fills", "waits"])
      }).pipe(
        Effect.scoped,
        withWebhooks({ bufferSize: 1, takeInTimeout: "1 second" }),
        atNow,
        // A synchronous HMAC, so that each forked delivery reaches its wait before the clock moves.
        Effect.provide(NodeCrypto.layerMac)
      )
  )

  it.effect("events ends when the layer closes; a later delivery is WebhookUnavailable", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(LinqWebhooks.layer({ secret: SECRET }), scope)
      const webhooks = Context.get(context, LinqWebhooks)
      const events = yield* Scope.provide(webhooks.subscribe, scope)
      const first = yield* Deferred.make<void>()
      const reader = yield* Effect.forkChild(
        Stream.runCollect(Stream.tap(events, () => Deferred.succeed(first, undefined)))
      )
      yield* webhooks.receive(delivery("e-9"))
      yield* Deferred.await(first)
      yield* Scope.close(scope, Exit.void)
      const seen = yield* Fiber.join(reader)
      expect(Array.from(seen).map((e) => e.eventId)).toEqual(["e-9"])
      const error = yield* Effect.flip(webhooks.receive(delivery("e-10")))
      expect(error._tag).toBe("WebhookUnavailable")
    }).pipe(atNow)
  )
})

describe("layerConfig", () => {
  const withEnv = (env: Record<string, string>) =>
    Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))

  it.effect("reads LINQ_WEBHOOK_SECRET (several, space- or comma-separated, for a rotation)", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      const raw = body()
      const signedByOther = { body: raw, headers: standardHeaders(raw, { secrets: [OTHER_SECRET] }) }
      expect((yield* webhooks.receive(signedByOther)).status).toBe("accepted")
    }).pipe(
      Effect.provide(LinqWebhooks.layerConfig()),
      withEnv({ LINQ_WEBHOOK_SECRET: `${SECRET}, ${OTHER_SECRET}` }),
      atNow
    )
  )

  it.effect("a missing or malformed secret is a ConfigError naming the variable, never its value", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.exit(
        Effect.provide(Effect.service(LinqWebhooks), LinqWebhooks.layerConfig()).pipe(withEnv({}))
      )
      expect(Exit.isFailure(missing)).toBe(true)
      expect(Cause.pretty((missing as Exit.Failure<unknown, unknown>).cause)).toContain("LINQ_WEBHOOK_SECRET")
      const malformed = yield* Effect.exit(
        Effect.provide(Effect.service(LinqWebhooks), LinqWebhooks.layerConfig()).pipe(
          withEnv({ LINQ_WEBHOOK_SECRET: "whsec_n0t-b@se64-s3cr3t" })
        )
      )
      expect(Exit.isFailure(malformed)).toBe(true)
      const text = Cause.pretty((malformed as Exit.Failure<unknown, unknown>).cause)
      expect(text).toContain("LINQ_WEBHOOK_SECRET")
      expect(text).toContain("ConfigError")
      expect(text).not.toContain("s3cr3t")
    })
  )

  it.effect("a Redacted secret given as an option works as well", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      expect((yield* webhooks.receive(delivery("r-1"))).status).toBe("accepted")
    }).pipe(Effect.provide(LinqWebhooks.layerConfig({ secret: Redacted.make(SECRET) })), withEnv({}), atNow)
  )
})

// ---------------------------------------------------------------------------
// Over loopback HTTP (live clock: deliveries are signed now)
// ---------------------------------------------------------------------------

const nowSeconds = () => Math.floor(Date.now() / 1000)

const post = (url: string, raw: string, headers: Record<string, string>, method = "POST") =>
  Effect.promise(async () => {
    const response = await fetch(url, { method, body: method === "GET" ? null : raw, headers })
    return { status: response.status, text: await response.text() }
  })

/** Each status the handlers answer, with the delivery that earns it. */
const statusCases = (url: string) =>
  Effect.gen(function* () {
    const t = nowSeconds()
    const fresh = (id: string) => delivery(id, { timestamp: t })
    const accepted = fresh("h-1")
    const statuses: Record<string, number> = {}
    statuses.accepted = (yield* post(url, accepted.body, accepted.headers)).status
    statuses.duplicate = (yield* post(url, accepted.body, accepted.headers)).status
    const reserialized = JSON.stringify(JSON.parse(fresh("h-2").body))
    const badSignature = yield* post(url, reserialized, fresh("h-2").headers)
    statuses.badSignature = badSignature.status
    expect(JSON.parse(badSignature.text)).toEqual({
      error: "InvalidWebhookSignature",
      reason: "NoMatchingSignature"
    })
    statuses.missingHeaders = (yield* post(url, accepted.body, { "content-type": "application/json" })).status
    const stale = delivery("h-3", { timestamp: t - 3600 })
    statuses.stale = (yield* post(url, stale.body, stale.headers)).status
    const notAnEvent = body(participantEvent({ id: "h-4", data: 42 }))
    statuses.malformed = (yield* post(url, notAnEvent, bothHeaders(notAnEvent, { timestamp: t }))).status
    const unknown = fresh("h-5")
    const unknownBody = body(participantEvent({ id: "h-5", type: "message.received", data: { text: "hi" } }))
    statuses.unknownType = (yield* post(url, unknownBody, bothHeaders(unknownBody, { timestamp: t }))).status
    void unknown
    const legacyOnly = body(participantEvent({ id: "h-6" }))
    statuses.legacyOnly = (yield* post(url, legacyOnly, legacyHeaders(legacyOnly, { timestamp: t }))).status
    const large = `{"event_type":"x","event_id":"big","data":"${"a".repeat(2048)}"}`
    statuses.tooLarge = (yield* post(url, large, bothHeaders(large, { timestamp: t }))).status
    return statuses
  })

const expectedStatuses = {
  accepted: 204,
  duplicate: 204,
  badSignature: 401,
  missingHeaders: 401,
  stale: 401,
  malformed: 400,
  unknownType: 204,
  legacyOnly: 204,
  tooLarge: 413
}

const loopbackOptions = {
  secret: SECRET,
  maxBodySize: 1024,
  bufferSize: 1,
  takeInTimeout: "200 millis"
} as const

describe("the effect/http handler over loopback (NodeHttpServer)", () => {
  it.live("answers 204 / 401 / 400 / 413 as Linq expects, mounted on a route", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      const events = yield* webhooks.subscribe
      const server = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
      const app = yield* HttpRouter.toHttpEffect(HttpRouter.add("POST", "/webhooks/linq", webhooks.handler))
      yield* server.serve(app)
      const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
      const url = `http://127.0.0.1:${port}/webhooks/linq`
      const reading = yield* Effect.forkChild(Stream.runCollect(Stream.take(events, 3)))
      const statuses = yield* statusCases(url)
      expect(statuses).toEqual(expectedStatuses)
      const seen = yield* Fiber.join(reading)
      expect(Array.from(seen).map((e) => [e._tag, e.eventId])).toEqual([
        ["ParticipantAdded", "h-1"],
        ["UnknownWebhookEvent", "h-5"],
        ["ParticipantAdded", "h-6"]
      ])
    }).pipe(Effect.scoped, withWebhooks(loopbackOptions))
  )

  it.live("answers 503 when the event cannot be taken in (a subscriber that does not read)", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      yield* webhooks.subscribe
      const server = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
      yield* server.serve(webhooks.handler)
      const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
      const url = `http://127.0.0.1:${port}/`
      const t = nowSeconds()
      const first = delivery("f-1", { timestamp: t })
      const second = delivery("f-2", { timestamp: t })
      expect((yield* post(url, first.body, first.headers)).status).toBe(204)
      const full = yield* post(url, second.body, second.headers)
      expect(full.status).toBe(503)
      expect(JSON.parse(full.text)).toEqual({ error: "WebhookUnavailable" })
    }).pipe(Effect.scoped, withWebhooks(loopbackOptions))
  )
})

describe("the node:http handler over loopback", () => {
  const listen = (handler: Parameters<typeof createServer>[1]) =>
    Effect.acquireRelease(
      Effect.promise(
        () =>
          new Promise<Server>((resolve) => {
            const server = createServer(handler)
            server.listen(0, "127.0.0.1", () => resolve(server))
          })
      ),
      (server) =>
        Effect.promise(
          () =>
            new Promise<void>((resolve) => {
              server.closeAllConnections()
              server.close(() => resolve())
            })
        )
    )

  it.live("verifies the raw bytes and answers the same statuses; 405 to GET; 503 when full", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      const events = yield* webhooks.subscribe
      const server = yield* listen(webhooks.nodeHandler)
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/any/path`
      const reading = yield* Effect.forkChild(Stream.runCollect(Stream.take(events, 3)))
      expect(yield* statusCases(url)).toEqual(expectedStatuses)
      const seen = yield* Fiber.join(reading)
      expect(Array.from(seen).map((e) => e.eventId)).toEqual(["h-1", "h-5", "h-6"])
      expect((yield* post(url, "", {}, "GET")).status).toBe(405)
      // Nobody reads `events` now: the first fills the buffer, the second waits 200 ms, then 503.
      const t = nowSeconds()
      const a = delivery("n-1", { timestamp: t })
      const b = delivery("n-2", { timestamp: t })
      expect((yield* post(url, a.body, a.headers)).status).toBe(204)
      expect((yield* post(url, b.body, b.headers)).status).toBe(503)
    }).pipe(Effect.scoped, withWebhooks(loopbackOptions))
  )

  it.live("a body in many chunks is verified as sent", () =>
    Effect.gen(function* () {
      const webhooks = yield* LinqWebhooks
      const server = yield* listen(webhooks.nodeHandler)
      const port = (server.address() as AddressInfo).port
      const one = delivery("chunks", { timestamp: nowSeconds() })
      const status = yield* Effect.promise(async () => {
        const { request } = await import("node:http")
        return new Promise<number>((resolve, reject) => {
          const req = request(
            { host: "127.0.0.1", port, method: "POST", path: "/", headers: one.headers },
            (res) => {
              res.resume()
              resolve(res.statusCode ?? 0)
            }
          )
          req.on("error", reject)
          const bytes = Buffer.from(one.body)
          for (let i = 0; i < bytes.length; i += 7) req.write(bytes.subarray(i, i + 7))
          req.end()
        })
      })
      expect(status).toBe(204)
    }).pipe(Effect.scoped, withWebhooks())
  )
})
