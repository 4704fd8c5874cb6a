/**
 * Generators of hostile inputs (handles and chat ids) and of hostile answers
 * (status × headers × body) for the reliability fuzzers.
 */
import * as fc from "fast-check"
import { API_KEY } from "./helpers.js"

const chars = (s: string): ReadonlyArray<string> => Array.from(s)

/**
 * Strings of `unit`s. (`fc.string({ unit })` with a custom unit rebuilds a
 * reverse mapping on every run: an array joined is much faster.)
 */
const joined = (unit: fc.Arbitrary<string>, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.array(unit, { minLength, maxLength }).map((units) => units.join(""))

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/** Path tricks, separators, injections, quotes, odd Unicode. */
export const TRICKS: ReadonlyArray<string> = [
  ".",
  "..",
  "...",
  "../",
  "..\\",
  "/..",
  "%2e%2e",
  "%2E%2e",
  "%2e",
  ".%2e",
  "%252e%252e",
  "%2f",
  "%2F",
  "%5c",
  "%00",
  "%0d%0a",
  "%",
  "/",
  "\\",
  "//",
  "?",
  "#",
  "&",
  "=",
  ";",
  ":",
  "@",
  "+",
  " ",
  "\t",
  "\r",
  "\n",
  "\r\n",
  "\r\nX-Injected: 1",
  "\nAuthorization: Bearer x",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\u200b",
  "\u200e",
  "\u202e",
  "\ufeff",
  "\ufffd",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\udc00\ud800",
  '"',
  "'",
  "`",
  "<",
  ">",
  "{",
  "}",
  "|",
  "^",
  "~",
  "é",
  "e\u0301",
  "ß",
  "İ",
  "名",
  "Ж",
  "😀",
  "👩‍👩‍👧",
  "\u{10ffff}",
  "．",
  "\u3002",
  "\uff0f",
  "\u2215",
  "Ａ",
  "\u0024{x}",
  "{chatId}",
  "$&",
  "__proto__",
  "constructor",
  "null",
  "undefined"
]

const trick = fc.constantFrom(...TRICKS)
/** Any code point, lone surrogates included. (`fc.string({ unit: "binary" })` takes a second to build.) */
const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c))
const controlChar = fc
  .integer({ min: 0, max: 0x9f })
  .filter((c) => c < 0x20 || c >= 0x7f)
  .map((c) => String.fromCharCode(c))
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))

/** One piece of a hostile string. */
export const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: trick },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
  { weight: 2, arbitrary: joined(codePoint, 0, 6) },
  { weight: 2, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 6 }) },
  { weight: 1, arbitrary: joined(controlChar, 0, 3) },
  { weight: 1, arbitrary: loneSurrogate }
)

/** Pieces glued together. */
export const glued: fc.Arbitrary<string> = fc.array(piece, { maxLength: 6 }).map((ps) => ps.join(""))

/** A piece repeated to 50–3000 UTF-16 units (cut anywhere, so possibly mid surrogate pair). */
export const long: fc.Arbitrary<string> = fc
  .tuple(
    piece.filter((p) => p.length > 0),
    fc.integer({ min: 50, max: 3000 })
  )
  .map(([p, n]) => p.repeat(Math.ceil(n / p.length)).slice(0, n))

/** `base` with a hostile piece inserted somewhere. */
export const spliced = (base: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(base, piece, fc.nat()).map(([b, p, at]) => {
    const i = at % (b.length + 1)
    return b.slice(0, i) + p + b.slice(i)
  })

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...chars("0123456789")), { minLength: min, maxLength: max }).map((d) => d.join(""))

/** A valid E.164 number. */
export const phone: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...chars("123456789")), digits(1, 14))
  .map(([first, rest]) => `+${first}${rest}`)

const label = fc
  .array(fc.constantFrom(...chars("abcdefghijklmnopqrstuvwxyz0123456789")), { minLength: 1, maxLength: 10 })
  .map((cs) => cs.join(""))

