import { describe, expect, it } from "@effect/vitest"
import type { AddParticipantError, RemoveParticipantError } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Cause, Effect, Exit, Fiber, Layer } from "effect"
import type { Answer as AnswerT } from "../../http/test/RecordingHttpClient.js"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import {
  API_KEY,
  advanceUntil,
  CHAT_ID,
  captureLogs,
  captureSpans,
  linqLayer,
  RULE_TEXTS
} from "../../http/test/testkit.js"
import { addParticipant, removeParticipant } from "../src/index.js"

const PHONE = "+447911123456"
const EMAIL = "jane.doe+groups@example.org"

const cases: ReadonlyArray<{ readonly name: string; readonly answer: AnswerT; readonly tag?: string }> = [
  { name: "success", answer: Answer.accepted() },
  {
    name: "a rule violation",
    answer: Answer.envelope(400, { code: 1005, message: RULE_TEXTS.tooFew }),
    tag: "TooFewParticipants"
  },
  {
    name: "an API error",
    answer: Answer.envelope(401, { code: 2004, message: "Unauthorized" }),
    tag: "Unauthorized"
  },
  { name: "a connection error", answer: Answer.transportFailure(), tag: "ConnectionError" },
  { name: "a timeout", answer: Answer.never, tag: "RequestTimeout" },
  { name: "a bad 2xx body", answer: Answer.text(202, "<html/>"), tag: "UnexpectedResponse" }
]

type Operation = (
  chatId: string,
  params: { readonly handle: string },
  options: { readonly rules: "server" }
) => Effect.Effect<unknown, AddParticipantError | RemoveParticipantError, LinqHttpClient>

const operations: ReadonlyArray<readonly [string, Operation]> = [
  ["add", addParticipant],
  ["remove", removeParticipant]
]

describe("handles and the key stay out of logs, spans and error messages", () => {
  for (const [opName, op] of operations) {
    for (const handle of [PHONE, EMAIL]) {
      it.effect.each(cases)(
        `${opName} ${handle.includes("@") ? "email" : "phone"}: $name`,
        ({ answer, tag }) => {
          const logs = captureLogs()
          const spans = captureSpans()
          return Effect.gen(function* () {
            const recorder = yield* Recorder
            // "server": the rule comes from the answer's text (the default mode would need the chat's state to show it).
            const fiber = yield* Effect.forkChild(op(CHAT_ID, { handle }, { rules: "server" }))
            yield* advanceUntil(
              Effect.sync(() => fiber.pollUnsafe() !== undefined),
              "the call ending"
            )
            const exit = yield* Fiber.await(fiber)
            // The handle did go out, in the body.
            expect((yield* recorder.request(0)).body).toStrictEqual({ handle })
            if (tag === undefined) {
              expect(Exit.isSuccess(exit)).toBe(true)
            } else {
              const error = yield* Effect.flip(exit)
              expect(error._tag).toBe(tag)
              expect(error.message).not.toContain(handle)
              expect(String(error)).not.toContain(API_KEY)
              expect(JSON.stringify(error)).not.toContain(API_KEY)
              if (Exit.isFailure(exit)) expect(Cause.pretty(exit.cause)).not.toContain(API_KEY)
            }
            expect(logs.lines.length).toBeGreaterThan(0)
            for (const line of logs.lines) {
              expect(line).not.toContain(handle)
              expect(line).not.toContain(API_KEY)
            }
            const dumped = spans.dump()
            expect(dumped.some((span) => span.includes("linq.attempts"))).toBe(true)
            for (const span of dumped) {
              expect(span).not.toContain(handle)
              expect(span).not.toContain(API_KEY)
            }
          }).pipe(
            Effect.provide(linqLayer([Answer.transportFailure(), answer], { maxRetries: 1 })),
            Effect.provide(Layer.merge(logs.layer, spans.layer))
          )
        }
      )
    }
  }

  it.effect("an invalid handle is kept as data but not written in the message", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(addParticipant(CHAT_ID, { handle: "+44 7911 123456" }))
      expect(error._tag).toBe("InvalidHandle")
      if (error._tag !== "InvalidHandle") return
      expect(error.input).toBe("+44 7911 123456")
      expect(error.message).not.toContain("7911")
      expect(yield* (yield* Recorder).count).toBe(0)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})
