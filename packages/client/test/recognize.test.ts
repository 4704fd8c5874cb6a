/**
 * Rule recognition from an answer's status, code and text, for each
 * operation: what a violation becomes, and what never does.
 */
import { describe, expect, it } from "@effect/vitest"
import type { ErrorMapping } from "@linq-effect/http"
import { Option } from "effect"
import * as fc from "fast-check"
import { RULE_TEXTS } from "../../http/test/testkit.js"
import { recognizeAdd, recognizeRemove } from "../src/internal/recognize.js"

type ApiAnswer = ErrorMapping.ApiAnswer

describe("recognizeAdd / recognizeRemove", () => {
  const answer = (status: number, code: number | undefined, message: string): ApiAnswer => ({
    status,
    message,
    ...(code === undefined ? {} : { code }),
    traceId: "trace-9"
  })
  const add = recognizeAdd("chat-1", "+12223334444")
  const remove = recognizeRemove("chat-1", "+12223334444")
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
    { name: "1006 on a 503", answer: answer(503, 1006, RULE_TEXTS.dm), add: undefined, remove: undefined },
    ...[
      "Another change to this chat is already in progress; try again",
      "Request already in the queue",
      "Please wait at least 3 seconds between changes",
      "Locked after at least 3 attempts"
    ].flatMap((text) =>
      [409, 400].map((status) => ({
        name: `${status} ${JSON.stringify(text)} (only looks like a rule)`,
        answer: answer(status, 1005, text),
        add: undefined,
        remove: undefined
      }))
    )
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

  it("a remove never yields an add-only violation, an add never ParticipantNotInChat", () =>
    fc.assert(
      fc.property(
        fc.record({
          status: fc.constantFrom(400, 403, 409, 422),
          code: fc.option(fc.integer({ min: 1000, max: 5999 }), { nil: undefined }),
          message: fc.oneof(fc.constantFrom(...Object.values(RULE_TEXTS)), fc.string())
        }),
        ({ status, code, message }) => {
          const a = answer(status, code, message)
          expect(["CrossServiceAddition", "ParticipantAlreadyInChat"]).not.toContain(tagOf(remove(a)))
          expect(tagOf(add(a))).not.toBe("ParticipantNotInChat")
        }
      )
    ))
})
