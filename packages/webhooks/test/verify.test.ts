/**
 * verifyWebhook: both signature schemes over the raw bytes, rotation, the
 * tolerance both ways on TestClock, every typed refusal, and the secret kept
 * out of errors and logs. Deliveries are signed with node:crypto
 * (testkit.ts), independently of the code under test.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, Redacted, References } from "effect"
import { NodeCrypto } from "@effect/platform-node"
import { TestClock } from "effect/testing"
import {
  InvalidWebhookSignature,
  MalformedWebhook,
  makeVerifier,
  signWebhook,
  StaleWebhook,
  verifyWebhook
} from "../src/index.js"
import {
  atNow,
  body,
  bothHeaders,
  CHAT,
  HANDLE,
  legacyHeaders,
  NOW_SECONDS,
  OTHER_SECRET,
  participantEvent,
  SECRET,
  standardHeaders
} from "./testkit.js"

const options = { secret: SECRET }

const refusal = <E>(effect: Effect.Effect<unknown, E>) => Effect.flip(effect)

describe("Standard Webhooks", () => {
  it.effect("the specification's test vector verifies (secret, id, timestamp, payload)", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1614265330 * 1000)
      const payload = '{"test": 2432232314}'
      const headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
      }
      // Verifies, then is not an event (no event_type): the signature part passed.
      const error = yield* refusal(verifyWebhook({ body: payload, headers }, options))
      expect(error._tag).toBe("MalformedWebhook")
      const tampered = { ...headers, "webhook-signature": "v1,h0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" }
      const bad = yield* refusal(verifyWebhook({ body: payload, headers: tampered }, options))
      expect(bad).toMatchObject({
        _tag: "InvalidWebhookSignature",
        reason: "NoMatchingSignature",
        scheme: "standard"
      })
    })
  )

  it.effect("a participant.added signed with both header sets decodes to ParticipantAdded", () =>
    Effect.gen(function* () {
      const raw = body()
      const event = yield* verifyWebhook({ body: raw, headers: bothHeaders(raw) }, options)
      expect(event).toMatchObject({
        _tag: "ParticipantAdded",
        chatId: CHAT,
        handle: HANDLE,
        eventId: "0b8f7a4e-5d1c-4f0e-9a3b-2c6d8e1f4a70",
        webhookVersion: "2026-02-03",
        traceId: "trace-abc"
      })
    }).pipe(atNow)
  )

  it.effect("the raw bytes verify as a Uint8Array too, and through a web Headers", () =>
    Effect.gen(function* () {
      const raw = new TextEncoder().encode(body())
      const event = yield* verifyWebhook({ body: raw, headers: new Headers(standardHeaders(raw)) }, options)
      expect(event._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("header names are matched without regard to case; repeated values (node's ', ' join) work", () =>
    Effect.gen(function* () {
      const raw = body()
      const signed = standardHeaders(raw, { secrets: [OTHER_SECRET, SECRET] })
      const [first, second] = (signed["webhook-signature"] as string).split(" ")
      const headers = {
        "Webhook-Id": signed["webhook-id"],
        "WEBHOOK-TIMESTAMP": signed["webhook-timestamp"],
        "webhook-signature": [first as string, second as string]
      }
      expect((yield* verifyWebhook({ body: raw, headers }, options))._tag).toBe("ParticipantAdded")
      const joined = { ...headers, "webhook-signature": `${first}, ${second}` }
      expect((yield* verifyWebhook({ body: raw, headers: joined }, options))._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("a re-serialized body is refused (NoMatchingSignature), the raw one accepted", () =>
    Effect.gen(function* () {
      const raw = body()
      const headers = bothHeaders(raw)
      const reserialized = JSON.stringify(JSON.parse(raw))
      expect(reserialized).not.toBe(raw)
      const error = yield* refusal(verifyWebhook({ body: reserialized, headers }, options))
      expect(error).toBeInstanceOf(InvalidWebhookSignature)
      expect(error).toMatchObject({ reason: "NoMatchingSignature", scheme: "standard" })
      expect((yield* verifyWebhook({ body: raw, headers }, options))._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("one changed byte, a changed id or a changed timestamp fails the signature", () =>
    Effect.gen(function* () {
      const raw = body()
      const headers = standardHeaders(raw)
      const cases = [
        { body: raw.replace("+12223334444", "+12223334445"), headers },
        { body: raw, headers: { ...headers, "webhook-id": "msg_other" } },
        { body: raw, headers: { ...headers, "webhook-timestamp": String(NOW_SECONDS + 1) } }
      ]
      for (const request of cases) {
        const error = yield* refusal(verifyWebhook(request, options))
        expect(error).toMatchObject({ _tag: "InvalidWebhookSignature", reason: "NoMatchingSignature" })
      }
    }).pipe(atNow)
  )

  it.effect(
    "with the standard headers present, a valid legacy pair does not rescue a bad standard signature",
    () =>
      Effect.gen(function* () {
        const raw = body()
        const headers = { ...standardHeaders(raw, { secrets: [OTHER_SECRET] }), ...legacyHeaders(raw) }
        const error = yield* refusal(verifyWebhook({ body: raw, headers }, options))
        expect(error).toMatchObject({ reason: "NoMatchingSignature", scheme: "standard" })
      }).pipe(atNow)
  )

  it.effect(
    "an incomplete standard set is MissingHeaders naming what is missing (no fallback to legacy)",
    () =>
      Effect.gen(function* () {
        const raw = body()
        const { "webhook-signature": _, ...partial } = bothHeaders(raw)
        const error = yield* refusal(verifyWebhook({ body: raw, headers: partial }, options))
        expect(error).toMatchObject({ reason: "MissingHeaders", scheme: "standard" })
        expect(error.message).toContain("webhook-signature")
      }).pipe(atNow)
  )

  it.effect("malformed headers: a non-numeric timestamp, no v1 entry, only other versions", () =>
    Effect.gen(function* () {
      const raw = body()
      const headers = standardHeaders(raw)
      const cases = [
        { ...headers, "webhook-timestamp": "2026-02-03T10:00:00Z" },
        { ...headers, "webhook-signature": "garbage" },
        { ...headers, "webhook-signature": "v1a,abc v2,def" },
        { ...headers, "webhook-signature": "v1,!!!not-base64!!!" }
      ]
      for (const h of cases) {
        const error = yield* refusal(verifyWebhook({ body: raw, headers: h }, options))
        expect(error).toMatchObject({
          _tag: "InvalidWebhookSignature",
          reason: "MalformedHeader",
          scheme: "standard"
        })
      }
    }).pipe(atNow)
  )

  it.effect(
    "no headers at all (an empty record, or undefined from JavaScript) is MissingHeaders, never a pass",
    () =>
      Effect.gen(function* () {
        const raw = body()
        for (const headers of [{}, undefined as never, null as never]) {
          const error = yield* refusal(verifyWebhook({ body: raw, headers }, options))
          expect(error).toMatchObject({ _tag: "InvalidWebhookSignature", reason: "MissingHeaders" })
        }
      }).pipe(atNow)
  )
})

describe("legacy X-Webhook-* headers", () => {
  it.effect("a legacy-only delivery (keyed by the secret's text) is accepted", () =>
    Effect.gen(function* () {
      const raw = body()
      const event = yield* verifyWebhook({ body: raw, headers: legacyHeaders(raw) }, options)
      expect(event._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("a legacy-only delivery keyed by the decoded secret bytes is accepted too", () =>
    Effect.gen(function* () {
      const raw = body()
      const event = yield* verifyWebhook(
        { body: raw, headers: legacyHeaders(raw, { key: "bytes" }) },
        options
      )
      expect(event._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("a legacy signature by another secret, or over a re-serialized body, is refused", () =>
    Effect.gen(function* () {
      const raw = body()
      const other = yield* refusal(
        verifyWebhook({ body: raw, headers: legacyHeaders(raw, { secret: OTHER_SECRET }) }, options)
      )
      expect(other).toMatchObject({ reason: "NoMatchingSignature", scheme: "legacy" })
      const reserialized = yield* refusal(
        verifyWebhook({ body: JSON.stringify(JSON.parse(raw)), headers: legacyHeaders(raw) }, options)
      )
      expect(reserialized).toMatchObject({ reason: "NoMatchingSignature", scheme: "legacy" })
    }).pipe(atNow)
  )

  it.effect("a legacy signature that is not hex, or half a pair, is refused by reason", () =>
    Effect.gen(function* () {
      const raw = body()
      const headers = legacyHeaders(raw)
      const notHex = yield* refusal(
        verifyWebhook({ body: raw, headers: { ...headers, "X-Webhook-Signature": "zz" } }, options)
      )
      expect(notHex).toMatchObject({ reason: "MalformedHeader", scheme: "legacy" })
      const half = yield* refusal(
        verifyWebhook(
          { body: raw, headers: { "X-Webhook-Signature": headers["X-Webhook-Signature"] } },
          options
        )
      )
      expect(half).toMatchObject({ reason: "MissingHeaders", scheme: "legacy" })
    }).pipe(atNow)
  )

  it.effect("legacy timestamps obey the tolerance too", () =>
    Effect.gen(function* () {
      const raw = body()
      const error = yield* refusal(
        verifyWebhook({ body: raw, headers: legacyHeaders(raw, { timestamp: NOW_SECONDS - 301 }) }, options)
      )
      expect(error).toMatchObject({ _tag: "StaleWebhook", scheme: "legacy", ageSeconds: 301 })
    }).pipe(atNow)
  )
})

describe("secrets", () => {
  it.effect("rotation: a delivery signed by either of two secrets verifies; by a third, not", () =>
    Effect.gen(function* () {
      const raw = body()
      const both = { secret: [SECRET, Redacted.make(OTHER_SECRET)] }
      for (const secrets of [[SECRET], [OTHER_SECRET], [OTHER_SECRET, SECRET]]) {
        const event = yield* verifyWebhook({ body: raw, headers: standardHeaders(raw, { secrets }) }, both)
        expect(event._tag).toBe("ParticipantAdded")
      }
      const third = "whsec_dGhpcmQgc2VjcmV0IHRoaXJkIHNlY3JldCE="
      const error = yield* refusal(
        verifyWebhook({ body: raw, headers: standardHeaders(raw, { secrets: [third] }) }, both)
      )
      expect(error).toMatchObject({ reason: "NoMatchingSignature" })
      // Legacy keys of every secret are tried too.
      const legacy = yield* verifyWebhook(
        { body: raw, headers: legacyHeaders(raw, { secret: OTHER_SECRET }) },
        both
      )
      expect(legacy._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("a secret without the whsec_ prefix is its base64", () =>
    Effect.gen(function* () {
      const raw = body()
      const event = yield* verifyWebhook(
        { body: raw, headers: standardHeaders(raw) },
        { secret: SECRET.slice("whsec_".length) }
      )
      expect(event._tag).toBe("ParticipantAdded")
    }).pipe(atNow)
  )

  it.effect("a malformed secret is MalformedSecret, and names its position, not its value", () =>
    Effect.gen(function* () {
      const raw = body()
      const secret = "whsec_not base64 at all!"
      const error = yield* refusal(
        verifyWebhook({ body: raw, headers: standardHeaders(raw) }, { secret: [SECRET, secret] })
      )
      expect(error).toMatchObject({ _tag: "InvalidWebhookSignature", reason: "MalformedSecret" })
      expect(error.message).toContain("secret #2")
      expect(JSON.stringify(error)).not.toContain("base64 at all")
      expect(error.message).not.toContain("base64 at all")
      const none = yield* refusal(verifyWebhook({ body: raw, headers: standardHeaders(raw) }, { secret: [] }))
      expect(none).toMatchObject({ reason: "MalformedSecret" })
    }).pipe(atNow)
  )

  it.effect("no error, and no log line of a server, holds the secret or a signature", () =>
    Effect.gen(function* () {
      const raw = body()
      const headers = standardHeaders(raw, { secrets: [OTHER_SECRET] })
      const secretText = SECRET.slice("whsec_".length)
      const errors = yield* Effect.all([
        refusal(verifyWebhook({ body: raw, headers }, { secret: Redacted.make(SECRET) })),
        refusal(verifyWebhook({ body: "{}", headers: standardHeaders("{}") }, { secret: SECRET })),
        refusal(
          verifyWebhook({ body: raw, headers: { ...headers, "webhook-timestamp": "x" } }, { secret: SECRET })
        ),
        refusal(
          verifyWebhook(
            { body: raw, headers: standardHeaders(raw, { timestamp: 1 }) },
            { secret: Redacted.make(SECRET) }
          )
        )
      ])
      for (const error of errors) {
        yield* Effect.logError("refused", error, error.message)
        for (const text of [error.message, JSON.stringify(error), String(error)]) {
          expect(text).not.toContain(secretText)
          expect(text).not.toContain((headers["webhook-signature"] as string).slice(3))
        }
      }
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) expect(line).not.toContain(secretText)
      // A Redacted secret shows as <redacted> wherever it is printed.
      expect(String(Redacted.make(SECRET))).not.toContain(secretText)
    }).pipe(atNow, Effect.provide(Logger.layer([capture])))
  )
})

/** Every log line's message and annotations, as JSON. */
const lines: Array<string> = []
const capture = Logger.make(({ message, fiber }) => {
  lines.push(JSON.stringify({ message, annotations: fiber.getRef(References.CurrentLogAnnotations) }))
})

