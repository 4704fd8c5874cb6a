/**
 * End to end, over real HTTP: every fault FakeLinq can inject, and how the
 * SDK answers it. Retried: connection errors, timeouts, 408, 409, 429 and
 * 5xx (and whatever `x-should-retry: true` asks for); not retried: other
 * 4xx, rule violations and 2xx bodies that are not the documented shape.
 * Attempts are counted in the fake's journal.
 *
 * Retry waits are kept near zero with `Retry-After: 0` / `retry-after-ms`
 * headers; only the faults that carry no header (a dropped connection, a
 * hang or a long delay) wait for the SDK's real backoff, with `maxRetries: 1`.
 */
import { expect, layer } from "@effect/vitest"
import type { ParticipantRequestOptions } from "@linq-effect/client"
import { FakeLinq, Fault, type JournalOutcome } from "@linq-effect/testing"
import { Duration, Effect } from "effect"
import { eventually, participantCall, type Started, start, transports } from "./harness.js"

const C = FakeLinq.chats
const H = FakeLinq.handles

type Op = "add" | "remove"

/** The operation under test: add the newcomer to, or remove dave from, the iMessage group. */
const call = (sdk: Started["sdk"], op: Op, options: ParticipantRequestOptions = {}) =>
  sdk(participantCall(op, C.iMessageGroup, op === "add" ? H.newcomer : H.dave, options))

const initialMembers = [H.alice, H.bob, H.carol, H.dave]
const afterSuccess = (op: Op) =>
  op === "add" ? [...initialMembers, H.newcomer] : initialMembers.filter((h) => h !== H.dave)

const responded = (status: number): JournalOutcome => ({ _tag: "Responded", status })
const accepted = responded(202)

interface Case {
  readonly name: string
  readonly op?: Op
  readonly fault: Fault.Fault
  readonly times: number | "always"
  /** `"success"`, or the expected error (a partial match on its fields). */
  readonly expected: "success" | { readonly _tag: string; readonly [field: string]: unknown }
  /** The journal outcome of every attempt, in order. */
  readonly attempts: ReadonlyArray<JournalOutcome>
}

const zero = { retryAfter: 0 } as const

