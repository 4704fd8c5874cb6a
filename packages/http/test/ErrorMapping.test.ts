import { describe, expect, it } from "@effect/vitest"
import { Duration, FastCheck as fc, Option } from "effect"
import type { ApiAnswer } from "../src/ErrorMapping.js"
import { ErrorMapping } from "../src/index.js"
import { RULE_TEXTS } from "./testkit.js"

const envelope = (status: number, error: Record<string, unknown>, traceId?: string | null) =>
  JSON.stringify({
    success: false,
    error: { status, ...error },
    ...(traceId === undefined ? {} : { trace_id: traceId })
  })

describe("ErrorMapping.readAnswer", () => {
  it("takes code, message and trace id from the envelope", () => {
    const answer = ErrorMapping.readAnswer(
      400,
      envelope(400, { code: 1002, message: "Phone number must be in E.164 format" }, "abc123"),
      Option.none()
    )
    expect(answer).toStrictEqual({
      status: 400,
      message: "Phone number must be in E.164 format",
      code: 1002,
      traceId: "abc123"
    })
  })

  it("null or missing envelope fields are absent, with a message naming the status", () => {
    const answer = ErrorMapping.readAnswer(
      500,
      envelope(500, { code: null, message: null }, null),
      Option.none()
    )
    expect(answer).toStrictEqual({ status: 500, message: "The Linq API answered 500" })
  })

  it("keeps the status and makes a short message of an HTML body", () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body>${"<p>nginx</p>\n".repeat(500)}</body></html>`
    const answer = ErrorMapping.readAnswer(502, html, Option.none())
    expect(answer.status).toBe(502)
    expect(answer.message.startsWith("The Linq API answered 502: <html><head><title>502 Bad Gateway")).toBe(
      true
    )
    expect(answer.message.length).toBeLessThan(160)
    expect(answer.code).toBeUndefined()
    expect(answer.traceId).toBeUndefined()
  })

  it("says so when the body is empty", () => {
    expect(ErrorMapping.readAnswer(503, "", Option.none())).toStrictEqual({
      status: 503,
      message: "The Linq API answered 503 with an empty body"
    })
  })

  it("JSON that is not the envelope keeps an excerpt as the message", () => {
    const answer = ErrorMapping.readAnswer(400, '{"message":"nope","errors":[1]}', Option.none())
    expect(answer).toStrictEqual({
      status: 400,
      message: 'The Linq API answered 400: {"message":"nope","errors":[1]}'
    })
  })

  it("carries the server's wait", () => {
    const answer = ErrorMapping.readAnswer(
      429,
      envelope(429, { code: 1007 }),
      Option.some(Duration.seconds(3))
    )
    expect(answer.retryAfter).toStrictEqual(Duration.seconds(3))
    expect(answer.code).toBe(1007)
  })
})

describe("ErrorMapping.excerpt", () => {
  it("folds whitespace and trims", () => {
    expect(ErrorMapping.excerpt("  a\n\n b\t c  ")).toBe("a b c")
  })

  it("cuts long bodies with an ellipsis", () => {
    const cut = ErrorMapping.excerpt("x".repeat(1000))
    expect(cut).toBe(`${"x".repeat(200)}…`)
  })

  it.prop("is never longer than 201 characters", { body: fc.string({ maxLength: 5000 }) }, ({ body }) => {
    const cut = ErrorMapping.excerpt(body)
    expect(cut.length).toBeLessThanOrEqual(201)
    if (body.length <= 200 && !/\s/.test(body)) expect(cut).toBe(body)
  })
})

describe("ErrorMapping.toApiError", () => {
  const rows: ReadonlyArray<readonly [number, string]> = [
    [400, "InvalidRequest"],
    [401, "Unauthorized"],
    [403, "PermissionDenied"],
    [404, "ChatNotFound"],
    [408, "ApiError"],
    [409, "ApiError"],
    [418, "ApiError"],
    [422, "InvalidRequest"],
    [429, "RateLimited"],
    [500, "ServerError"],
    [502, "ServerError"],
    [503, "ServerError"],
    [504, "ServerError"],
    [302, "ApiError"]
  ]
  it.each(rows)("%i is %s, with the answer's fields", (status, tag) => {
    const error = ErrorMapping.toApiError({ status, message: "m", code: 1, traceId: "t" })
    expect(error._tag).toBe(tag)
    expect(error).toMatchObject({ status, message: "m", code: 1, traceId: "t" })
  })

  it("only RateLimited keeps retryAfter", () => {
    const answer: ApiAnswer = { status: 429, message: "m", retryAfter: Duration.seconds(2) }
    const limited = ErrorMapping.toApiError(answer)
    expect(limited._tag === "RateLimited" && limited.retryAfter).toStrictEqual(Duration.seconds(2))
    const server = ErrorMapping.toApiError({ ...answer, status: 503 })
    expect("retryAfter" in server).toBe(false)
  })
})

describe("ErrorMapping.recognizeAdd / recognizeRemove", () => {
  const answer = (status: number, code: number | undefined, message: string): ApiAnswer => ({
    status,
    message,
    ...(code === undefined ? {} : { code }),
    traceId: "trace-9"
  })
  const add = ErrorMapping.recognizeAdd("chat-1", "+12223334444")
  const remove = ErrorMapping.recognizeRemove("chat-1", "+12223334444")
  const tagOf = (o: Option.Option<{ readonly _tag: string }>) =>
    Option.getOrUndefined(Option.map(o, (v) => v._tag))

  const rows: ReadonlyArray<{
    readonly name: string
    readonly answer: ApiAnswer
    readonly add: string | undefined
    readonly remove: string | undefined
  }> = [
    {
      name: "1006 direct message",
      answer: answer(400, 1006, RULE_TEXTS.dm),
      add: "NotAGroupChat",
      remove: "NotAGroupChat"
    },
    {
      name: "1006 with any text",
      answer: answer(400, 1006, "Cannot update"),
      add: "NotAGroupChat",
      remove: "NotAGroupChat"
    },
    {
      name: "direct message without a code",
      answer: answer(400, undefined, RULE_TEXTS.dm),
      add: "NotAGroupChat",
      remove: "NotAGroupChat"
    },
    {
      name: "cross-service",
      answer: answer(400, 1005, RULE_TEXTS.crossService),
      add: "CrossServiceAddition",
      remove: undefined
    },
    {
      name: "too few",
      answer: answer(400, 1005, RULE_TEXTS.tooFew),
      add: "TooFewParticipants",
      remove: "TooFewParticipants"
    },
    {
      name: "already in (409)",
      answer: answer(409, 1005, RULE_TEXTS.already),
      add: "ParticipantAlreadyInChat",
      remove: undefined
    },
    {
      name: "not in",
      answer: answer(400, 1005, RULE_TEXTS.notIn),
      add: undefined,
      remove: "ParticipantNotInChat"
    },
    {
      name: "an unrelated 400",
      answer: answer(400, 1002, "Phone number must be in E.164 format"),
      add: undefined,
      remove: undefined
    },
    {
      name: "rule text on a 500",
      answer: answer(500, 1005, RULE_TEXTS.tooFew),
      add: undefined,
      remove: undefined
    },
    {
      name: "rule text on a 404",
      answer: answer(404, 2001, RULE_TEXTS.notIn),
      add: undefined,
      remove: undefined
    },
    { name: "1006 on a 503", answer: answer(503, 1006, RULE_TEXTS.dm), add: undefined, remove: undefined }
  ]
  it.each(rows)("$name", (row) => {
    expect(tagOf(add(row.answer))).toBe(row.add)
    expect(tagOf(remove(row.answer))).toBe(row.remove)
  })

  it("a recognised violation keeps chat id, handle, status, code and trace id", () => {
    const violation = Option.getOrThrow(add(answer(409, 1005, RULE_TEXTS.already)))
    expect(violation).toMatchObject({
      _tag: "ParticipantAlreadyInChat",
      chatId: "chat-1",
      handle: "+12223334444",
      status: 409,
      code: 1005,
      traceId: "trace-9"
    })
  })

  it.prop(
    "a remove never yields an add-only violation, an add never ParticipantNotInChat",
    {
      status: fc.constantFrom(400, 403, 409, 422),
      code: fc.option(fc.integer({ min: 1000, max: 5999 }), { nil: undefined }),
      message: fc.oneof(fc.constantFrom(...Object.values(RULE_TEXTS)), fc.string())
    },
    ({ status, code, message }) => {
      const a = answer(status, code, message)
      expect(["CrossServiceAddition", "ParticipantAlreadyInChat"]).not.toContain(tagOf(remove(a)))
      expect(tagOf(add(a))).not.toBe("ParticipantNotInChat")
    }
  )
})
