import { Chat, GroupChatRules } from "@linq-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Cause, DateTime, Effect, Option, Schema } from "effect"
import { DefaultChats, DefaultHandles, FakeLinq } from "../src/index.js"
import { chatPath, envelope, participantsPath, send } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

describe("FakeLinq routes (in-process)", () => {
  it.effect("POST participants queues the addition and adds an active handle on the chat's service", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* send("POST", participantsPath(C.iMessageGroup), { json: { handle: H.newcomer } })
      expect(answer.status).toBe(202)
      expect(answer.headers["content-type"]).toContain("application/json")
      expect(answer.json).toEqual({
        message: "Participant addition queued",
        status: "accepted",
        trace_id: expect.stringMatching(/^trace_[0-9a-f]{32}$/)
      })
      const chat = yield* fake.chat(C.iMessageGroup)
      const added = chat.handles.find((h) => h.handle === H.newcomer)
      expect(added).toMatchObject({
        handle: H.newcomer,
        service: "iMessage",
        status: "active",
        left_at: null
      })
      expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.alice, H.bob, H.carol, H.dave, H.newcomer])
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("trace ids are fresh on every answer", () =>
    Effect.gen(function* () {
      const a = yield* send("POST", participantsPath(C.rcsGroup), { json: { handle: H.newcomer } })
      const b = yield* send("DELETE", participantsPath(C.rcsGroup), { json: { handle: H.newcomer } })
      const c = yield* send("GET", chatPath(C.missing))
      const ids = [a, b, c].map((x) => (x.json as { trace_id: string }).trace_id)
      expect(new Set(ids).size).toBe(3)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("DELETE participants (with a JSON body) queues the removal and marks the handle removed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* send("DELETE", participantsPath(C.iMessageGroup), { json: { handle: H.dave } })
      expect(answer.status).toBe(202)
      expect(answer.json).toEqual({
        message: "Participant removal queued",
        status: "accepted",
        trace_id: expect.stringMatching(/^trace_/)
      })
      const chat = yield* fake.chat(C.iMessageGroup)
      const dave = chat.handles.find((h) => h.handle === H.dave)
      expect(dave?.status).toBe("removed")
      expect(dave?.left_at).not.toBeNull()
      expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.alice, H.bob, H.carol])
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("a removed handle can be added again", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* send("POST", participantsPath(C.iMessageGroup), { json: { handle: H.erin } })
      expect(answer.status).toBe(202)
      expect(yield* fake.participants(C.iMessageGroup)).toContain(H.erin)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("email handles are matched without regard to case", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.putChat({
        id: "mail-group",
        service: "iMessage",
        handles: ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
      })
      const answer = yield* send("DELETE", participantsPath("mail-group"), {
        json: { handle: "D@Example.COM" }
      })
      expect(answer.status).toBe(202)
      expect(yield* fake.participants("mail-group")).toEqual([
        "a@example.com",
        "b@example.com",
        "c@example.com"
      ])
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("GET chat answers the Chat JSON, decodable by core's Chat schema", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* send("GET", chatPath(C.iMessageGroup))
      expect(answer.status).toBe(200)
      expect(answer.json).toMatchObject({
        id: C.iMessageGroup,
        display_name: "Launch team",
        service: "iMessage",
        is_group: true,
        is_archived: false,
        created_at: "2025-01-15T09:00:00.000Z",
        updated_at: "2025-01-15T09:00:00.000Z"
      })
      const chat = Schema.decodeUnknownSync(Chat)(answer.json)
      expect(chat).toEqual(yield* fake.chat(C.iMessageGroup))
      expect(GroupChatRules.activeParticipants(chat).map((h) => h.handle)).toEqual([
        H.alice,
        H.bob,
        H.carol,
        H.dave
      ])
      const erin = chat.handles.find((h) => h.handle === H.erin)
      expect(erin?.status).toBe("removed")
      expect(erin?.left_at).toEqual(DateTime.makeUnsafe("2025-01-16T12:00:00.000Z"))
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("GET chat: the Chat and ChatHandle shapes of linq-api.md; removed handles stay, removed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.putChat({
        id: "own",
        service: "iMessage",
        display_name: "With me",
        handles: [{ handle: "+12025550100", is_me: true }, H.alice, H.bob, H.carol]
      })
      yield* send("DELETE", participantsPath("own"), { json: { handle: H.carol } })
      yield* send("POST", participantsPath("own"), { json: { handle: H.newcomer } })
      const answer = yield* send("GET", chatPath("own"))
      const wire = answer.json as { handles: ReadonlyArray<Record<string, unknown>> } & Record<
        string,
        unknown
      >
      expect(Object.keys(wire).sort()).toEqual(
        [
          "created_at",
          "display_name",
          "handles",
          "id",
          "is_archived",
          "is_group",
          "service",
          "updated_at"
        ].sort()
      )
      expect(wire.handles[0]).toEqual({
        id: "own/handle-1",
        handle: "+12025550100",
        service: "iMessage",
        joined_at: "2025-01-15T09:00:00.000Z",
        is_me: true,
        left_at: null,
        status: "active"
      })
      const carol = wire.handles.find((h) => h.handle === H.carol)
      expect(carol).toMatchObject({ status: "removed", left_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
      const added = wire.handles.find((h) => h.handle === H.newcomer)
      expect(added).toMatchObject({
        id: expect.any(String),
        service: "iMessage",
        status: "active",
        left_at: null
      })
      // core's Chat decodes it, and the rules see the active members only
      const chat = Schema.decodeUnknownSync(Chat)(answer.json)
      expect(GroupChatRules.activeParticipants(chat).map((h) => h.handle)).toEqual([
        "+12025550100",
        H.alice,
        H.bob,
        H.newcomer
      ])
      expect(chat.handles).toHaveLength(5)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("GET chat reflects an accepted change", () =>
    Effect.gen(function* () {
      yield* send("DELETE", participantsPath(C.rcsGroup), { json: { handle: H.ivan } })
      const answer = yield* send("GET", chatPath(C.rcsGroup))
      const chat = Schema.decodeUnknownSync(Chat)(answer.json)
      expect(GroupChatRules.isParticipant(chat, H.ivan)).toBe(false)
      expect(GroupChatRules.activeParticipants(chat)).toHaveLength(3)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("unknown chat → 404 code 2001 on every chat route", () =>
    Effect.gen(function* () {
      const expected = envelope(404, 2001, "Chat not found")
      const get = yield* send("GET", chatPath(C.missing))
      const add = yield* send("POST", participantsPath(C.missing), { json: { handle: H.newcomer } })
      const remove = yield* send("DELETE", participantsPath(C.missing), { json: { handle: H.alice } })
      for (const answer of [get, add, remove]) {
        expect(answer.status).toBe(404)
        expect(answer.json).toEqual(expected)
      }
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("capability checks answer from the handle capabilities", () =>
    Effect.gen(function* () {
      const check = (which: "check_imessage" | "check_rcs", address: string) =>
        Effect.map(
          send("POST", `/v3/capability/${which}`, { json: { address, from: "+12025550000" } }),
          (a) => [a.status, a.json]
        )
      expect(yield* check("check_imessage", H.rcsOnly)).toEqual([
        200,
        { address: H.rcsOnly, available: false }
      ])
      expect(yield* check("check_rcs", H.rcsOnly)).toEqual([200, { address: H.rcsOnly, available: true }])
      expect(yield* check("check_imessage", H.iMessageCapable)).toEqual([
        200,
        { address: H.iMessageCapable, available: true }
      ])
      expect(yield* check("check_rcs", H.iMessageCapable)).toEqual([
        200,
        { address: H.iMessageCapable, available: false }
      ])
      // not listed: supports every service
      expect(yield* check("check_rcs", H.newcomer)).toEqual([200, { address: H.newcomer, available: true }])
      const missing = yield* send("POST", "/v3/capability/check_rcs", { json: {} })
      expect([missing.status, missing.json]).toEqual([
        400,
        envelope(400, 1001, "Missing required field: address")
      ])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("setCapabilities changes what a handle can join", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.setCapabilities(H.newcomer, ["SMS"])
      expect(yield* fake.capabilities(H.newcomer)).toEqual(["SMS"])
      const answer = yield* send("POST", participantsPath(C.rcsGroup), { json: { handle: H.newcomer } })
      expect(answer.status).toBe(400)
      const sms = yield* send("POST", participantsPath(C.smsGroup), { json: { handle: H.newcomer } })
      expect(sms.status).toBe(202)
      expect((yield* fake.chat(C.smsGroup)).handles.at(-1)?.service).toBe("SMS")
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("path segments are percent-decoded", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const id = "group ü/1?x#y"
      yield* fake.putChat({ id, service: "RCS", handles: [H.alice, H.bob, H.carol] })
      const answer = yield* send("GET", chatPath(id))
      expect(answer.status).toBe(200)
      expect((answer.json as { id: string }).id).toBe(id)
      const add = yield* send("POST", participantsPath(id), { json: { handle: H.dave } })
      expect(add.status).toBe(202)
      const journal = yield* fake.journal
      expect(journal.map((e) => e.chatId)).toEqual([id, id])
      expect(journal[0]?.path).toBe(`/api/partner/v3/chats/${encodeURIComponent(id)}`)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("any origin, query ignored; the /api/partner base path is enforced (404 without it)", () =>
    Effect.gen(function* () {
      const a = yield* send("GET", chatPath(C.smallGroup), { baseUrl: "http://localhost:1234/api/partner" })
      const b = yield* send("GET", `${chatPath(C.smallGroup)}?expand=1`, {
        baseUrl: "https://example.test/api/partner"
      })
      expect([a.status, b.status]).toEqual([200, 200])
      for (const baseUrl of [
        "https://api.linqapp.com",
        "https://api.linqapp.com/api",
        "https://x.test/other/prefix"
      ]) {
        const wrong = yield* send("POST", participantsPath(C.smallGroup), {
          baseUrl,
          json: { handle: H.newcomer }
        })
        expect(wrong.status).toBe(404)
        expect(wrong.json).toMatchObject({ success: false, error: { status: 404 } })
      }
      const fake = yield* FakeLinq
      expect((yield* fake.journal).slice(2).map((e) => e.route)).toEqual(["unknown", "unknown", "unknown"])
      expect(yield* fake.participants(C.smallGroup)).not.toContain(H.newcomer)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("a custom basePath, or none", () =>
    Effect.gen(function* () {
      const a = yield* send("GET", chatPath(C.smallGroup), { baseUrl: "http://fake/linq" })
      const b = yield* send("GET", chatPath(C.smallGroup), { baseUrl: "http://fake/api/partner" })
      expect([a.status, b.status]).toEqual([200, 404])
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { basePath: "/linq/" })))
  )

  it.effect('basePath "": the routes at the root', () =>
    Effect.gen(function* () {
      const a = yield* send("GET", chatPath(C.smallGroup), { baseUrl: "http://fake" })
      expect(a.status).toBe(200)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { basePath: "" })))
  )

  it.effect("unknown routes and methods → 404 envelope", () =>
    Effect.gen(function* () {
      const cases = [
        send("DELETE", "/v3/chats"),
        send("GET", `${chatPath(C.iMessageGroup)}/leave`),
        send("DELETE", `${chatPath(C.iMessageGroup)}/leave`),
        send("PUT", participantsPath(C.iMessageGroup), { json: { handle: H.newcomer } }),
        send("GET", participantsPath(C.iMessageGroup)),
        send("HEAD", chatPath(C.iMessageGroup)),
        send("POST", chatPath(C.iMessageGroup), { json: {} }),
        send("GET", "/v3/capability/check_imessage"),
        send("POST", "/v3/capability/check_sms", { json: { address: H.alice } }),
        send("GET", "/v2/chats/x"),
        send("POST", "/v3/chats//participants", { json: { handle: H.alice } }),
        send("POST", `${participantsPath(C.iMessageGroup)}/extra`, { json: { handle: H.alice } })
      ]
      for (const request of cases) {
        const answer = yield* request
        expect(answer.status).toBe(404)
        expect(answer.json).toMatchObject({ success: false, error: { status: 404 } })
        expect((answer.json as { error: { message: string } }).error.message).toMatch(/^Not found: /)
      }
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("putChat adds a chat; chats lists them; reset goes back to the seed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      expect((yield* fake.chats).map((c) => c.id)).toEqual([
        C.iMessageGroup,
        C.rcsGroup,
        C.smallGroup,
        C.smsGroup,
        C.directMessage
      ])
      yield* fake.putChat({ id: "new", handles: ["+15550001", "+15550002", "+15550003"] })
      const created = yield* fake.chat("new")
      expect(created.is_group).toBe(true)
      expect(created.service).toBeNull()
      yield* send("DELETE", participantsPath(C.iMessageGroup), { json: { handle: H.alice } })
      yield* fake.reset
      expect(yield* fake.journal).toEqual([])
      expect(yield* Effect.option(fake.chat("new"))).toEqual(Option.none())
      expect(yield* fake.participants(C.iMessageGroup)).toContain(H.alice)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("chat(id) fails with Cause.NoSuchElementError for an unknown chat", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const error = yield* Effect.flip(fake.chat(C.missing))
      expect(error._tag).toBe("NoSuchElementError")
      expect(Cause.isNoSuchElementError(error)).toBe(true)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("a custom seed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const chat = yield* fake.chat("c1")
      expect(chat.handles.map((h) => [h.handle, h.status, h.service])).toEqual([
        ["+15550001", "active", "SMS"],
        ["+15550002", "left", "SMS"],
        ["+15550003", "active", "RCS"]
      ])
      expect(chat.is_group).toBe(false)
      expect(yield* fake.capabilities("+15550009")).toEqual(["iMessage"])
      expect(yield* fake.capabilities("+15550001")).toEqual(["iMessage", "SMS", "RCS"])
    }).pipe(
      Effect.provide(
        FakeLinq.layer({
          chats: [
            {
              id: "c1",
              service: "SMS",
              handles: [
                "+15550001",
                { handle: "+15550002", status: "left" },
                { handle: "+15550003", service: "RCS" }
              ],
              is_group: false
            }
          ],
          capabilities: { "+15550009": ["iMessage"] }
        })
      )
    )
  )
})

describe("FakeLinq.layer under Effect 4's layer memoization", () => {
  const add = send("POST", participantsPath(C.iMessageGroup), { json: { handle: H.newcomer } })
  const members = Effect.flatMap(FakeLinq, (fake) => fake.participants(C.iMessageGroup))

  it.effect("sibling provides of one layer value: a fake each, as in 0.x", () =>
    Effect.gen(function* () {
      const layer = FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })
      expect((yield* Effect.provide(add, layer)).status).toBe(202)
      expect(yield* Effect.provide(members, layer)).not.toContain(H.newcomer)
    })
  )

  it.effect(
    "a provide nested in a provide of the same value reuses the fake; { local: true } makes another",
    () =>
      Effect.gen(function* () {
        const layer = FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })
        const reused = Effect.andThen(add, Effect.provide(members, layer))
        expect(yield* Effect.provide(reused, layer)).toContain(H.newcomer)
        const separate = Effect.andThen(add, Effect.provide(members, layer, { local: true }))
        expect(yield* Effect.provide(separate, layer)).not.toContain(H.newcomer)
      })
  )
})
