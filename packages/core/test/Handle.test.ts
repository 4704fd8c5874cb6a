import { describe, expect, it } from "@effect/vitest"
import { EmailAddress, Handle, InvalidHandle, isHandle, PhoneNumber, parseHandle } from "../src/index.js"
import { Effect, Result, Schema } from "effect"
import * as fc from "fast-check"
import {
  CONTROL,
  digits,
  domain,
  fcProp,
  domainLabel,
  injectInto,
  invisible,
  LONE_SURROGATES,
  localPart,
  nonZeroDigit,
  validEmail,
  validHandle,
  validPhone,
  WHITESPACE
} from "./arbitraries.js"

const decodeHandle = Schema.decodeUnknownResult(Handle)
const isPhone = Schema.is(PhoneNumber)
const isEmail = Schema.is(EmailAddress)

/** Asserts that `input` is refused everywhere: the schema, the guard and `parseHandle`. Returns the error. */
const rejected = (input: string): InvalidHandle => {
  expect(Result.isFailure(decodeHandle(input))).toBe(true)
  expect(isHandle(input)).toBe(false)
  const error = Effect.runSync(Effect.flip(parseHandle(input)))
  expect(error).toBeInstanceOf(InvalidHandle)
  expect(error._tag).toBe("InvalidHandle")
  expect(error.input).toBe(input)
  expect(error.reason.length).toBeGreaterThan(10)
  return error
}

/** Asserts that `input` is accepted everywhere and decodes to itself. */
const accepted = (input: string): void => {
  expect(decodeHandle(input)).toStrictEqual(Result.succeed(input))
  expect(isHandle(input)).toBe(true)
  expect(Effect.runSync(parseHandle(input))).toBe(input)
}

const PHONE_REASON = /E\.164/
const INVISIBLE_REASON = /whitespace or control characters/