/** Status faults and malformed bodies: answered at once, so no real waiting. */
const cases: ReadonlyArray<Case> = [
  // --- retried, then success -------------------------------------------------
  {
    name: "500 twice (Retry-After: 0) is retried, the third attempt succeeds",
    fault: Fault.status(500, zero),
    times: 2,
    expected: "success",
    attempts: [responded(500), responded(500), accepted]
  },
  {
    name: "502 with an empty body is retried",
    fault: Fault.status(502, { body: "", ...zero }),
    times: 1,
    expected: "success",
    attempts: [responded(502), accepted]
  },
  {
    name: "a gateway's HTML 502 page is retried",
    fault: { ...Fault.html(502), headers: { "retry-after": "0" } },
    times: 1,
    expected: "success",
    attempts: [responded(502), accepted]
  },
  {
    name: "503 twice (retry-after-ms: 1) on a remove is retried, the third attempt succeeds",
    op: "remove",
    fault: Fault.status(503, { retryAfterMs: 1 }),
    times: 2,
    expected: "success",
    attempts: [responded(503), responded(503), accepted]
  },
  {
    name: "504 is retried",
    fault: Fault.status(504, zero),
    times: 1,
    expected: "success",
    attempts: [responded(504), accepted]
  },
  {
    name: "429 twice (retry-after-ms: 1) is retried, the third attempt succeeds",
    fault: Fault.status(429, { retryAfterMs: 1 }),
    times: 2,
    expected: "success",
    attempts: [responded(429), responded(429), accepted]
  },
  {
    name: "429 with Retry-After as an HTTP date already past is retried at once",
    fault: Fault.status(429, { retryAfter: new Date(0) }),
    times: 1,
    expected: "success",
    attempts: [responded(429), accepted]
  },
  {
    name: "408 is retried",
    fault: Fault.status(408, zero),
    times: 1,
    expected: "success",
    attempts: [responded(408), accepted]
  },
  {
    name: "a 409 that is no rule violation (plain Conflict) is retried",
    op: "remove",
    fault: Fault.status(409, zero),
    times: 1,
    expected: "success",
    attempts: [responded(409), accepted]
  },
  {
    name: "x-should-retry: true makes a 400 retried",
    fault: Fault.status(400, { shouldRetry: true, ...zero }),
    times: 1,
    expected: "success",
    attempts: [responded(400), accepted]
  },
  {
    name: "a short delay before a 503 (Retry-After: 0) is retried",
    fault: Fault.delay("20 millis", Fault.status(503, zero)),
    times: 1,
    expected: "success",
    attempts: [responded(503), accepted]
  },
  {
    name: "a short delay within the timeout is a plain success",
    fault: Fault.delay("20 millis"),
    times: 1,
    expected: "success",
    attempts: [accepted]
  },
  // --- retried until the retries run out ----------------------------------------
  {
    name: "a persistent 503 is a ServerError after maxRetries + 1 attempts",
    fault: Fault.status(503, zero),
    times: "always",
    expected: { _tag: "ServerError", status: 503, code: 4004, message: "Service unavailable" },
    attempts: [responded(503), responded(503), responded(503)]
  },
  {
    name: "a persistent 429 is RateLimited, with the server's wait, after maxRetries + 1 attempts",
    op: "remove",
    fault: Fault.status(429, { retryAfterMs: 1 }),
    times: "always",
    expected: { _tag: "RateLimited", status: 429, code: 1007, retryAfter: Duration.millis(1) },
    attempts: [responded(429), responded(429), responded(429)]
  },
  {
    name: "a persistent HTML 502 is a ServerError that quotes the page",
    fault: { ...Fault.html(502), headers: { "retry-after": "0" } },
    times: "always",
    expected: { _tag: "ServerError", status: 502, message: expect.stringContaining("502 Bad Gateway") },
    attempts: [responded(502), responded(502), responded(502)]
  },
  // --- not retried -----------------------------------------------------------------
  {
    name: "x-should-retry: false stops a 503 from being retried",
    fault: Fault.status(503, { shouldRetry: false, ...zero }),
    times: "always",
    expected: { _tag: "ServerError", status: 503 },
    attempts: [responded(503)]
  },
  {
    name: "400 is InvalidRequest, not retried",
    fault: Fault.status(400, zero),
    times: "always",
    expected: { _tag: "InvalidRequest", status: 400, code: 1005 },
    attempts: [responded(400)]
  },
  {
    name: "422 is InvalidRequest, not retried",
    op: "remove",
    fault: Fault.status(422, zero),
    times: "always",
    expected: { _tag: "InvalidRequest", status: 422 },
    attempts: [responded(422)]
  },
  {
    name: "401 is Unauthorized, not retried",
    fault: Fault.status(401, zero),
    times: "always",
    expected: { _tag: "Unauthorized", status: 401, code: 2004 },
    attempts: [responded(401)]
  },
  {
    name: "403 is PermissionDenied, not retried",
    op: "remove",
    fault: Fault.status(403, zero),
    times: "always",
    expected: { _tag: "PermissionDenied", status: 403, code: 2005 },
    attempts: [responded(403)]
  },
  {
    name: "404 is ChatNotFound, not retried",
    fault: Fault.status(404, zero),
    times: "always",
    expected: { _tag: "ChatNotFound", status: 404, code: 2001 },
    attempts: [responded(404)]
  },
  {
    name: "another 4xx (418) is ApiError, not retried",
    fault: Fault.status(418, zero),
    times: "always",
    expected: { _tag: "ApiError", status: 418 },
    attempts: [responded(418)]
  },
  // --- 2xx bodies that are not the documented shape: UnexpectedResponse, not retried ---
  {
    name: "a 200 HTML page is UnexpectedResponse",
    fault: Fault.html(200),
    times: "always",
    expected: { _tag: "UnexpectedResponse", status: 200, excerpt: expect.stringContaining("<html>") },
    attempts: [responded(200)]
  },
  {
    name: "truncated JSON is UnexpectedResponse",
    fault: Fault.truncatedJson(202),
    times: "always",
    expected: { _tag: "UnexpectedResponse", status: 202, reason: "the body is not JSON" },
    attempts: [responded(202)]
  },
  {
    name: "JSON with the documented fields of the wrong types is UnexpectedResponse",
    op: "remove",
    fault: Fault.wrongTypes(202),
    times: "always",
    expected: {
      _tag: "UnexpectedResponse",
      status: 202,
      reason: expect.stringContaining("not the documented shape")
    },
    attempts: [responded(202)]
  },
  {
    name: "a 5 MB body is UnexpectedResponse (too large), without being read whole",
    fault: Fault.hugeBody(202, 5_000_000),
    times: "always",
    expected: { _tag: "UnexpectedResponse", status: 202, reason: expect.stringContaining("larger than") },
    attempts: [responded(202)]
  },
  {
    name: "an empty 202 is UnexpectedResponse",
    fault: Fault.empty(202),
    times: "always",
    expected: { _tag: "UnexpectedResponse", status: 202, reason: "the body is empty" },
    attempts: [responded(202)]
  },
  {
    name: "a JSON array for a 200 is UnexpectedResponse",
    fault: Fault.body(200, "[]"),
    times: "always",
    expected: { _tag: "UnexpectedResponse", status: 200 },
    attempts: [responded(200)]
  }
]