describe("tolerance (TestClock)", () => {
  it.effect("the default is 5 minutes either way: 300 s old or ahead passes, 301 s fails", () =>
    Effect.gen(function* () {
      const raw = body()
      for (const offset of [-300, 0, 300]) {
        const headers = standardHeaders(raw, { timestamp: NOW_SECONDS + offset })
        expect((yield* verifyWebhook({ body: raw, headers }, options))._tag).toBe("ParticipantAdded")
      }
      const old = yield* refusal(
        verifyWebhook({ body: raw, headers: standardHeaders(raw, { timestamp: NOW_SECONDS - 301 }) }, options)
      )
      expect(old).toBeInstanceOf(StaleWebhook)
      expect(old).toMatchObject({ ageSeconds: 301, toleranceSeconds: 300, timestamp: NOW_SECONDS - 301 })
      expect(old.message).toContain("301 s old")
      const ahead = yield* refusal(
        verifyWebhook({ body: raw, headers: standardHeaders(raw, { timestamp: NOW_SECONDS + 301 }) }, options)
      )
      expect(ahead).toMatchObject({ _tag: "StaleWebhook", ageSeconds: -301 })
      expect(ahead.message).toContain("in the future")
    }).pipe(atNow)
  )

  it.effect("the clock is Effect's: moving TestClock makes a fresh delivery stale", () =>
    Effect.gen(function* () {
      const raw = body()
      const verifier = yield* makeVerifier(options)
      const headers = standardHeaders(raw)
      expect((yield* verifier.verify({ body: raw, headers }))._tag).toBe("ParticipantAdded")
      yield* TestClock.adjust("5 minutes")
      expect((yield* verifier.verify({ body: raw, headers }))._tag).toBe("ParticipantAdded")
      yield* TestClock.adjust("1001 millis")
      const error = yield* refusal(verifier.verify({ body: raw, headers }))
      expect(error._tag).toBe("StaleWebhook")
    }).pipe(atNow)
  )

  it.effect("a custom tolerance applies both ways", () =>
    Effect.gen(function* () {
      const raw = body()
      const narrow = { secret: SECRET, tolerance: "10 seconds" } as const
      const ok = standardHeaders(raw, { timestamp: NOW_SECONDS - 10 })
      expect((yield* verifyWebhook({ body: raw, headers: ok }, narrow))._tag).toBe("ParticipantAdded")
      for (const offset of [-11, 11]) {
        const headers = standardHeaders(raw, { timestamp: NOW_SECONDS + offset })
        expect((yield* refusal(verifyWebhook({ body: raw, headers }, narrow)))._tag).toBe("StaleWebhook")
      }
    }).pipe(atNow)
  )

  it.effect("a forged delivery with a stale timestamp is a bad signature, not stale (signature first)", () =>
    Effect.gen(function* () {
      const raw = body()
      const headers = standardHeaders(raw, { secrets: [OTHER_SECRET], timestamp: NOW_SECONDS - 3600 })
      const error = yield* refusal(verifyWebhook({ body: raw, headers }, options))
      expect(error._tag).toBe("InvalidWebhookSignature")
    }).pipe(atNow)
  )
})

