import { addEqualityTesters, describe, expect, it } from "@effect/vitest"
import { DateTime, Duration, Result, Schema } from "effect"
import * as fc from "fast-check"
import {
  ApiError,
  Chat,
  ChatHandle,
  isKnownChatHandleStatus,
  isKnownService,
  UnknownValue,
  ChatId,
  ChatNotFound,
  ConnectionError,
  CrossServiceAddition,
  EmailAddress,
  ErrorEnvelope,
  GroupChatRuleViolation,
  Handle,
  InvalidChatId,
  InvalidHandle,
  InvalidRequest,
  LinqApiError,
  LinqTransportError,
  NotAGroupChat,
  ParticipantAddParams,
  ParticipantAddResponse,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  ParticipantRemoveParams,
  ParticipantRemoveResponse,
  PermissionDenied,
  PhoneNumber,
  RateLimited,
  RequestTimeout,
  ServerError,
  ServiceType,
  TooFewParticipants,
  Unauthorized,
  UnexpectedResponse
} from "../src/index.js"
import { normalize } from "./arbitraries.js"

// DateTime, Duration and the tagged errors compare with Effect's Equal.
addEqualityTesters()

/** What goes over the wire: the encoded value, through JSON text. */
const throughJson = (u: unknown): unknown => JSON.parse(JSON.stringify(u))

/**
 * For every generated `a`: `decode(encode(a))` equals `a`, and encoding the
 * decoded value again gives the same encoded form.
 */
const roundTrips = <A, I>(name: string, schema: Schema.Codec<A, I>) =>
  it.prop(`${name}: decode(encode(a)) equals a`, [schema], ([a]) => {
    const encode = Schema.encodeSync(schema)
    const decode = Schema.decodeUnknownSync(schema)
    const encoded = encode(a)
    const decoded = decode(encoded)
    expect(normalize(decoded)).toStrictEqual(normalize(a))
    expect(normalize(encode(decoded))).toStrictEqual(normalize(encoded))
  })

describe("round trips", () => {
  roundTrips("PhoneNumber", PhoneNumber)
  roundTrips("EmailAddress", EmailAddress)
  roundTrips("Handle", Handle)
  roundTrips("ChatId", ChatId)
  roundTrips("ServiceType", ServiceType)
  roundTrips("ParticipantAddParams", ParticipantAddParams)
  roundTrips("ParticipantRemoveParams", ParticipantRemoveParams)
  roundTrips("ParticipantAddResponse", ParticipantAddResponse)
  roundTrips("ParticipantRemoveResponse", ParticipantRemoveResponse)
  roundTrips("ChatHandle", ChatHandle)
  roundTrips("Chat", Chat)
  roundTrips("ErrorEnvelope", ErrorEnvelope)

  roundTrips("InvalidHandle", InvalidHandle)
  roundTrips("InvalidChatId", InvalidChatId)
  roundTrips("NotAGroupChat", NotAGroupChat)
  roundTrips("CrossServiceAddition", CrossServiceAddition)
  roundTrips("TooFewParticipants", TooFewParticipants)
  roundTrips("ParticipantAlreadyInChat", ParticipantAlreadyInChat)
  roundTrips("ParticipantNotInChat", ParticipantNotInChat)
  roundTrips("Unauthorized", Unauthorized)
  roundTrips("PermissionDenied", PermissionDenied)
  roundTrips("ChatNotFound", ChatNotFound)
  roundTrips("RateLimited", RateLimited)
  roundTrips("InvalidRequest", InvalidRequest)
  roundTrips("ServerError", ServerError)
  roundTrips("ApiError", ApiError)
  roundTrips("ConnectionError", ConnectionError)
  roundTrips("RequestTimeout", RequestTimeout)
  roundTrips("UnexpectedResponse", UnexpectedResponse)
  roundTrips("GroupChatRuleViolation", GroupChatRuleViolation)
  roundTrips("LinqApiError", LinqApiError)
  roundTrips("LinqTransportError", LinqTransportError)

  const wire = <A, I>(name: string, schema: Schema.Codec<A, I>) =>
    it.prop(`${name}: survives the wire (encode, JSON text, decode)`, [schema], ([a]) => {
      const text = JSON.stringify(Schema.encodeSync(schema)(a))
      expect(normalize(Schema.decodeUnknownSync(schema)(JSON.parse(text)))).toStrictEqual(normalize(a))
    })
  wire("ParticipantAddParams", ParticipantAddParams)
  wire("ParticipantRemoveParams", ParticipantRemoveParams)
  wire("ParticipantAddResponse", ParticipantAddResponse)
  wire("ParticipantRemoveResponse", ParticipantRemoveResponse)
  wire("ChatHandle", ChatHandle)
  wire("Chat", Chat)

  it("an equal-looking value with one field changed is not equal (the round trip checks can fail)", () => {
    const a = new TooFewParticipants({ chatId: "c", handle: "+12223334444", participants: 2 })
    const b = new TooFewParticipants({ chatId: "c", handle: "+12223334444", participants: 3 })
    expect(b).not.toStrictEqual(a)
    expect(normalize(b)).not.toStrictEqual(normalize(a))
    expect(normalize(new NotAGroupChat({ chatId: "c" }))).not.toStrictEqual(
      normalize(new ParticipantNotInChat({ chatId: "c", handle: "+12223334444" }))
    )
    expect(normalize({ a: 1 })).not.toStrictEqual(normalize({ a: 1, b: undefined }))
    const t1 = DateTime.makeUnsafe("2024-01-01T00:00:00.000Z")
    const t2 = DateTime.makeUnsafe("2024-01-01T00:00:00.001Z")
    expect(t2).not.toStrictEqual(t1)
  })
})

