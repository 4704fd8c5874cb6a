import { describe, expect, it } from "@effect/vitest"
import { Cause, DateTime, Duration, Effect, Option, Schema } from "effect"
import * as fc from "fast-check"
import {
  ApiError,
  type Chat,
  ChatId,
  ChatNotFound,
  ConnectionError,
  CrossServiceAddition,
  GroupChatRules,
  type GroupChatRuleViolation,
  Handle,
  InvalidChatId,
  InvalidHandle,
  InvalidRequest,
  NotAGroupChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  PermissionDenied,
  parseHandle,
  RateLimited,
  RequestTimeout,
  ServerError,
  TooFewParticipants,
  Unauthorized,
  UnexpectedResponse
} from "../src/index.js"
import { digits, fcProp, injectInto, invisible, validEmail, validHandle } from "./arbitraries.js"

const CHAT = "550e8400-e29b-41d4-a716-446655440000"
const PHONE = "+14155550123"
const EMAIL = "jane.doe@example.org"

/** A message a person can read: a sentence, not a dump of fields. */
const expectReadable = (error: Error & { readonly _tag: string }) => {
  const message = error.message
  expect(message.length).toBeGreaterThan(10)
  expect(message).not.toMatch(/undefined|null|\[object |NaN|^\{|_tag/)
  expect(String(error)).toBe(`${error._tag}: ${message}`)
}

/** Every textual rendering of an error a logger is likely to print. */
const renderings = (error: Error): ReadonlyArray<string> => [
  error.message,
  String(error),
  error.toString(),
  error.stack?.split("\n")[0] ?? "",
  Cause.pretty(Cause.fail(error)).split("\n")[0] ?? ""
]

const expectNoHandle = (error: Error, handle: string) => {
  for (const text of renderings(error)) {
    expect(text).not.toContain(handle)
  }
}

describe("error messages", () => {
  it("InvalidHandle: says what is wrong, not what was given", () => {
    const error = new InvalidHandle({ input: PHONE.replace("+1", "+1 "), reason: "it contains whitespace" })
    expectReadable(error)
    expect(error.message).toBe("Invalid handle: it contains whitespace")
  })

  it("InvalidChatId: names the id and the reason", () => {
    const error = new InvalidChatId({ input: "../x", reason: "it cannot contain /" })
    expectReadable(error)
    expect(error.message).toContain('"../x"')
    expect(error.message).toContain("it cannot contain /")
  })

  it("NotAGroupChat", () => {
    const error = new NotAGroupChat({ chatId: CHAT })
    expectReadable(error)
    expect(error.message).toContain(CHAT)
    expect(error.message).toMatch(/not a group chat/)
  })

  it("CrossServiceAddition: names the service when known, and the way out", () => {
    const known = new CrossServiceAddition({
      chatId: CHAT,
      handle: PHONE,
      chatService: "iMessage",
      handleServices: ["RCS"]
    })
    expectReadable(known)
    expect(known.message).toContain(CHAT)
    expect(known.message).toContain("iMessage")
    expect(known.message).toMatch(/create a new chat/)
    const unknown = new CrossServiceAddition({ chatId: CHAT, handle: PHONE })
    expectReadable(unknown)
    expect(unknown.message).toContain("the group's service")
  })

  it("TooFewParticipants: gives the count when known and the minimum", () => {
    const counted = new TooFewParticipants({ chatId: CHAT, handle: PHONE, participants: 2 })
    expectReadable(counted)
    expect(counted.message).toContain("(2)")
    expect(counted.message).toContain("3 or more")
    const uncounted = new TooFewParticipants({ chatId: CHAT })
    expectReadable(uncounted)
    expect(uncounted.message).not.toContain("()")
  })

  it("ParticipantAlreadyInChat and ParticipantNotInChat", () => {
    const already = new ParticipantAlreadyInChat({ chatId: CHAT, handle: EMAIL })
    const notIn = new ParticipantNotInChat({ chatId: CHAT, handle: EMAIL })
    expectReadable(already)
    expectReadable(notIn)
    expect(already.message).toMatch(/already in chat/)
    expect(notIn.message).toMatch(/not in chat/)
    expect(already.message).toContain(CHAT)
    expect(notIn.message).toContain(CHAT)
  })

  it.each([Unauthorized, PermissionDenied, ChatNotFound, RateLimited, InvalidRequest, ServerError, ApiError])(
    "%o: the server's message is the message",
    (ErrorClass) => {
      const error = new ErrorClass({ status: 418, message: "The server said no", code: 1005, traceId: "t-1" })
      expectReadable(error)
      expect(error.message).toBe("The server said no")
      expect(error).toMatchObject({ status: 418, code: 1005, traceId: "t-1" })
    }
  )

  it("RateLimited keeps retryAfter", () => {
    const error = new RateLimited({
      status: 429,
      message: "Too many requests",
      retryAfter: Duration.seconds(2)
    })
    expect(Duration.toMillis(error.retryAfter!)).toBe(2000)
  })

  it("ConnectionError names the request and the cause", () => {
    const error = new ConnectionError({
      method: "POST",
      url: "https://api.example.com/v3/chats/c/participants",
      reason: "ECONNREFUSED"
    })
    expectReadable(error)
    expect(error.message).toContain("POST https://api.example.com/v3/chats/c/participants")
    expect(error.message).toContain("ECONNREFUSED")
  })

  it("RequestTimeout names the request and the timeout", () => {
    const error = new RequestTimeout({
      method: "DELETE",
      url: "https://api.example.com/x",
      timeout: Duration.seconds(60)
    })
    expectReadable(error)
    expect(error.message).toContain("DELETE https://api.example.com/x")
    expect(error.message).toContain("1m")
  })

  it("UnexpectedResponse names the status and the reason, not the body", () => {
    const error = new UnexpectedResponse({
      status: 200,
      excerpt: "<html>secret page</html>",
      reason: "not JSON"
    })
    expectReadable(error)
    expect(error.message).toContain("200")
    expect(error.message).toContain("not JSON")
    expect(error.message).not.toContain("secret page")
  })

  it.effect("errors are yieldable values in the error channel, caught by tag", () =>
    Effect.gen(function* () {
      const caught = yield* new ParticipantNotInChat({ chatId: CHAT, handle: PHONE }).pipe(
        Effect.catchTag("ParticipantNotInChat", (e) => Effect.succeed(e.handle))
      )
      expect(caught).toBe(PHONE)
    })
  )
})

describe("handles are personal data: never in a message", () => {
  it("the concrete cases", () => {
    for (const handle of [PHONE, EMAIL]) {
      const errors: ReadonlyArray<Error> = [
        new NotAGroupChat({ chatId: CHAT, handle }),
        new CrossServiceAddition({ chatId: CHAT, handle, chatService: "SMS", handleServices: ["iMessage"] }),
        new TooFewParticipants({ chatId: CHAT, handle, participants: 2 }),
        new ParticipantAlreadyInChat({ chatId: CHAT, handle }),
        new ParticipantNotInChat({ chatId: CHAT, handle })
      ]
      for (const error of errors) {
        expectNoHandle(error, handle)
        // ...but the handle is kept, for programs to read
        expect(error).toHaveProperty("handle", handle)
      }
    }
  })

  it.prop(
    "rule violations, for any handle and chat id",
    [Handle, ChatId, Schema.Literals([0, 1, 2])],
    ([handle, chatId, participants]) => {
      expectNoHandle(new NotAGroupChat({ chatId, handle }), handle)
      expectNoHandle(
        new CrossServiceAddition({ chatId, handle, chatService: "RCS", handleServices: ["SMS"] }),
        handle
      )
      expectNoHandle(new CrossServiceAddition({ chatId, handle }), handle)
      expectNoHandle(new TooFewParticipants({ chatId, handle, participants }), handle)
      expectNoHandle(new ParticipantAlreadyInChat({ chatId, handle }), handle)
      expectNoHandle(new ParticipantNotInChat({ chatId, handle }), handle)
    }
  )

  fcProp("the violations GroupChatRules returns, for any handle", [validHandle], ([handle]) => {
    const others = ["+12223334444", "+13334445555", "+14445556666"]
    fc.pre(!others.includes(handle))
    const t = DateTime.makeUnsafe(0)
    const chat = (handles: ReadonlyArray<string>, is_group = true): Chat => ({
      id: CHAT,
      display_name: null,
      service: "iMessage",
      handles: handles.map((h, i) => ({ id: `h${i}`, handle: h, service: "iMessage", joined_at: t })),
      is_group,
      is_archived: false,
      created_at: t,
      updated_at: t
    })
    const cases: ReadonlyArray<
      readonly [Option.Option<GroupChatRuleViolation>, GroupChatRuleViolation["_tag"]]
    > = [
      [GroupChatRules.checkAdd(chat(others, false), handle), "NotAGroupChat"],
      [GroupChatRules.checkAdd(chat(others.slice(1)), handle), "TooFewParticipants"],
      [GroupChatRules.checkAdd(chat([handle, ...others]), handle), "ParticipantAlreadyInChat"],
      [GroupChatRules.checkAdd(chat(others), handle, ["SMS"]), "CrossServiceAddition"],
      [GroupChatRules.checkRemove(chat(others), handle), "ParticipantNotInChat"],
      [GroupChatRules.checkRemove(chat([handle, ...others.slice(1)]), handle), "TooFewParticipants"]
    ]
    for (const [result, tag] of cases) {
      const violation = Option.getOrThrow(result)
      expect(violation._tag).toBe(tag)
      expect(violation).toHaveProperty("handle", handle)
      expectNoHandle(violation, handle)
    }
  })

  const PII_INPUTS = [
    "+1 415 555 0123",
    "+1-415-555-0123",
    "(415) 555-0123",
    "4155550123",
    "+014155550123",
    "+1415555012345678",
    "jane.doe@example",
    "jane doe@example.org",
    "jane.doe@@example.org",
    "jane.doe@example.org\n"
  ]

  it.effect.each(PII_INPUTS)("InvalidHandle for %j", (input) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseHandle(input))
      expect(error.input).toBe(input)
      expectNoHandle(error, input.trim())
      // not even the digits
      expect(error.message).not.toContain("5550123")
      expect(error.message).not.toContain("jane")
    })
  )

  fcProp(
    "InvalidHandle, for any rejected input built around a person's number or address",
    [
      fc.oneof(
        // too many digits, a leading 0, a missing +, or a separator in a number
        digits(16, 20).map((d) => `+9${d}`),
        digits(8, 14).map((d) => `+0${d}`),
        digits(8, 14).map((d) => `9${d}`),
        injectInto(
          digits(8, 14).map((d) => `+9${d}`),
          fc.constantFrom(" ", "-", ".", "(", ")")
        ).map((x) => x.value),
        // an address with invisible characters, two @, no dotted domain
        injectInto(
          validEmail.map((e) => `pii${e}`),
          invisible
        ).map((x) => x.value),
        validEmail.map((e) => `pii${e.replace("@", "@@")}`),
        validEmail.map((e) => `pii${e.slice(0, e.indexOf("@"))}@localhost`)
      )
    ],
    ([input]) => {
      const error = Effect.runSync(Effect.flip(parseHandle(input)))
      expect(error).toBeInstanceOf(InvalidHandle)
      expectNoHandle(error, input)
      expect(error.message).not.toContain("pii")
    }
  )
})