describe("verified, but not an event", () => {
  it.effect("not JSON, not an object, a participant.added with data 42, a bad handle: MalformedWebhook", () =>
    Effect.gen(function* () {
      const bodies = [
        "not json",
        "[1,2]",
        JSON.stringify(participantEvent({ data: 42 })),
        JSON.stringify(participantEvent({ data: { handle: "+1 (222) 333-4444", chat_id: CHAT } })),
        JSON.stringify({ event_type: "participant.added" })
      ]
      for (const raw of bodies) {
        const error = yield* refusal(verifyWebhook({ body: raw, headers: standardHeaders(raw) }, options))
        expect(error).toBeInstanceOf(MalformedWebhook)
      }
      const raw = JSON.stringify(participantEvent({ data: 42 }))
      const error = yield* refusal(verifyWebhook({ body: raw, headers: standardHeaders(raw) }, options))
      expect(error).toMatchObject({
        eventType: "participant.added",
        eventId: "0b8f7a4e-5d1c-4f0e-9a3b-2c6d8e1f4a70"
      })
      expect(error.message).toContain("data")
    }).pipe(atNow)
  )

  it.effect("bytes that are not UTF-8 are MalformedWebhook (after verifying them as bytes)", () =>
    Effect.gen(function* () {
      const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])
      const error = yield* refusal(verifyWebhook({ body: raw, headers: standardHeaders(raw) }, options))
      expect(error).toMatchObject({ _tag: "MalformedWebhook", description: "the body is not UTF-8" })
    }).pipe(atNow)
  )

  it.effect("a bad handle's error does not show the handle", () =>
    Effect.gen(function* () {
      const raw = JSON.stringify(participantEvent({ data: { handle: "+1 (303) 555-0100", chat_id: CHAT } }))
      const error = yield* refusal(verifyWebhook({ body: raw, headers: standardHeaders(raw) }, options))
      expect(error.message).not.toContain("555")
    }).pipe(atNow)
  )
})