describe("tagged error schemas", () => {
  it("decode to instances of their class, by _tag, through the unions", () => {
    const violation = Schema.decodeUnknownSync(GroupChatRuleViolation)({
      _tag: "ParticipantNotInChat",
      chatId: "c1",
      handle: "+12223334444"
    })
    expect(violation).toBeInstanceOf(ParticipantNotInChat)
    expect(violation).toStrictEqual(new ParticipantNotInChat({ chatId: "c1", handle: "+12223334444" }))

    const api = Schema.decodeUnknownSync(LinqApiError)({
      _tag: "ChatNotFound",
      status: 404,
      message: "no chat",
      code: 2001
    })
    expect(api).toBeInstanceOf(ChatNotFound)
    expect(api).toMatchObject({ status: 404, message: "no chat", code: 2001 })

    // A Duration crosses the wire through the JSON codec (Effect 4's shape: { _tag, value }).
    const transport = Schema.decodeUnknownSync(Schema.toCodecJson(LinqTransportError))({
      _tag: "RequestTimeout",
      method: "POST",
      url: "https://example.com",
      timeout: { _tag: "Millis", value: 5000 }
    })
    expect(transport).toBeInstanceOf(RequestTimeout)
    expect(transport).toMatchObject({ method: "POST", timeout: Duration.seconds(5) })
  })

  it("encode to their fields and _tag", () => {
    const error = new RateLimited({ status: 429, message: "slow down", retryAfter: Duration.seconds(3) })
    expect(Schema.encodeSync(RateLimited)(error)).toStrictEqual({
      _tag: "RateLimited",
      status: 429,
      message: "slow down",
      retryAfter: Duration.seconds(3)
    })
    expect(Schema.encodeSync(Schema.toCodecJson(RateLimited))(error)).toStrictEqual({
      _tag: "RateLimited",
      status: 429,
      message: "slow down",
      // JSON-safe through the JSON codec, so that the error can cross a process boundary
      retryAfter: { _tag: "Millis", value: 3000 }
    })
    expect(Schema.encodeSync(NotAGroupChat)(new NotAGroupChat({ chatId: "c1" }))).toStrictEqual({
      _tag: "NotAGroupChat",
      chatId: "c1"
    })
  })

  it("refuse a wrong _tag or missing fields", () => {
    expect(
      Result.isFailure(
        Schema.decodeUnknownResult(ChatNotFound)({ _tag: "ServerError", status: 404, message: "x" })
      )
    ).toBe(true)
    expect(
      Result.isFailure(
        Schema.decodeUnknownResult(ParticipantNotInChat)({ _tag: "ParticipantNotInChat", chatId: "c" })
      )
    ).toBe(true)
    expect(Result.isFailure(Schema.decodeUnknownResult(ServiceType)("imessage"))).toBe(true)
    expect(Result.isFailure(Schema.decodeUnknownResult(ServiceType)("WhatsApp"))).toBe(true)
  })
})

