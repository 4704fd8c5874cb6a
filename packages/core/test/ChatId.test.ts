import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import * as fc from "fast-check"
import { ChatId, InvalidChatId, parseChatId } from "../src/index.js"
import {
  CONTROL,
  fcProp,
  injectInto,
  LONE_SURROGATES,
  PATH_UNSAFE,
  validChatId,
  WHITESPACE
} from "./arbitraries.js"

const decodeChatId = Schema.decodeUnknownResult(ChatId)
const isChatId = Schema.is(ChatId)

/** Asserts that `input` is refused by the schema and by `parseChatId`. Returns the error. */
const rejected = (input: string): InvalidChatId => {
  expect(Result.isFailure(decodeChatId(input))).toBe(true)
  expect(isChatId(input)).toBe(false)
  const error = Effect.runSync(Effect.flip(parseChatId(input)))
  expect(error).toBeInstanceOf(InvalidChatId)
  expect(error._tag).toBe("InvalidChatId")
  expect(error.input).toBe(input)
  expect(error.reason.length).toBeGreaterThan(5)
  return error
}

/** Asserts that `input` is accepted and decodes to itself. */
const accepted = (input: string): void => {
  expect(decodeChatId(input)).toStrictEqual(Result.succeed(input))
  expect(isChatId(input)).toBe(true)
  expect(Effect.runSync(parseChatId(input))).toBe(input)
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const INVISIBLE_REASON = /whitespace or control characters/
const UNSAFE_REASON = /not allowed in a path segment/

describe("ChatId: concrete examples", () => {
  const valid = [
    "550e8400-e29b-41d4-a716-446655440000",
    "550E8400-E29B-41D4-A716-446655440000",
    "chat_123",
    "a",
    "...",
    ".hidden",
    "a..b",
    "a.",
    "~user",
    "id:with:colons",
    "id@host",
    "a+b=c;d,e&f$g!h'i(j)k*l",
    "名前",
    "é",
    "😀",
    "a".repeat(256)
  ]

  it.each(valid)("accepts %j", (input) => {
    accepted(input)
  })

  const invalid: ReadonlyArray<readonly [string, RegExp]> = [
    ["", /empty/],
    [".", /\. or \.\./],
    ["..", /\. or \.\./],
    ["a".repeat(257), /256/],
    ["a".repeat(100_000), /256/],
    ["%2e%2e", UNSAFE_REASON],
    ["%2E%2E", UNSAFE_REASON],
    ["%2e", UNSAFE_REASON],
    ["..%2f", UNSAFE_REASON],
    ["../etc", UNSAFE_REASON],
    ["../../v3/chats", UNSAFE_REASON],
    ["a/b", UNSAFE_REASON],
    ["/", UNSAFE_REASON],
    ["a?b=c", UNSAFE_REASON],
    ["a#frag", UNSAFE_REASON],
    ["a%20b", UNSAFE_REASON],
    ["..\\windows", UNSAFE_REASON],
    ["a\\b", UNSAFE_REASON],
    [" ", INVISIBLE_REASON],
    ["a b", INVISIBLE_REASON],
    [" 550e8400-e29b-41d4-a716-446655440000", INVISIBLE_REASON],
    ["550e8400-e29b-41d4-a716-446655440000\n", INVISIBLE_REASON],
    ["a\r\nX-Injected: 1", INVISIBLE_REASON],
    ["a\tb", INVISIBLE_REASON],
    ["a\u00A0b", INVISIBLE_REASON],
    ["a\u2028b", INVISIBLE_REASON],
    ["a\u3000b", INVISIBLE_REASON],
    ["\uFEFFabc", INVISIBLE_REASON],
    ["a\u0000b", INVISIBLE_REASON],
    ["a\u007Fb", INVISIBLE_REASON],
    ["a\u200Bb", INVISIBLE_REASON],
    ["a\u202Eb", INVISIBLE_REASON],
    ["\uD800", INVISIBLE_REASON],
    ["x\uDC00", INVISIBLE_REASON],
    ["\uDBFF\uDBFF", INVISIBLE_REASON]
  ]

  it.for(invalid)("rejects %j", ([input, reason]) => {
    expect(rejected(input).reason).toMatch(reason)
  })

  it.effect("parseChatId fails with InvalidChatId carrying the input and a reason", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseChatId("../secrets"))
      expect(error).toStrictEqual(
        new InvalidChatId({
          input: "../secrets",
          reason: "it contains a character that is not allowed in a path segment (/ ? # % \\)"
        })
      )
      expect(error.message).toContain("../secrets")
      expect(error.message).toContain("not allowed in a path segment")
    })
  )

  it.effect("parseChatId succeeds with the value unchanged", () =>
    Effect.gen(function* () {
      const id = yield* parseChatId("550e8400-e29b-41d4-a716-446655440000")
      expect(id).toBe("550e8400-e29b-41d4-a716-446655440000")
    })
  )

  it("the message of a very long chat id is truncated", () => {
    const error = rejected("x".repeat(10_000))
    expect(error.message.length).toBeLessThan(300)
    expect(error.input.length).toBe(10_000)
  })

  it("rejects values that are not strings", () => {
    for (const value of [undefined, null, 42, {}, ["a"]]) {
      expect(isChatId(value)).toBe(false)
      expect(Result.isFailure(decodeChatId(value))).toBe(true)
    }
  })
})

