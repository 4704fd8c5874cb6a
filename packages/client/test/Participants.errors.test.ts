/**
 * The status/code → error table, one row per case, through the operations
 * themselves (default maxRetries 2, so `attempts` also says whether a case is
 * retried), driven on TestClock.
 */
import { describe, expect, it } from "@effect/vitest"
import type { AddParticipantError, RemoveParticipantError } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Duration, Effect, Exit, Fiber } from "effect"
import type { Answer as AnswerT } from "../../http/test/RecordingHttpClient.js"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import { advanceUntil, CHAT_ID, HANDLE, linqLayer, RULE_TEXTS } from "../../http/test/testkit.js"
import { addParticipant, removeParticipant } from "../src/index.js"

interface Row {
  readonly name: string
  readonly op: "add" | "remove"
  readonly answer: AnswerT
  readonly tag: string
  /** Fields the error must have, with these values. */
  readonly fields: Readonly<Record<string, unknown>>
  /** Fields the error must not have. */
  readonly absent?: ReadonlyArray<string>
  /** 1: not retried; 3: retried twice (the default maxRetries). */
  readonly attempts: 1 | 3
}

const env = Answer.envelope
const html = (status: number) =>
  Answer.text(
    status,
    `<html><head><title>${status}</title></head><body>${"<p>proxy</p>".repeat(100)}</body></html>`
  )
const violation = { chatId: CHAT_ID, handle: HANDLE }