/** Emails whose local part is full of characters that mean something in a URL or a shell. */
export const email: fc.Arbitrary<string> = fc
  .tuple(
    joined(fc.constantFrom(...chars("abcXYZ019.%/\\'`{}|~!#$&*+=?^_-é名😀")), 1, 20),
    fc.array(label, { minLength: 2, maxLength: 3 })
  )
  .map(([local, labels]) => `${local}@${labels.join(".")}`)

/** Handles: valid ones, valid ones with a hostile piece spliced in, and plain hostile strings. */
export const fuzzedHandle: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: phone },
  { weight: 4, arbitrary: email },
  { weight: 4, arbitrary: spliced(phone) },
  { weight: 4, arbitrary: spliced(email) },
  { weight: 3, arbitrary: glued },
  { weight: 1, arbitrary: long },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "+",
      "+1",
      "+12",
      "+0123",
      "+1234567890123456",
      "a@b",
      "a@b.c",
      '"a b"@example.com',
      "a@example.com\r\nX-Injected: 1",
      `${"a".repeat(64)}@example.com`,
      `${"a".repeat(65)}@example.com`,
      `a@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(57)}`,
      `a@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(58)}`
    )
  }
)

/** Chat ids: UUIDs, UUIDs with a hostile piece spliced in, and plain hostile strings. */
export const fuzzedChatId: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 5, arbitrary: spliced(fc.uuid()) },
  { weight: 5, arbitrary: glued },
  { weight: 1, arbitrary: long },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      ".",
      "..",
      "...",
      " ",
      "%2e%2e",
      "a".repeat(256),
      "a".repeat(257),
      "é".repeat(256)
    )
  }
)

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/** Header values: printable Latin-1 without CR, LF or NUL (what an HTTP header can carry). */
const headerText = joined(
  fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c < 0x7f || c > 0x9f)
    .map((c) => String.fromCharCode(c)),
  0,
  40
)

const junkNumber = fc.oneof(
  fc.constantFrom(
    "",
    "0",
    "1",
    "-1",
    "-5",
    "0.5",
    "1.5",
    "1e3",
    "1e20",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "9".repeat(400),
    "  2  ",
    "2s",
    "0x10",
    "1,5",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Thu, 01 Jan 1970 00:00:01 GMT",
    "Thu, 01 Jan 1970 00:01:30 GMT",
    "tomorrow",
    "12",
    "May 5"
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  headerText
)

const shouldRetryJunk = fc.oneof(
  fc.constantFrom("true", "false", "TRUE", "False", "1", "0", "yes", "", " true", "true, false"),
  headerText
)

const contentType = fc.oneof(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "text/html",
    "text/plain",
    "application/octet-stream",
    "application/problem+json",
    "multipart/form-data; boundary=x"
  ),
  headerText
)

/** Answer headers: any of the retry hints (junk or not) and a content type. */
export const answerHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    "retry-after": junkNumber,
    "retry-after-ms": junkNumber,
    "x-should-retry": shouldRetryJunk,
    "content-type": contentType
  },
  { requiredKeys: [] }
)

const anyJson = fc.jsonValue({ maxDepth: 3 })

const ruleMessage = fc.constantFrom(
  "Participant is already in this chat",
  "Participant is not in this chat",
  "Group chats must have at least 3 participants",
  "Cannot add or remove participants in a direct message; group chats only",
  "Participant does not support the chat's messaging service (iMessage); create a new chat instead",
  "Rate limit exceeded",
  `Invalid token Bearer ${API_KEY}`
)

/** An error envelope, its fields sometimes of the wrong types. */
const envelope = fc
  .record(
    {
      success: fc.oneof(fc.boolean(), anyJson),
      error: fc.oneof(
        fc.record(
          {
            status: fc.oneof(fc.integer({ min: 100, max: 599 }), anyJson),
            code: fc.oneof(fc.integer({ min: 1000, max: 5999 }), anyJson),
            message: fc.oneof(ruleMessage, fc.string(), anyJson)
          },
          { requiredKeys: [] }
        ),
        anyJson
      ),
      trace_id: fc.oneof(fc.string(), anyJson)
    },
    { requiredKeys: [] }
  )
  .map((v) => JSON.stringify(v))