describe("Handle: concrete examples", () => {
  const validPhones = [
    "+12223334444",
    "+442071234567",
    "+33142685300",
    "+12", // the shortest: 2 digits
    "+123456789012345", // the longest: 15 digits
    "+900000000000000"
  ]
  const validEmails = [
    "user@example.com",
    "USER@Example.COM",
    "first.last+tag@sub.example.co.uk",
    "o'brien@example.ie",
    "a@b.co",
    "x_y-z@xn--bcher-kva.example",
    "用户@例子.广告",
    "jörg@müller.de",
    "1234@example.com",
    `${"a".repeat(64)}@example.com`,
    // exactly 254 characters
    `${"l".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(57)}.com`
  ]

  it("the 254-character example really is 254 characters", () => {
    expect(validEmails.at(-1)!.length).toBe(254)
  })

  it.each(validPhones)("accepts the phone number %j", (input) => {
    accepted(input)
    expect(isPhone(input)).toBe(true)
    expect(isEmail(input)).toBe(false)
  })

  it.each(validEmails)("accepts the email address %j", (input) => {
    accepted(input)
    expect(isEmail(input)).toBe(true)
    expect(isPhone(input)).toBe(false)
  })

  const invalid: ReadonlyArray<readonly [string, RegExp]> = [
    ["", /empty/],
    ["+", PHONE_REASON],
    ["+1", PHONE_REASON],
    ["+0", PHONE_REASON],
    ["+0123456789", PHONE_REASON],
    ["+1234567890123456", PHONE_REASON],
    ["12223334444", PHONE_REASON],
    ["2223334444", PHONE_REASON],
    ["+1-222-333-4444", PHONE_REASON],
    ["+1(222)3334444", PHONE_REASON],
    ["+1.222.333.4444", PHONE_REASON],
    ["222-333-4444", PHONE_REASON],
    ["++12223334444", PHONE_REASON],
    ["+1222333444a", PHONE_REASON],
    ["+１２２２３３３４４４４", PHONE_REASON], // full-width digits
    ["+١٢٢٢٣٣٣٤٤٤٤", PHONE_REASON], // Arabic-Indic digits
    ["＋12223334444", /E\.164|email/], // full-width plus
    ["+1 222 333 4444", PHONE_REASON],
    ["(222) 333-4444", PHONE_REASON],
    ["+12223334444\n", INVISIBLE_REASON],
    ["\n+12223334444", INVISIBLE_REASON],
    [" +12223334444", INVISIBLE_REASON],
    ["+12223334444\u0000", INVISIBLE_REASON],
    ["+1222\u200B3334444", INVISIBLE_REASON],
    ["user", /E\.164|email/],
    ["user@", /@/],
    ["@example.com", /@/],
    ["user@example", /dotted domain/],
    ["user@localhost", /dotted domain/],
    ["user@@example.com", /one @/],
    ["a@b@example.com", /one @/],
    ["user@example..com", /@/],
    ["user@.example.com", /@/],
    ["user@example.com.", /@/],
    ["user@-example.com", /@/],
    ["user@example-.com", /@/],
    ["user@exa_mple.com", /@/],
    ['"john doe"@example.com', INVISIBLE_REASON],
    ['"john"@example.com', /@/],
    ["john<doe>@example.com", /@/],
    ["john@[127.0.0.1]", /@/],
    ["user @example.com", INVISIBLE_REASON],
    ["user@exam ple.com", INVISIBLE_REASON],
    ["user@example.com ", INVISIBLE_REASON],
    ["user\r\n@example.com", INVISIBLE_REASON],
    ["user@example.com\r\nBcc: victim@example.com", INVISIBLE_REASON],
    ["us\u0000er@example.com", INVISIBLE_REASON],
    ["user\u00A0@example.com", INVISIBLE_REASON],
    ["user\u2028@example.com", INVISIBLE_REASON],
    ["user\uFEFF@example.com", INVISIBLE_REASON],
    ["user\u200B@example.com", INVISIBLE_REASON],
    ["user\uD800@example.com", INVISIBLE_REASON],
    ["user@exa\uDC00mple.com", INVISIBLE_REASON],
    [`${"a".repeat(65)}@example.com`, /@/],
    [`${"l".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(58)}.com`, /254/],
    [`${"a".repeat(100_000)}@example.com`, /254/],
    [`+1${"2".repeat(100_000)}`, PHONE_REASON],
    ["a".repeat(100_000), /E\.164|email/]
  ]

  it.for(invalid)("rejects %j", ([input, reason]) => {
    const error = rejected(input)
    expect(error.reason).toMatch(reason)
  })

  it.effect("parseHandle fails with InvalidHandle carrying the input and a reason", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseHandle("+1 (222) 333-4444"))
      expect(error).toStrictEqual(
        new InvalidHandle({
          input: "+1 (222) 333-4444",
          reason:
            "a phone number must be in E.164 form: + then 2 to 15 digits, the first not 0, without spaces, dashes or parentheses (for example +12223334444)"
        })
      )
      const tooLong = yield* Effect.flip(parseHandle("+1234567890123456"))
      expect(tooLong.input).toBe("+1234567890123456")
      expect(tooLong.reason).toContain("2 to 15 digits")
    })
  )

  it.effect("parseHandle succeeds with the branded value, unchanged", () =>
    Effect.gen(function* () {
      const phone = yield* parseHandle("+12223334444")
      const email = yield* parseHandle("Jane.Doe@Example.com")
      expect(phone).toBe("+12223334444")
      // no normalisation: case is kept
      expect(email).toBe("Jane.Doe@Example.com")
    })
  )

  it("rejects values that are not strings", () => {
    for (const value of [undefined, null, 12223334444, { handle: "+12223334444" }, ["+12223334444"]]) {
      expect(isHandle(value)).toBe(false)
      expect(Result.isFailure(decodeHandle(value))).toBe(true)
    }
  })
})

