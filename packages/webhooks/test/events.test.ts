/**
 * The WebhookEvent Schema: participant events with core's types, the handle
 * fallback, unknown types never failing, and encoding back to the wire.
 */
import { ChatHandle } from "@linq-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Schema } from "effect"
import { ParticipantAdded, ParticipantRemoved, UnknownWebhookEvent, WebhookEvent } from "../src/index.js"
import { CHAT, HANDLE, participantEvent } from "./testkit.js"

const decode = Schema.decodeUnknownEffect(WebhookEvent)

describe("WebhookEvent", () => {
  it.effect("participant.added: ids, handle, participant, the change time and the envelope", () =>
    Effect.gen(function* () {
      const event = yield* decode(participantEvent())
      expect(event).toBeInstanceOf(ParticipantAdded)
      if (event._tag !== "ParticipantAdded") throw new Error("narrowing")
      expect(event.chatId).toBe(CHAT)
      expect(event.handle).toBe(HANDLE)
      expect(DateTime.formatIso(event.at)).toBe("2026-02-03T09:59:58.000Z")
      expect(DateTime.formatIso(event.createdAt)).toBe("2026-02-03T10:00:00.000Z")
      expect(event.webhookVersion).toBe("2026-02-03")
      expect(event.traceId).toBe("trace-abc")
      expect(event.partnerId).toBe("partner-1")
      expect(event.participant?.status).toBe("active")
      expect(Schema.is(ChatHandle)(event.participant)).toBe(true)
    })
  )

  it.effect("participant.removed uses removed_at", () =>
    Effect.gen(function* () {
      const event = yield* decode(
        participantEvent({
          type: "participant.removed",
          data: { handle: "user@example.com", chat_id: CHAT, removed_at: "2026-02-03T09:00:00Z" }
        })
      )
      expect(event).toBeInstanceOf(ParticipantRemoved)
      if (event._tag !== "ParticipantRemoved") throw new Error("narrowing")
      expect(event.handle).toBe("user@example.com")
      expect(DateTime.formatIso(event.at)).toBe("2026-02-03T09:00:00.000Z")
      expect(event.participant).toBeUndefined()
    })
  )

  it.effect("the handle comes from participant.handle first, else the deprecated data.handle", () =>
    Effect.gen(function* () {
      const both = yield* decode(
        participantEvent({
          data: {
            handle: "+19998887777",
            chat_id: CHAT,
            participant: { id: "h", handle: HANDLE, service: "SMS", joined_at: "2026-02-03T09:59:58Z" }
          }
        })
      )
      expect(both._tag === "ParticipantAdded" && both.handle).toBe(HANDLE)
      const deprecatedOnly = yield* decode(
        participantEvent({ data: { handle: "+19998887777", chat_id: CHAT } })
      )
      expect(deprecatedOnly._tag === "ParticipantAdded" && deprecatedOnly.handle).toBe("+19998887777")
      const participantOnly = yield* decode(
        participantEvent({
          data: {
            chat_id: CHAT,
            participant: { id: "h", handle: HANDLE, service: "RCS", joined_at: "2026-02-03T09:59:58Z" }
          }
        })
      )
      expect(participantOnly._tag === "ParticipantAdded" && participantOnly.handle).toBe(HANDLE)
    })
  )

  it.effect("without added_at, the change time is the envelope's created_at", () =>
    Effect.gen(function* () {
      const event = yield* decode(participantEvent({ data: { handle: HANDLE, chat_id: CHAT } }))
      expect(event._tag === "ParticipantAdded" && DateTime.formatIso(event.at)).toBe(
        "2026-02-03T10:00:00.000Z"
      )
    })
  )

  it.effect(
    "a participant event that is not the documented shape fails (data 42, no chat_id, no handle, bad handle)",
    () =>
      Effect.gen(function* () {
        for (const data of [
          42,
          { handle: HANDLE },
          { chat_id: CHAT },
          { handle: "not a handle", chat_id: CHAT },
          { handle: HANDLE, chat_id: "a/b" },
          { handle: HANDLE, chat_id: CHAT, participant: { handle: HANDLE } }
        ]) {
          const result = yield* Effect.result(decode(participantEvent({ data })))
          expect(result._tag, JSON.stringify(data)).toBe("Failure")
        }
        // The envelope's required fields.
        const { trace_id: _, ...noTrace } = participantEvent()
        expect((yield* Effect.result(decode(noTrace)))._tag).toBe("Failure")
      })
  )

  it.effect("any other event_type is an UnknownWebhookEvent with its data, never a failure", () =>
    Effect.gen(function* () {
      for (const type of [
        "message.received",
        "chat.group_name_update_failed",
        "participant.promoted",
        "x.y.z"
      ]) {
        const event = yield* decode(participantEvent({ type, data: { anything: [1, 2, 3] } }))
        expect(event).toBeInstanceOf(UnknownWebhookEvent)
        expect(event).toMatchObject({ eventType: type, data: { anything: [1, 2, 3] }, traceId: "trace-abc" })
      }
      const bare = yield* decode({ event_type: "brand.new", event_id: "e-1", data: 42, trace_id: 7 })
      expect(bare).toMatchObject({ _tag: "UnknownWebhookEvent", eventId: "e-1", data: 42 })
      expect(bare).not.toHaveProperty("traceId")
    })
  )

  it.effect("events encode back to Linq's wire shape, and that decodes to the same event", () =>
    Effect.gen(function* () {
      for (const wire of [
        participantEvent(),
        participantEvent({
          type: "participant.removed",
          data: { handle: HANDLE, chat_id: CHAT, removed_at: "2026-02-03T09:00:00.000Z" }
        }),
        participantEvent({ type: "message.sent", data: { id: "m1" } })
      ]) {
        const event = yield* decode(wire)
        const encoded = yield* Schema.encodeEffect(WebhookEvent)(event)
        expect(encoded).toMatchObject({ event_type: wire.event_type, event_id: wire.event_id })
        expect(yield* decode(encoded)).toEqual(event)
      }
    })
  )
})