/** A success body, its fields sometimes of the wrong types. */
const successish = fc
  .record(
    {
      message: fc.oneof(fc.string(), anyJson),
      status: fc.oneof(fc.constantFrom("accepted"), fc.string(), anyJson),
      trace_id: fc.oneof(fc.string(), anyJson)
    },
    { requiredKeys: [] }
  )
  .map((v) => JSON.stringify(v))

/** Bodies that echo the request's Authorization header back (a debugging proxy, a chatty gateway). */
const echo = fc.constantFrom(
  `{"success":false,"error":{"status":401,"message":"Invalid API key: Bearer ${API_KEY}"},"trace_id":"t"}`,
  `{"success":false,"error":{"status":500,"message":"upstream failed"},"trace_id":"${API_KEY}"}`,
  `<html><body><pre>Authorization: Bearer ${API_KEY}</pre></body></html>`,
  `{"message":"${API_KEY}","status":7}`,
  `${"x".repeat(190)}Bearer ${API_KEY}`,
  `{"headers":{"authorization":"Bearer ${API_KEY}"}}`
)

/** The body of an answer. */
export type FuzzBody =
  | { readonly _tag: "Text"; readonly text: string }
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array }
  /** Some bytes, then the stream errors. */
  | { readonly _tag: "Broken"; readonly bytes: Uint8Array }

export const answerBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 3, arbitrary: envelope.map((text): FuzzBody => ({ _tag: "Text", text })) },
  { weight: 3, arbitrary: successish.map((text): FuzzBody => ({ _tag: "Text", text })) },
  { weight: 2, arbitrary: anyJson.map((v): FuzzBody => ({ _tag: "Text", text: JSON.stringify(v) ?? "" })) },
  {
    weight: 2,
    arbitrary: joined(codePoint, 0, 300).map((text): FuzzBody => ({ _tag: "Text", text }))
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): FuzzBody => ({ _tag: "Bytes", bytes }))
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("", " ", "null", "[]", "{}", "0", '""', "{", "<html>")
      .map((text): FuzzBody => ({ _tag: "Text", text }))
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60_000, max: 70_000 })
      .map(
        (n): FuzzBody => ({ _tag: "Text", text: `{"success":false,"error":{"message":"${"m".repeat(n)}"}}` })
      )
  },
  { weight: 2, arbitrary: echo.map((text): FuzzBody => ({ _tag: "Text", text })) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 50 }).map((bytes): FuzzBody => ({ _tag: "Broken", bytes }))
  }
)

/** One answer: a status, headers and a body, or a transport failure. */
export type FuzzAnswer =
  | {
      readonly _tag: "Answer"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly body: FuzzBody
    }
  | { readonly _tag: "TransportError" }

export const answer: fc.Arbitrary<FuzzAnswer> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .record({
        status: fc.oneof(
          fc.constantFrom(
            200,
            201,
            202,
            204,
            205,
            299,
            300,
            301,
            304,
            400,
            401,
            403,
            404,
            408,
            409,
            418,
            422,
            429,
            500,
            502,
            503,
            504,
            599
          ),
          fc.integer({ min: 200, max: 599 })
        ),
        headers: answerHeaders,
        body: answerBody
      })
      .map((a): FuzzAnswer => ({ _tag: "Answer", ...a }))
  },
  { weight: 1, arbitrary: fc.constant<FuzzAnswer>({ _tag: "TransportError" }) }
)

/** The answers to successive attempts (the last one repeats). */
export const answers: fc.Arbitrary<ReadonlyArray<FuzzAnswer>> = fc.array(answer, {
  minLength: 1,
  maxLength: 3
})
