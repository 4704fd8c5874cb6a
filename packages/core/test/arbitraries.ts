/**
 * fast-check generators shared by core's tests: valid handles and chat ids
 * built independently of the schemas' own arbitrary constraints, and the
 * characters the validators must refuse. Effect 4 no longer bundles
 * fast-check, and @effect/vitest's `it.prop` takes only Schemas or
 * `effect/Arbitrary` values, so properties over these generators run through
 * {@link fcProp} (`fc.assert(fc.property(...))` inside an `it`).
 */
import { it } from "@effect/vitest"
import * as fc from "fast-check"

/**
 * A property over fast-check arbitraries, registered as one test: `check`
 * gets the generated values as a tuple (like `it.prop`), may call `fc.pre`,
 * and fails the property by throwing (an `expect`) or returning `false`.
 */
export const fcProp = <const Arbs extends ReadonlyArray<fc.Arbitrary<unknown>>>(
  name: string,
  arbitraries: Arbs,
  check: (
    values: { -readonly [K in keyof Arbs]: Arbs[K] extends fc.Arbitrary<infer A> ? A : never }
  ) => unknown,
  parameters?: fc.Parameters<unknown>
): void => {
  it(name, () => {
    fc.assert(
      fc.property(
        fc.tuple(...(arbitraries as unknown as Array<fc.Arbitrary<unknown>>)),
        (values) => check(values as never) !== false
      ),
      parameters as fc.Parameters<[Array<unknown>]>
    )
  })
}

const chars = (s: string): ReadonlyArray<string> => Array.from(s)

export const digit = fc.constantFrom(...chars("0123456789"))
export const nonZeroDigit = fc.constantFrom(...chars("123456789"))
export const digits = (minLength: number, maxLength: number) =>
  fc.array(digit, { minLength, maxLength }).map((ds) => ds.join(""))

/** `+`, a digit 1-9, then 1 to 14 more digits: 2 to 15 digits in all. */
export const validPhone = fc.tuple(nonZeroDigit, digits(1, 14)).map(([first, rest]) => `+${first}${rest}`)

/** Characters allowed in an email's local part (a wide, RFC-ish selection, with non-ASCII letters). */
const localChar = fc.constantFrom(
  ...chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~éüßøñ名字ж")
)
const labelChar = fc.constantFrom(
  ...chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éü例子ж")
)
const labelInner = fc.constantFrom(...chars("abcdefghijklmnopqrstuvwxyz0123456789-"))

/** Dot-separated atoms (no leading, trailing or doubled dot), at most 64 characters. */
export const localPart = fc
  .array(
    fc.array(localChar, { minLength: 1, maxLength: 16 }).map((cs) => cs.join("")),
    { minLength: 1, maxLength: 4 }
  )
  .map((atoms) => atoms.join("."))
  .filter((s) => s.length <= 64)

/** One DNS label: 1 to 63 letters or digits, hyphens only inside. */
export const domainLabel = fc
  .tuple(
    labelChar,
    fc.option(fc.tuple(fc.array(labelInner, { maxLength: 20 }), labelChar), { nil: undefined })
  )
  .map(([first, rest]) => (rest === undefined ? first : `${first}${rest[0].join("")}${rest[1]}`))

export const domain = fc.array(domainLabel, { minLength: 2, maxLength: 5 }).map((ls) => ls.join("."))

export const validEmail = fc
  .tuple(localPart, domain)
  .map(([l, d]) => `${l}@${d}`)
  .filter((s) => s.length <= 254)

export const validHandle = fc.oneof(validPhone, validEmail)

/** Unicode whitespace, including line and paragraph separators and the BOM. */
export const WHITESPACE: ReadonlyArray<string> = [
  " ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\v",
  "\f",
  "\u00A0",
  "\u1680",
  "\u2000",
  "\u2003",
  "\u2009",
  "\u200A",
  "\u2028",
  "\u2029",
  "\u202F",
  "\u205F",
  "\u3000",
  "\uFEFF"
]

/** C0/C1 controls, DEL, invisible format characters. */
export const CONTROL: ReadonlyArray<string> = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\u001B",
  "\u001F",
  "\u007F",
  "\u0085",
  "\u009F",
  "\u00AD",
  "\u200B",
  "\u200E",
  "\u202E",
  "\u2066"
]

/** Unpaired UTF-16 surrogates. */
export const LONE_SURROGATES: ReadonlyArray<string> = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF"]

export const invisible = fc.constantFrom(...WHITESPACE, ...CONTROL, ...LONE_SURROGATES)

/** Inserts `c` into `s` at a generated position (0 to s.length). */
export const injectInto = (base: fc.Arbitrary<string>, injected: fc.Arbitrary<string>) =>
  fc.tuple(base, injected, fc.nat()).map(([s, c, n]) => {
    const at = n % (s.length + 1)
    return { base: s, injected: c, value: `${s.slice(0, at)}${c}${s.slice(at)}` }
  })

/** Characters safe in a chat id (a path segment), with some non-ASCII. */
const chatIdChar = fc.constantFrom(
  ...chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@éß名ж")
)

export const validChatId = (maxLength = 256) =>
  fc.oneof(
    fc.uuid(),
    fc
      .array(chatIdChar, { minLength: 1, maxLength })
      .map((cs) => cs.join(""))
      .filter((s) => s !== "." && s !== "..")
  )

export const PATH_UNSAFE: ReadonlyArray<string> = ["/", "?", "#", "%", "\\"]

/**
 * A value's content for `toStrictEqual`, whatever its key order and with
 * plain objects given the ordinary prototype: `effect/Arbitrary` builds
 * records with a null prototype, and tagged errors with their fields in
 * another order than their constructor, which Vitest's equality (of errors,
 * and of prototypes under `toStrictEqual`) tells apart from the decoded value.
 * An error becomes its class and its fields, so the class is still compared.
 */
export const normalize = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(normalize)
  if (u instanceof Error) return { class: u.constructor, fields: normalize({ ...u }) }
  if (typeof u === "object" && u !== null) {
    const proto: unknown = Object.getPrototypeOf(u)
    if (proto === null || proto === Object.prototype) {
      return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, normalize(v)]))
    }
  }
  return u
}