const rows: ReadonlyArray<Row> = [
  // --- statuses -----------------------------------------------------------
  {
    name: "400 → InvalidRequest, server message, code and trace id intact",
    op: "add",
    answer: env(400, { code: 1003, message: "Invalid request body" }, "trace-400"),
    tag: "InvalidRequest",
    fields: { status: 400, code: 1003, message: "Invalid request body", traceId: "trace-400" },
    attempts: 1
  },
  {
    name: "422 → InvalidRequest",
    op: "remove",
    answer: env(422, { code: 1005, message: "Unprocessable entity" }, "trace-422"),
    tag: "InvalidRequest",
    fields: { status: 422, code: 1005, message: "Unprocessable entity", traceId: "trace-422" },
    attempts: 1
  },
  {
    name: "401 → Unauthorized",
    op: "add",
    answer: env(401, { code: 2004, message: "Unauthorized" }),
    tag: "Unauthorized",
    fields: { status: 401, code: 2004, message: "Unauthorized", traceId: "trace-abc" },
    attempts: 1
  },
  {
    name: "403 → PermissionDenied",
    op: "remove",
    answer: env(403, { code: 2005, message: "Access denied" }),
    tag: "PermissionDenied",
    fields: { status: 403, code: 2005, message: "Access denied" },
    attempts: 1
  },
  {
    name: "403 with a rule's wording and no code stays PermissionDenied",
    op: "add",
    answer: env(403, { message: RULE_TEXTS.already }, "trace-403"),
    tag: "PermissionDenied",
    fields: { status: 403, message: RULE_TEXTS.already, traceId: "trace-403" },
    attempts: 1
  },
  {
    name: "403 'group chats only' (remove) stays PermissionDenied",
    op: "remove",
    answer: env(403, { message: "Access to group chats only for verified lines" }),
    tag: "PermissionDenied",
    fields: { status: 403, message: "Access to group chats only for verified lines" },
    attempts: 1
  },
  {
    name: "404 → ChatNotFound",
    op: "add",
    answer: env(404, { code: 2001, message: "Chat not found" }, "trace-404"),
    tag: "ChatNotFound",
    fields: { status: 404, code: 2001, message: "Chat not found", traceId: "trace-404" },
    attempts: 1
  },
  {
    name: "408 → ApiError, retried",
    op: "add",
    answer: env(408, { message: "Request timeout" }),
    tag: "ApiError",
    fields: { status: 408, message: "Request timeout" },
    absent: ["code"],
    attempts: 3
  },
  {
    name: "409 (no rule) → ApiError, retried",
    op: "add",
    answer: env(409, { message: "Conflict" }),
    tag: "ApiError",
    fields: { status: 409, message: "Conflict" },
    attempts: 3
  },
  {
    name: "429 with Retry-After → RateLimited with retryAfter, retried",
    op: "add",
    answer: env(429, { code: 1007, message: "Rate limit exceeded" }, "trace-429", { "retry-after": "30" }),
    tag: "RateLimited",
    fields: { status: 429, code: 1007, message: "Rate limit exceeded", retryAfter: Duration.seconds(30) },
    attempts: 3
  },
  {
    name: "429 without Retry-After → RateLimited without retryAfter",
    op: "remove",
    answer: env(429, { code: 1007, message: "Rate limit exceeded" }),
    tag: "RateLimited",
    fields: { status: 429, code: 1007 },
    absent: ["retryAfter"],
    attempts: 3
  },
  {
    name: "500 → ServerError, retried",
    op: "add",
    answer: env(500, { code: 3001, message: "Internal server error" }),
    tag: "ServerError",
    fields: { status: 500, code: 3001, message: "Internal server error" },
    attempts: 3
  },
  {
    name: "502 HTML page → ServerError with a short message",
    op: "add",
    answer: html(502),
    tag: "ServerError",
    fields: { status: 502 },
    absent: ["code", "traceId"],
    attempts: 3
  },
  {
    name: "503 → ServerError",
    op: "remove",
    answer: env(503, { code: 4004, message: "Service unavailable" }),
    tag: "ServerError",
    fields: { status: 503, code: 4004, message: "Service unavailable" },
    attempts: 3
  },
  {
    name: "504 → ServerError",
    op: "add",
    answer: env(504, { code: 3005, message: "Network timeout" }),
    tag: "ServerError",
    fields: { status: 504, code: 3005, message: "Network timeout" },
    attempts: 3
  },
  {
    name: "418 → ApiError, not retried",
    op: "add",
    answer: env(418, { message: "I'm a teapot" }),
    tag: "ApiError",
    fields: { status: 418, message: "I'm a teapot" },
    attempts: 1
  },
  // --- bodies that are not the envelope --------------------------------------
  {
    name: "400 HTML body → InvalidRequest with an excerpt",
    op: "add",
    answer: html(400),
    tag: "InvalidRequest",
    fields: { status: 400 },
    absent: ["code", "traceId"],
    attempts: 1
  },
  {
    name: "401 empty body → Unauthorized",
    op: "remove",
    answer: Answer.text(401, ""),
    tag: "Unauthorized",
    fields: { status: 401, message: "The Linq API answered 401 with an empty body" },
    absent: ["code", "traceId"],
    attempts: 1
  },
  {
    name: "400 non-envelope JSON → InvalidRequest",
    op: "add",
    answer: Answer.json(400, { message: "nope", errors: ["handle"] }),
    tag: "InvalidRequest",
    fields: { status: 400, message: 'The Linq API answered 400: {"message":"nope","errors":["handle"]}' },
    absent: ["code", "traceId"],
    attempts: 1
  },
  // --- group-chat rules -----------------------------------------------------
  {
    name: "400 1006 direct message (add) → NotAGroupChat",
    op: "add",
    answer: env(400, { code: 1006, message: RULE_TEXTS.dm }, "trace-dm"),
    tag: "NotAGroupChat",
    fields: { ...violation, status: 400, code: 1006, traceId: "trace-dm" },
    attempts: 1
  },
  {
    name: "400 1006 direct message (remove) → NotAGroupChat",
    op: "remove",
    answer: env(400, { code: 1006, message: RULE_TEXTS.dm }),
    tag: "NotAGroupChat",
    fields: { ...violation, status: 400, code: 1006 },
    attempts: 1
  },
  {
    name: "400 1005 cross-service (add) → CrossServiceAddition",
    op: "add",
    answer: env(400, { code: 1005, message: RULE_TEXTS.crossService }, "trace-x"),
    tag: "CrossServiceAddition",
    fields: { ...violation, status: 400, code: 1005, traceId: "trace-x" },
    attempts: 1
  },
  {
    name: "400 1005 cross-service (remove) stays InvalidRequest, message intact",
    op: "remove",
    answer: env(400, { code: 1005, message: RULE_TEXTS.crossService }),
    tag: "InvalidRequest",
    fields: { status: 400, code: 1005, message: RULE_TEXTS.crossService },
    attempts: 1
  },
  {
    name: "400 1005 at least 3 (add) → TooFewParticipants",
    op: "add",
    answer: env(400, { code: 1005, message: RULE_TEXTS.tooFew }),
    tag: "TooFewParticipants",
    fields: { ...violation, status: 400, code: 1005 },
    attempts: 1
  },
  {
    name: "400 1005 at least 3 (remove) → TooFewParticipants",
    op: "remove",
    answer: env(400, { code: 1005, message: RULE_TEXTS.tooFew }),
    tag: "TooFewParticipants",
    fields: { ...violation, status: 400, code: 1005 },
    attempts: 1
  },
  {
    name: "409 1005 already in (add) → ParticipantAlreadyInChat, not retried",
    op: "add",
    answer: env(409, { code: 1005, message: RULE_TEXTS.already }, "trace-409"),
    tag: "ParticipantAlreadyInChat",
    fields: { ...violation, status: 409, code: 1005, traceId: "trace-409" },
    attempts: 1
  },
  {
    name: "409 1005 already in (remove) is no violation of a remove: ApiError",
    op: "remove",
    answer: env(409, { code: 1005, message: RULE_TEXTS.already }),
    tag: "ApiError",
    fields: { status: 409, code: 1005, message: RULE_TEXTS.already },
    attempts: 3
  },
  {
    name: "400 1005 not in (remove) → ParticipantNotInChat",
    op: "remove",
    answer: env(400, { code: 1005, message: RULE_TEXTS.notIn }, "trace-ni"),
    tag: "ParticipantNotInChat",
    fields: { ...violation, status: 400, code: 1005, traceId: "trace-ni" },
    attempts: 1
  },
  {
    name: "400 1005 not in (add) stays InvalidRequest, message intact",
    op: "add",
    answer: env(400, { code: 1005, message: RULE_TEXTS.notIn }),
    tag: "InvalidRequest",
    fields: { status: 400, code: 1005, message: RULE_TEXTS.notIn },
    attempts: 1
  },
  {
    name: "an unrecognised 400 (add) stays InvalidRequest, message intact",
    op: "add",
    answer: env(400, { code: 1005, message: "Invalid parameter: handle is blocked" }, "trace-u"),
    tag: "InvalidRequest",
    fields: { status: 400, code: 1005, message: "Invalid parameter: handle is blocked", traceId: "trace-u" },
    attempts: 1
  },
  {
    name: "an unrecognised 400 (remove) stays InvalidRequest, message intact",
    op: "remove",
    answer: env(400, { code: 1002, message: "Phone number must be in E.164 format" }),
    tag: "InvalidRequest",
    fields: { status: 400, code: 1002, message: "Phone number must be in E.164 format" },
    attempts: 1
  }
]

