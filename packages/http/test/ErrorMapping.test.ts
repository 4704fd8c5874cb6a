import { describe, expect, it } from "@effect/vitest"
import { Duration, Option, Schema } from "effect"
import type { ApiAnswer } from "../src/ErrorMapping.js"
import { ErrorMapping } from "../src/index.js"

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

  it.prop(
    "is never longer than 201 characters",
    { body: Schema.String.check(Schema.isMaxLength(5000)) },
    ({ body }) => {
      const cut = ErrorMapping.excerpt(body)
      expect(cut.length).toBeLessThanOrEqual(201)
      if (body.length <= 200 && !/\s/.test(body)) expect(cut).toBe(body)
    }
  )
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
