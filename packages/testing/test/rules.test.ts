import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { DefaultChats, DefaultHandles, FakeLinq } from "../src/index.js"
import { envelope, participantsPath, send } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

/** Sends the request and checks the answer and that the chat did not change. */
const refused = (
  method: "POST" | "DELETE",
  chatId: string,
  handle: string,
  status: number,
  code: number,
  message: string
) =>
  Effect.gen(function* () {
    const fake = yield* FakeLinq
    const before = yield* fake.chat(chatId)
    const answer = yield* send(method, participantsPath(chatId), { json: { handle } })
    expect(answer.status).toBe(status)
    expect(answer.json).toEqual(envelope(status, code, message))
    expect(yield* fake.chat(chatId)).toEqual(before)
  })

describe("group-chat rules, answered exactly", () => {
  it.effect("NotAGroupChat → 400, 1006 (add and remove)", () =>
    Effect.gen(function* () {
      const message = "Cannot add or remove participants in a direct message; group chats only"
      yield* refused("POST", C.directMessage, H.newcomer, 400, 1006, message)
      yield* refused("DELETE", C.directMessage, H.bob, 400, 1006, message)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("CrossServiceAddition → 400, 1005, the chat's service named", () =>
    Effect.gen(function* () {
      yield* refused(
        "POST",
        C.iMessageGroup,
        H.rcsOnly,
        400,
        1005,
        "Participant does not support the chat's messaging service (iMessage); cross-service additions are not allowed, create a new chat instead"
      )
      yield* refused(
        "POST",
        C.rcsGroup,
        H.iMessageCapable,
        400,
        1005,
        "Participant does not support the chat's messaging service (RCS); cross-service additions are not allowed, create a new chat instead"
      )
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("TooFewParticipants → 400, 1005 (removal from a 3-member group; add to a 2-member group)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const message = "Group chats must have at least 3 participants"
      yield* refused("DELETE", C.smallGroup, H.alice, 400, 1005, message)
      yield* refused("DELETE", C.smallGroup, H.erin, 400, 1005, message)
      yield* fake.putChat({ id: "pair", service: "iMessage", is_group: true, handles: [H.alice, H.bob] })
      yield* refused("POST", "pair", H.newcomer, 400, 1005, message)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("ParticipantAlreadyInChat → 409, 1005", () =>
    Effect.gen(function* () {
      yield* refused("POST", C.iMessageGroup, H.alice, 409, 1005, "Participant is already in this chat")
      // checked before the service: an RCS member already in the RCS group
      yield* refused("POST", C.rcsGroup, H.frank, 409, 1005, "Participant is already in this chat")
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("ParticipantNotInChat → 400, 1005 (never a member, and removed earlier)", () =>
    Effect.gen(function* () {
      yield* refused("DELETE", C.iMessageGroup, H.newcomer, 400, 1005, "Participant is not in this chat")
      yield* refused("DELETE", C.iMessageGroup, H.erin, 400, 1005, "Participant is not in this chat")
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("removing down to exactly 3 works, the next removal is refused", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      expect(
        (yield* send("DELETE", participantsPath(C.rcsGroup), { json: { handle: H.frank } })).status
      ).toBe(202)
      yield* refused(
        "DELETE",
        C.rcsGroup,
        H.grace,
        400,
        1005,
        "Group chats must have at least 3 participants"
      )
      expect(yield* fake.participants(C.rcsGroup)).toEqual([H.grace, H.heidi, H.ivan])
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )
})

describe("request validation", () => {
  const add = (options: Parameters<typeof send>[2]) =>
    send("POST", participantsPath(C.iMessageGroup), options)

  it.effect("body not JSON → 400, 1003", () =>
    Effect.gen(function* () {
      for (const raw of ["handle=+12025550150", "{", ""]) {
        const answer = yield* add({ raw })
        expect(answer.status).toBe(400)
        expect(answer.json).toEqual(envelope(400, 1003, "Request body must be valid JSON"))
      }
      const array = yield* add({ json: [H.newcomer] })
      expect(array.json).toEqual(envelope(400, 1003, "Request body must be a JSON object"))
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("missing handle → 400, 1001", () =>
    Effect.gen(function* () {
      for (const json of [{}, { handle: null }, { handle: "" }, { phone: H.newcomer }]) {
        const answer = yield* add({ json })
        expect(answer.status).toBe(400)
        expect(answer.json).toEqual(envelope(400, 1001, "Missing required field: handle"))
      }
      const remove = yield* send("DELETE", participantsPath(C.iMessageGroup), { json: {} })
      expect(remove.json).toEqual(envelope(400, 1001, "Missing required field: handle"))
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("handle not E.164 or email (core's Handle schema) → 400, 1002", () =>
    Effect.gen(function* () {
      for (const handle of [
        "12025550150",
        "+1 202 555 0150",
        "+0123",
        "(202) 555-0150",
        "+1234567890123456"
      ]) {
        const answer = yield* add({ json: { handle } })
        expect(answer.status).toBe(400)
        expect(answer.json).toEqual(envelope(400, 1002, "Phone number must be in E.164 format"))
      }
      for (const handle of ["a@b", "a@@b.com", "a b@c.com"]) {
        const answer = yield* add({ json: { handle } })
        expect(answer.json).toEqual(envelope(400, 1002, "Invalid email address format"))
      }
      const number = yield* add({ json: { handle: 12025550150 } })
      expect(number.json).toEqual(
        envelope(400, 1002, "handle must be a string: an E.164 phone number or an email address")
      )
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("validation failures change nothing", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const before = yield* fake.chats
      yield* add({ raw: "nope" })
      yield* add({ json: { handle: "nope" } })
      expect(yield* fake.chats).toEqual(before)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )
})

describe("auth", () => {
  it.effect("missing or malformed Authorization → 401, 2004, on every route", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const missing = yield* send("POST", participantsPath(C.iMessageGroup), {
        json: { handle: H.newcomer },
        token: null
      })
      expect(missing.status).toBe(401)
      expect(missing.json).toEqual(envelope(401, 2004, "Missing Authorization header"))
      for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "sk_test_123"]) {
        const answer = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { authorization })
        expect(answer.status).toBe(401)
        expect(answer.json).toEqual(
          envelope(401, 2004, "Invalid Authorization header; expected Bearer <token>")
        )
      }
      const unknown = yield* send("GET", "/v3/nowhere", { token: null })
      expect(unknown.status).toBe(401)
      // nothing changed
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("without an apiKey option any non-empty bearer token is accepted (scheme in any case)", () =>
    Effect.gen(function* () {
      const a = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { token: "anything" })
      const b = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { authorization: "bearer other" })
      expect([a.status, b.status]).toEqual([200, 200])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("with an apiKey option only that key is accepted", () =>
    Effect.gen(function* () {
      const wrong = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { token: "other" })
      expect(wrong.status).toBe(401)
      expect(wrong.json).toEqual(envelope(401, 2004, "Invalid API key"))
      const right = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { token: "the-key" })
      expect(right.status).toBe(200)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { apiKey: "the-key" })))
  )

  it.effect("the apiKey option can be Redacted", () =>
    Effect.gen(function* () {
      const right = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { token: "the-key" })
      expect(right.status).toBe(200)
      const wrong = yield* send("GET", `/v3/chats/${C.iMessageGroup}`, { token: "the-key2" })
      expect(wrong.status).toBe(401)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { apiKey: Redacted.make("the-key") })))
  )
})

describe("rule-violation answers are configurable (Linq does not document their wording)", () => {
  it.effect("messages replaces the text of a kind; the others keep theirs", () =>
    Effect.gen(function* () {
      yield* refused("DELETE", C.smallGroup, H.alice, 400, 1005, "Bad request")
      yield* refused("POST", C.iMessageGroup, H.alice, 409, 1005, "Participant is already in this chat")
    }).pipe(
      Effect.provide(
        FakeLinq.layer(FakeLinq.defaultSeed, {
          messages: { TooFewParticipants: "Bad request" },
          queueDelay: 0
        })
      )
    )
  )

  it.effect("violations replaces status, code and message; code undefined leaves it out", () =>
    Effect.gen(function* () {
      yield* refused("POST", C.directMessage, H.newcomer, 422, 1005, "Chat is not a group")
      const answer = yield* send("POST", participantsPath(C.iMessageGroup), { json: { handle: H.rcsOnly } })
      expect([answer.status, answer.json]).toEqual([400, envelope(400, undefined, "Bad request")])
    }).pipe(
      Effect.provide(
        FakeLinq.layer(FakeLinq.defaultSeed, {
          queueDelay: 0,
          messages: { NotAGroupChat: "ignored: violations wins" },
          violations: {
            NotAGroupChat: { status: 422, code: 1005, message: "Chat is not a group" },
            CrossServiceAddition: { code: undefined, message: "Bad request" }
          }
        })
      )
    )
  )
})