/**
 * Runs one operation to its end, moving the test clock through any retry
 * waits. The table is what the answer alone says: the `"server"` rule mode
 * (the other modes may read the chat after a failure; see rules.test.ts).
 */
const runToEnd = (op: "add" | "remove") =>
  Effect.gen(function* () {
    const recorder = yield* Recorder
    const call: Effect.Effect<unknown, AddParticipantError | RemoveParticipantError, LinqHttpClient> =
      op === "add"
        ? addParticipant(CHAT_ID, { handle: HANDLE }, { rules: "server" })
        : removeParticipant(CHAT_ID, { handle: HANDLE }, { rules: "server" })
    const fiber = yield* Effect.forkChild(call)
    yield* advanceUntil(
      Effect.sync(() => fiber.pollUnsafe() !== undefined),
      "the call ending"
    )
    return { exit: yield* Fiber.await(fiber), attempts: yield* recorder.count }
  })

describe("status/code → error", () => {
  it.effect.each(rows)("$name", (row) =>
    Effect.gen(function* () {
      const { exit, attempts } = yield* runToEnd(row.op)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe(row.tag)
      expect(error).toMatchObject(row.fields)
      for (const key of row.absent ?? []) expect(error, key).not.toHaveProperty(key)
      expect(attempts).toBe(row.attempts)
      // A person can read every error, and none carries the handle in its message.
      expect(error.message.length).toBeGreaterThan(5)
      expect(error.message).not.toContain(HANDLE)
    }).pipe(Effect.provide(linqLayer([row.answer])))
  )

  it.effect("an HTML error page becomes a short message naming the status", () =>
    Effect.gen(function* () {
      const { exit } = yield* runToEnd("add")
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("ServerError")
      expect(error.message.startsWith("The Linq API answered 502: <html><head><title>502</title>")).toBe(true)
      expect(error.message.length).toBeLessThan(200)
    }).pipe(Effect.provide(linqLayer([html(502)])))
  )

  it.effect("a remove never yields an add-only violation, whatever the server says", () =>
    Effect.gen(function* () {
      for (const message of Object.values(RULE_TEXTS)) {
        for (const status of [400, 403, 409, 422]) {
          const error = yield* Effect.flip(
            removeParticipant(CHAT_ID, { handle: HANDLE }).pipe(
              Effect.provide(linqLayer([env(status, { code: 1005, message })], { maxRetries: 0 }))
            )
          )
          expect(["CrossServiceAddition", "ParticipantAlreadyInChat"], `${status} ${message}`).not.toContain(
            error._tag
          )
        }
      }
    })
  )

  it.effect("an add never yields ParticipantNotInChat, whatever the server says", () =>
    Effect.gen(function* () {
      for (const message of Object.values(RULE_TEXTS)) {
        for (const status of [400, 403, 409, 422]) {
          const error = yield* Effect.flip(
            addParticipant(CHAT_ID, { handle: HANDLE }).pipe(
              Effect.provide(linqLayer([env(status, { code: 1005, message })], { maxRetries: 0 }))
            )
          )
          expect(error._tag, `${status} ${message}`).not.toBe("ParticipantNotInChat")
        }
      }
    })
  )

  it.effect("a rule violation is not retried even when the server says x-should-retry: true", () =>
    Effect.gen(function* () {
      const { exit, attempts } = yield* runToEnd("add")
      expect((yield* Effect.flip(exit))._tag).toBe("ParticipantAlreadyInChat")
      expect(attempts).toBe(1)
    }).pipe(
      Effect.provide(
        linqLayer([env(409, { code: 1005, message: RULE_TEXTS.already }, "t", { "x-should-retry": "true" })])
      )
    )
  )
})