for (const transport of transports) {
  layer(transport.layer, { excludeTestServices: true })(`faults end to end over ${transport.name}`, (it) => {
    for (const c of cases) {
      const op = c.op ?? "add"
      it.effect(`${op}: ${c.name}`, () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          yield* fake.inject(c.fault, { route: op, times: c.times })
          const result = yield* Effect.result(call(sdk, op))
          if (c.expected === "success") {
            expect(result._tag).toBe("Success")
            // a fault replaces the answer: the change happened once, on the successful attempt
            expect(yield* fake.participants(C.iMessageGroup)).toEqual(afterSuccess(op))
          } else {
            expect(result._tag).toBe("Failure")
            if (result._tag === "Failure") expect(result.failure).toMatchObject(c.expected)
            expect(yield* fake.participants(C.iMessageGroup)).toEqual(initialMembers)
          }
          const journal = yield* fake.journal
          expect(journal.map((e) => e.outcome)).toEqual(c.attempts)
          expect(new Set(journal.map((e) => e.route))).toEqual(new Set([op]))
        })
      )
    }

    it.effect("add: a dropped connection is retried, and the retry succeeds", () =>
      Effect.gen(function* () {
        const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
        yield* fake.inject(Fault.disconnect, { route: "add", times: 1 })
        yield* call(sdk, "add", { maxRetries: 1 })
        expect(yield* fake.participants(C.iMessageGroup)).toEqual(afterSuccess("add"))
        expect((yield* fake.journal).map((e) => e.outcome)).toEqual([{ _tag: "Disconnected" }, accepted])
      })
    )

    // The README's caveat: an answer lost after Linq acted makes the retry meet its own first attempt.
    for (const [op, expected] of [
      ["add", "ParticipantAlreadyInChat"],
      ["remove", "ParticipantNotInChat"]
    ] as const) {
      for (const rules of ["server", "diagnose", "preflight"] as const) {
        it.effect(`${op} (${rules}): applied but the answer lost, the retry is ${expected}`, () =>
          Effect.gen(function* () {
            const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
            yield* fake.inject(Fault.answerLost, { route: op, times: 1 })
            const error = yield* Effect.flip(call(sdk, op, { maxRetries: 1, rules }))
            expect(error).toMatchObject({ _tag: expected, chatId: C.iMessageGroup })
            // the change took effect once, by the attempt whose answer was lost
            expect(yield* fake.participants(C.iMessageGroup)).toEqual(afterSuccess(op))
            const changes = (yield* fake.journal).filter((e) => e.route === op)
            expect(changes.map((e) => e.outcome._tag)).toEqual(["Disconnected", "Responded"])
          })
        )
      }
    }

    it.effect(
      "remove: a connection dropped every time is a ConnectionError after maxRetries + 1 attempts",
      () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          yield* fake.inject(Fault.disconnect, { route: "remove", times: "always" })
          const error = yield* Effect.flip(call(sdk, "remove", { maxRetries: 1 }))
          expect(error).toMatchObject({
            _tag: "ConnectionError",
            method: "DELETE",
            url: `${fake.baseUrl}/v3/chats/${C.iMessageGroup}/participants`
          })
          expect((yield* fake.journal).map((e) => e.outcome)).toEqual([
            { _tag: "Disconnected" },
            { _tag: "Disconnected" }
          ])
          expect(yield* fake.participants(C.iMessageGroup)).toEqual(initialMembers)
        })
    )

    it.effect(
      "add: a hang past the timeout is a RequestTimeout after maxRetries + 1 attempts, sockets closed",
      () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          yield* fake.inject(Fault.hang, { route: "add", times: "always" })
          const error = yield* Effect.flip(call(sdk, "add", { timeout: "100 millis", maxRetries: 1 }))
          expect(error).toMatchObject({
            _tag: "RequestTimeout",
            method: "POST",
            url: `${fake.baseUrl}/v3/chats/${C.iMessageGroup}/participants`,
            timeout: Duration.millis(100)
          })
          // the client gave up on each attempt: the server saw both requests go away
          const journal = yield* eventually(
            "both attempts interrupted at the server",
            fake.journal,
            (entries) => entries.length === 2 && entries.every((e) => e.outcome._tag === "Interrupted")
          )
          expect(journal.map((e) => e.route)).toEqual(["add", "add"])
          expect(yield* eventually("no open connection", fake.openConnections, (n) => n === 0)).toBe(0)
          expect(yield* fake.participants(C.iMessageGroup)).toEqual(initialMembers)
        })
    )

    it.effect("add: a delay past the timeout is abandoned (never applied) and the retry succeeds", () =>
      Effect.gen(function* () {
        const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
        yield* fake.inject(Fault.delay("1 second"), { route: "add", times: 1 })
        yield* call(sdk, "add", { timeout: "100 millis", maxRetries: 1 })
        const journal = yield* eventually(
          "the first attempt interrupted at the server",
          fake.journal,
          (entries) => entries[0]?.outcome._tag === "Interrupted"
        )
        expect(journal.map((e) => e.outcome)).toEqual([{ _tag: "Interrupted" }, accepted])
        expect(journal[0]?.fault).toEqual(Fault.delay("1 second"))
        // the delayed first attempt was interrupted: the newcomer was added once, by the retry
        expect(yield* fake.participants(C.iMessageGroup)).toEqual(afterSuccess("add"))
      })
    )
  })
}