describe.each([
  ["ParticipantAddResponse", ParticipantAddResponse, "Participant addition queued"],
  ["ParticipantRemoveResponse", ParticipantRemoveResponse, "Participant removal queued"]
] as const)("%s", (_name, schema, documentedMessage) => {
  const decode = Schema.decodeUnknownResult(schema)

  it("decodes the documented answer", () => {
    const body = { message: documentedMessage, status: "accepted", trace_id: "abc123" }
    expect(decode(body)).toStrictEqual(Result.succeed(body))
  })

  it("has every field optional: {} decodes to {}", () => {
    expect(decode({})).toStrictEqual(Result.succeed({}))
  })

  it("decodes null as absent", () => {
    expect(decode({ message: null, status: null, trace_id: null })).toStrictEqual(Result.succeed({}))
    const partial = Result.getOrThrow(decode({ message: documentedMessage, status: null, trace_id: "t" }))
    expect(partial).toStrictEqual({ message: documentedMessage, trace_id: "t" })
    expect("status" in partial).toBe(false)
  })

  it("ignores unknown fields", () => {
    const json = JSON.parse(
      '{"message":"queued","status":"accepted","trace_id":"t1","chat_id":"c1","extra":{"nested":[1,2]},"success":true}'
    )
    expect(decode(json)).toStrictEqual(
      Result.succeed({ message: "queued", status: "accepted", trace_id: "t1" })
    )
  })

  it.prop(
    "ignores any unknown fields added to a valid answer",
    [schema, Schema.Record(Schema.String, Schema.Json)],
    ([a, extra]) => {
      const encoded = throughJson(Schema.encodeSync(schema)(a)) as Record<string, unknown>
      const withExtra = { ...extra, ...encoded }
      for (const key of ["message", "status", "trace_id"]) {
        if (!(key in encoded)) delete withExtra[key]
      }
      const decoded = decode(withExtra)
      expect(Result.isSuccess(decoded)).toBe(true)
      expect(normalize(Result.getOrThrow(decoded))).toStrictEqual(normalize(a))
    }
  )

  it("refuses a body that is not the documented shape", () => {
    for (const body of [
      null,
      "accepted",
      42,
      [],
      { status: 1 },
      { message: { text: "x" } },
      { trace_id: false }
    ]) {
      expect(Result.isFailure(decode(body))).toBe(true)
    }
  })

  it("encodes absent fields as absent, not null", () => {
    expect(Schema.encodeSync(schema)({})).toStrictEqual({})
    expect(Schema.encodeSync(schema)({ status: "accepted" })).toStrictEqual({ status: "accepted" })
  })
})

describe("ParticipantAddParams / ParticipantRemoveParams", () => {
  it.each([ParticipantAddParams, ParticipantRemoveParams])(
    "is { handle } and validates the handle (%#)",
    (schema) => {
      const decode = Schema.decodeUnknownResult(schema)
      expect(decode({ handle: "+12223334444" })).toStrictEqual(Result.succeed({ handle: "+12223334444" }))
      expect(decode({ handle: "user@example.com", extra: 1 })).toStrictEqual(
        Result.succeed({ handle: "user@example.com" })
      )
      expect(Result.isFailure(decode({ handle: "+1 222 333 4444" }))).toBe(true)
      expect(Result.isFailure(decode({ handle: "" }))).toBe(true)
      expect(Result.isFailure(decode({}))).toBe(true)
      expect(JSON.stringify(Schema.encodeSync(schema)({ handle: "+12223334444" as Handle }))).toBe(
        '{"handle":"+12223334444"}'
      )
    }
  )
})