describe("ChatId: properties", () => {
  fcProp("ids of 1 to 256 safe characters are accepted and decode to themselves", [validChatId()], ([id]) => {
    accepted(id)
  })

  it.prop("the schema's own arbitrary produces only valid ids", [ChatId], ([id]) => {
    accepted(id)
  })

  it("parseChatId returns a valid id unchanged", () =>
    fc.assert(
      fc.asyncProperty(validChatId(), (id) =>
        Effect.runPromise(
          Effect.gen(function* () {
            expect(yield* parseChatId(id)).toBe(id)
          })
        )
      ),
      // each run runs an Effect; the other properties cover validity with many more runs
      { numRuns: 25 }
    ))

  fcProp(
    "a / ? # % or \\ anywhere is rejected",
    [injectInto(validChatId(255), fc.constantFrom(...PATH_UNSAFE))],
    ([{ value }]) => {
      expect(rejected(value).reason).toMatch(UNSAFE_REASON)
    }
  )

  fcProp(
    "whitespace, a control or format character, or a lone surrogate anywhere is rejected",
    [injectInto(validChatId(254), fc.constantFrom(...WHITESPACE, ...CONTROL, ...LONE_SURROGATES))],
    ([{ value }]) => {
      expect(rejected(value).reason).toMatch(INVISIBLE_REASON)
    }
  )

  fcProp(
    "more than 256 characters is rejected",
    [fc.tuple(validChatId(256), fc.integer({ min: 257, max: 5000 }))],
    ([[id, length]]) => {
      const input = id.repeat(Math.ceil(length / id.length)).slice(0, length)
      expect(input.length).toBe(length)
      expect(rejected(input).reason).toMatch(/256/)
    }
  )

  fcProp(
    "percent-encoded dot segments are rejected",
    [
      fc
        .constantFrom("%2e", "%2E", ".")
        .chain((a) => fc.constantFrom("%2e", "%2E", ".").map((b) => `${a}${b}`))
    ],
    ([input]) => {
      rejected(input)
    }
  )

  fcProp(
    "an id is accepted exactly when it has no unsafe character, fits, and is not . or ..",
    [fc.oneof(fc.string({ maxLength: 300 }), fc.fullUnicodeString({ maxLength: 300 }), validChatId())],
    ([s]) => {
      const expected =
        s.length >= 1 &&
        s.length <= 256 &&
        s !== "." &&
        s !== ".." &&
        !/[\s\p{Cc}\p{Cf}\p{Co}\p{Cn}/?#%\\]/u.test(s) &&
        !LONE_SURROGATE.test(s)
      expect(isChatId(s)).toBe(expected)
    }
  )
})