describe("Handle: properties, accepted", () => {
  fcProp("every E.164 number (+, 2 to 15 digits, first not 0) is a PhoneNumber", [validPhone], ([phone]) => {
    accepted(phone)
    expect(isPhone(phone)).toBe(true)
  })

  fcProp(
    "every well-formed email address up to 254 characters is an EmailAddress",
    [validEmail],
    ([email]) => {
      accepted(email)
      expect(isEmail(email)).toBe(true)
    }
  )

  it.prop("the schema's own arbitrary produces only valid handles", [Handle], ([handle]) => {
    accepted(handle)
  })

  it("parseHandle returns a valid handle unchanged", () =>
    fc.assert(
      fc.asyncProperty(validHandle, (handle) =>
        Effect.runPromise(
          Effect.gen(function* () {
            const parsed = yield* parseHandle(handle)
            expect(parsed).toBe(handle)
            expect(Schema.encodeSync(Handle)(parsed)).toBe(handle)
          })
        )
      ),
      // each run runs an Effect; the other properties cover validity with many more runs
      { numRuns: 25 }
    ))
})

describe("Handle: properties, rejected", () => {
  fcProp(
    "a phone number with any separator, letter or invisible character inserted anywhere",
    [
      injectInto(
        validPhone,
        fc.constantFrom(" ", "-", "(", ")", ".", "/", "x", "#", "*", ",", ...WHITESPACE, ...CONTROL)
      )
    ],
    ([{ value }]) => {
      expect(rejected(value).reason).toMatch(/E\.164|whitespace or control/)
    }
  )

  fcProp("more than 15 digits", [fc.tuple(nonZeroDigit, digits(15, 40))], ([[first, rest]]) => {
    expect(rejected(`+${first}${rest}`).reason).toMatch(PHONE_REASON)
  })

  fcProp("a leading 0 after the +", [digits(1, 14)], ([rest]) => {
    expect(rejected(`+0${rest}`).reason).toMatch(PHONE_REASON)
  })

  fcProp("a phone number without its +", [fc.tuple(nonZeroDigit, digits(1, 14))], ([[first, rest]]) => {
    expect(rejected(`${first}${rest}`).reason).toMatch(PHONE_REASON)
  })

  fcProp(
    "an email address with whitespace, a control character or a lone surrogate anywhere",
    [injectInto(validEmail, invisible)],
    ([{ value }]) => {
      expect(rejected(value).reason).toMatch(INVISIBLE_REASON)
    }
  )

  fcProp(
    "a lone surrogate anywhere in any handle",
    [injectInto(validHandle, fc.constantFrom(...LONE_SURROGATES))],
    ([{ value }]) => {
      expect(rejected(value).reason).toMatch(INVISIBLE_REASON)
    }
  )

  fcProp(
    "an email address with a second @ anywhere",
    [fc.tuple(localPart, localPart, domain)],
    ([[a, b, d]]) => {
      expect(rejected(`${a}@${b}@${d}`).reason).toMatch(/one @/)
      expect(rejected(`${a}@@${d}`).reason).toMatch(/one @/)
    }
  )

  fcProp("an email address whose domain has no dot", [fc.tuple(localPart, domainLabel)], ([[l, label]]) => {
    expect(rejected(`${l}@${label}`).reason).toMatch(/dotted domain/)
  })

  fcProp(
    "an email address longer than 254 characters",
    [
      fc.tuple(
        localPart,
        fc.array(domainLabel, { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 1, max: 500 })
      )
    ],
    ([[l, labels, extra]]) => {
      const head = `${l}@${labels.join(".")}`
      // pad with 50-character labels until the address is too long
      let input = head
      while (input.length <= 254 + extra) input = `${input}.${"p".repeat(50)}`
      expect(input.length).toBeGreaterThan(254)
      expect(rejected(input).reason).toMatch(/254/)
    }
  )

  fcProp(
    "arbitrary strings without @ or a leading + are never handles",
    [fc.string({ maxLength: 64 })],
    ([s]) => {
      fc.pre(!s.includes("@") && !/^\+\d+$/.test(s))
      rejected(s)
    }
  )

  fcProp(
    "arbitrary strings are accepted exactly when they are a phone or an email",
    [fc.oneof(fc.string(), fc.fullUnicodeString(), validHandle)],
    ([s]) => {
      expect(isHandle(s)).toBe(isPhone(s) || isEmail(s))
      expect(Result.isSuccess(decodeHandle(s))).toBe(isHandle(s))
    }
  )
})