describe("Chat", () => {
  const documented = {
    id: "550e8400-e29b-41d4-a716-446655440000",
    display_name: null,
    service: "iMessage",
    handles: [
      {
        id: "h1",
        handle: "+12223334444",
        service: "iMessage",
        joined_at: "2024-01-15T10:30:00Z",
        is_me: true,
        left_at: null,
        status: "active",
        unknown_handle_field: "ignored"
      },
      { id: "h2", handle: "user@example.com", service: "SMS", joined_at: "2024-01-15T10:31:00.123Z" }
    ],
    is_group: true,
    is_archived: false,
    created_at: "2024-01-15T10:30:00Z",
    updated_at: "2024-01-16T08:00:00+02:00",
    phone_number: "+15550000000",
    unknown_chat_field: { nested: true }
  }

  it("decodes the documented shape and ignores unknown fields", () => {
    const chat = Schema.decodeUnknownSync(Chat)(documented)
    expect(Object.keys(chat).sort()).toStrictEqual(
      [
        "id",
        "display_name",
        "service",
        "handles",
        "is_group",
        "is_archived",
        "created_at",
        "updated_at"
      ].sort()
    )
    expect(chat.handles).toHaveLength(2)
    expect(Object.keys(chat.handles[0]!).sort()).toStrictEqual(
      ["id", "handle", "service", "joined_at", "is_me", "left_at", "status"].sort()
    )
    expect(chat.handles[0]!.left_at).toBeNull()
    expect(DateTime.toEpochMillis(chat.updated_at)).toBe(Date.parse("2024-01-16T06:00:00Z"))
    expect(chat.handles[1]).toStrictEqual({
      id: "h2",
      handle: "user@example.com",
      service: "SMS",
      joined_at: DateTime.makeUnsafe("2024-01-15T10:31:00.123Z")
    })
  })

  it("allows service to be null or absent", () => {
    expect(Schema.decodeUnknownSync(Chat)({ ...documented, service: null }).service).toBeNull()
    const { service: _, ...withoutService } = documented
    expect("service" in Schema.decodeUnknownSync(Chat)(withoutService)).toBe(false)
  })

  it("refuses a non-string service, a bad date or a handle without its fields", () => {
    const decode = Schema.decodeUnknownResult(Chat)
    expect(Result.isFailure(decode({ ...documented, service: 42 }))).toBe(true)
    expect(
      Result.isFailure(decode({ ...documented, handles: [{ ...documented.handles[0], status: 1 }] }))
    ).toBe(true)
    expect(Result.isFailure(decode({ ...documented, is_archived: "no" }))).toBe(true)
    expect(Result.isFailure(decode({ ...documented, created_at: "yesterday" }))).toBe(true)
    expect(Result.isFailure(decode({ ...documented, handles: [{ id: "h1" }] }))).toBe(true)
    expect(Result.isFailure(decode({ ...documented, is_group: "yes" }))).toBe(true)
  })

  // Linq adds fields and values (issue 13): a chat is not rejected for a field the SDK does not use.
  const { is_archived: _archived, ...withoutArchived } = documented
  const current = {
    ...withoutArchived,
    health_status: { status: "healthy", checked_at: "2026-02-01T00:00:00Z" },
    group_chat_icon: "https://cdn.example.com/icon.png"
  }

  it("decodes a chat without the deprecated is_archived", () => {
    const chat = Schema.decodeUnknownSync(Chat)(withoutArchived)
    expect("is_archived" in chat).toBe(false)
    expect(chat.is_group).toBe(true)
    expect(Schema.decodeUnknownSync(Chat)({ ...withoutArchived, is_group: false }).is_group).toBe(false)
    expect(Schema.decodeUnknownSync(Chat)(documented).is_archived).toBe(false)
    expect(Schema.decodeUnknownSync(Chat)({ ...documented, is_archived: true }).is_archived).toBe(true)
  })

  it("decodes a chat whose deprecated is_archived is null (a field the SDK does not use)", () => {
    for (const chat of [documented, current]) {
      const decoded = Schema.decodeUnknownSync(Chat)({ ...chat, is_archived: null })
      expect(decoded.is_archived).toBeNull()
      expect(decoded.handles.map((h) => h.handle)).toEqual(documented.handles.map((h) => h.handle))
    }
  })

  it("decodes a chat with health_status and group_chat_icon (and without is_archived), dropping them", () => {
    for (const extra of [
      { health_status: "degraded" },
      { health_status: null, group_chat_icon: null },
      { group_chat_icon: { url: "https://cdn.example.com/i.png", updated_at: "2026-02-01T00:00:00Z" } },
      current
    ]) {
      const chat = Schema.decodeUnknownSync(Chat)({ ...withoutArchived, ...extra })
      expect(chat).not.toHaveProperty("health_status")
      expect(chat).not.toHaveProperty("group_chat_icon")
      expect(chat.handles).toHaveLength(2)
    }
  })

  it("keeps an unknown chat service, as an unknown value", () => {
    for (const service of ["WhatsApp", "imessage", "", "RCS-Business"]) {
      const chat = Schema.decodeUnknownSync(Chat)({ ...current, service })
      expect(chat.service).toBe(service)
      expect(isKnownService(chat.service!)).toBe(false)
    }
    for (const service of ["iMessage", "SMS", "RCS"] as const) {
      const chat = Schema.decodeUnknownSync(Chat)({ ...current, service })
      expect(chat.service).toBe(service)
      expect(isKnownService(chat.service!)).toBe(true)
    }
  })

  it("keeps an unknown handle service or status, as unknown values", () => {
    const [first, second] = documented.handles
    const cases = [
      { service: "WhatsApp", status: "active" },
      { service: "iMessage", status: "pending" },
      { service: "Telegram", status: "invited" },
      { service: "SMS", status: "Active" }
    ]
    for (const { service, status } of cases) {
      for (const base of [documented, current]) {
        const chat = Schema.decodeUnknownSync(Chat)({
          ...base,
          handles: [{ ...first, service, status }, second]
        })
        const handle = chat.handles[0]!
        expect([handle.service, handle.status]).toStrictEqual([service, status])
        expect(isKnownService(handle.service)).toBe(service === "iMessage" || service === "SMS")
        expect(isKnownChatHandleStatus(handle.status!)).toBe(status === "active")
        expect(Schema.decodeUnknownSync(ChatHandle)({ ...first, service, status }).status).toBe(status)
      }
    }
  })

  it("decodes every combination: no is_archived, new fields, unknown chat and handle values", () =>
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        (archived, extras, service, handleService, status) => {
          const { is_archived: _, service: _s, ...base } = documented
          const input = {
            ...base,
            ...(archived ? { is_archived: true } : {}),
            ...(extras ? { health_status: { status: "unhealthy" }, group_chat_icon: "icon.png" } : {}),
            ...(service === undefined ? {} : { service }),
            handles: [
              { ...documented.handles[0], service: handleService, status: status ?? null },
              documented.handles[1]
            ]
          }
          const chat = Schema.decodeUnknownSync(Chat)(input)
          expect(chat.is_archived).toBe(archived ? true : undefined)
          expect(chat.service).toBe(service)
          expect(chat.handles[0]!.service).toBe(handleService)
          expect(chat.handles[0]!.status).toBe(status ?? null)
          // What decodes encodes back to what Linq sent (the fields the SDK keeps).
          const encoded = Schema.encodeSync(Chat)(chat)
          expect(Schema.decodeUnknownSync(Chat)(encoded)).toStrictEqual(chat)
          expect(encoded.service).toBe(service)
          expect(encoded.handles[0]!.status).toBe(status ?? null)
        }
      )
    ))

  it("encodes a chat with unknown values and without is_archived back to the wire shape", () => {
    const chat = Schema.decodeUnknownSync(Chat)({
      ...current,
      service: "WhatsApp",
      handles: [{ ...documented.handles[0], service: "WhatsApp", status: "pending" }]
    })
    const encoded = Schema.encodeSync(Chat)(chat)
    expect(encoded).not.toHaveProperty("is_archived")
    expect(encoded.service).toBe("WhatsApp")
    expect(encoded.handles[0]).toMatchObject({ service: "WhatsApp", status: "pending" })
    expect(Schema.encodeSync(Chat)({ ...chat, service: UnknownValue.make("Signal") }).service).toBe("Signal")
  })
})

describe("ErrorEnvelope", () => {
  const decode = Schema.decodeUnknownResult(ErrorEnvelope)

  it("decodes the documented envelope", () => {
    const body = {
      success: false,
      error: { status: 400, code: 1002, message: "Phone number must be in E.164 format" },
      trace_id: "abc123"
    }
    expect(decode(body)).toStrictEqual(Result.succeed(body))
  })

  it("is lenient: null and missing inner fields decode as absent, unknown fields are ignored", () => {
    expect(decode({ error: {} })).toStrictEqual(Result.succeed({ error: {} }))
    expect(
      decode({ success: false, error: { status: null, code: null, message: null }, trace_id: null })
    ).toStrictEqual(Result.succeed({ success: false, error: {} }))
    expect(decode({ error: { code: 2001, detail: "x" }, request_id: "r", success: false })).toStrictEqual(
      Result.succeed({ success: false, error: { code: 2001 } })
    )
  })

  it("refuses an envelope whose fields have the wrong types", () => {
    expect(Result.isFailure(decode({ error: { status: "400" } }))).toBe(true)
    expect(Result.isFailure(decode({ error: "bad" }))).toBe(true)
    expect(Result.isFailure(decode("<html>502 Bad Gateway</html>"))).toBe(true)
  })
})
