/**
 * Handles: the phone number or email address that identifies a participant.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import { InvalidHandle } from "./Errors.js"

const E164 = /^\+[1-9]\d{1,14}$/

/** One label of a domain name: letters and digits, inner hyphens. */
const label = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?`
/**
 * A pragmatic subset of RFC 5322: a local part of 1 to 64 characters with no
 * whitespace, control or format characters, no `@` and none of `"(),:;<>[\]`;
 * then a dotted domain of two or more labels.
 */
const EMAIL = new RegExp(String.raw`^[^\s\p{C}@"(),:;<>\[\\\]]{1,64}@(?:${label}\.)+${label}$`, "u")

/** The longest email address a mail server accepts (RFC 5321 path limit). */
const EMAIL_MAX_LENGTH = 254

/** What generated email addresses look like (always valid {@link EMAIL}s). */
const EMAIL_ARBITRARY = "^(?:[a-z0-9]{1,10}|[+_'-]){1,4}@[a-z0-9]{1,12}(?:\\.[a-z0-9]{1,12}){1,3}$"

/**
 * A phone number in E.164 form: `+`, then 2 to 15 digits, the first not 0; no
 * spaces, dashes or parentheses (`+12223334444`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PhoneNumber = Schema.String.check(
  // The pattern is also what generated phone numbers are built from.
  Schema.isPattern(E164, {
    message: "a phone number must be in E.164 form: + then 2 to 15 digits, the first not 0"
  })
).pipe(
  Schema.brand("PhoneNumber"),
  Schema.annotate({
    identifier: "PhoneNumber",
    description: "A phone number in E.164 form (+ then 2 to 15 digits, the first not 0)",
    examples: ["+12223334444" as never, "+442071234567" as never]
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type PhoneNumber = typeof PhoneNumber.Type

/**
 * An email address: one `@`, no whitespace or control characters, a dotted
 * domain, at most 254 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EmailAddress = Schema.String.check(
  Schema.makeFilter((s: string) => s.length <= EMAIL_MAX_LENGTH && EMAIL.test(s), {
    message: "an email address needs one @, no spaces or control characters, and a dotted domain",
    // Generated addresses: a local part of words and + _ - ', then 2 to 4 dotted labels.
    arbitraryConstraint: { patterns: [{ source: EMAIL_ARBITRARY, flags: "" }] }
  })
).pipe(
  Schema.brand("EmailAddress"),
  Schema.annotate({
    identifier: "EmailAddress",
    description: "An email address (one @, no whitespace, a dotted domain, at most 254 characters)",
    examples: ["user@example.com" as never]
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type EmailAddress = typeof EmailAddress.Type

/**
 * A participant's handle: an E.164 phone number or an email address.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Handle = Schema.Union([PhoneNumber, EmailAddress]).annotate({
  identifier: "Handle",
  description: "Phone number (E.164 format) or email address of a participant"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Handle = typeof Handle.Type

const decodeHandle = Schema.decodeUnknownResult(Handle)

/**
 * Why a string is not a handle, in words a person can act on.
 */
const describeProblem = (input: string): string => {
  if (input.length === 0) return "it is empty; expected an E.164 phone number or an email address"
  if (/^\+?[\d ().-]+$/.test(input)) {
    return "a phone number must be in E.164 form: + then 2 to 15 digits, the first not 0, without spaces, dashes or parentheses (for example +12223334444)"
  }
  if (/[\s\p{C}]/u.test(input)) return "it contains whitespace or control characters"
  // An @ means an email address was meant, even when the local part starts with + ("+tag@example").
  if (input.includes("@")) {
    return input.length > EMAIL_MAX_LENGTH
      ? `an email address can be at most ${EMAIL_MAX_LENGTH} characters`
      : "an email address needs exactly one @ and a dotted domain (for example user@example.com)"
  }
  if (input.startsWith("+") || /^[\d\s().-]+$/.test(input)) {
    return "a phone number must be in E.164 form: + then 2 to 15 digits, the first not 0 (for example +12223334444)"
  }
  return "expected an E.164 phone number (+12223334444) or an email address (user@example.com)"
}

/**
 * Validates a string as a {@link Handle}, failing with {@link InvalidHandle}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { parseHandle } from "@linq-effect/core"
 *
 * const handle = Effect.runSync(parseHandle("+12223334444"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseHandle = (input: string): Effect.Effect<Handle, InvalidHandle> =>
  Result.match(decodeHandle(input), {
    onFailure: () =>
      Effect.fail(
        typeof input === "string"
          ? new InvalidHandle({ input, reason: describeProblem(input) })
          : new InvalidHandle({
              input: String(input),
              reason: `expected a string, got ${input === null ? "null" : typeof input}`
            })
      ),
    onSuccess: Effect.succeed
  })

/**
 * Whether a value is a valid {@link Handle}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHandle: (u: unknown) => u is Handle = Schema.is(Handle)