describe("signWebhook and other Macs", () => {
  it.effect("signWebhook's headers match node:crypto's, for both schemes", () =>
    Effect.gen(function* () {
      const raw = body()
      const signed = yield* signWebhook(raw, { secret: SECRET, id: "msg_2mQbVbI2kmGZ1wHcsH6qV3z8Zt1" })
      const oracle = { ...standardHeaders(raw), ...legacyHeaders(raw) }
      expect(signed["webhook-signature"]).toBe(oracle["webhook-signature"])
      expect(signed["x-webhook-signature"]).toBe(oracle["X-Webhook-Signature"])
      expect(signed["webhook-timestamp"]).toBe(String(NOW_SECONDS))
    }).pipe(atNow)
  )

  it.effect("a Mac from context (NodeCrypto.layerMac) gives the same answers", () =>
    Effect.gen(function* () {
      const raw = body()
      expect((yield* verifyWebhook({ body: raw, headers: bothHeaders(raw) }, options))._tag).toBe(
        "ParticipantAdded"
      )
      const error = yield* refusal(verifyWebhook({ body: `${raw} `, headers: bothHeaders(raw) }, options))
      expect(error).toMatchObject({ reason: "NoMatchingSignature" })
      const legacy = yield* verifyWebhook({ body: raw, headers: legacyHeaders(raw) }, options)
      expect(legacy._tag).toBe("ParticipantAdded")
    }).pipe(atNow, Effect.provide(NodeCrypto.layerMac))
  )
})
