/**
 * Issue 13: the key echoed in any encoding, and handles quoted by the server,
 * reach no `message`, rendering or span; the server's words stay readable.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { LinqHttpClient } from "../src/index.js"
import { Answer } from "./RecordingHttpClient.js"
import { addCall, captureSpans, linqLayer } from "./testkit.js"

const KEYS = ["sk_live_AbC/dEf+GhI/jKl==", "sk_test_x/y/z+1+2==", "key+with/slashes=and=pad"]
const u = (t: string) => Array.from(t, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")
const encodings: ReadonlyArray<readonly [string, (key: string) => string]> = [
  ["raw", (k) => `Bearer ${k}`],
  ["\\/", (k) => `Bearer ${k.replace(/\//g, "\\/")}`],
  ["\\u002f", (k) => `Bearer ${k.replace(/\//g, "\\u002f")}`],
  ["\\u002F", (k) => `Bearer ${k.replace(/\//g, "\\u002F")}`],
  ["all \\u", (k) => `Bearer ${u(k)}`],
  ["percent", (k) => `Bearer ${encodeURIComponent(k)}`],
  ["base64 of Bearer key", (k) => btoa(`Bearer ${k}`)],
  ["base64 of key", (k) => `Bearer ${btoa(k)}`],
  // Issue 13, further forms: HTML references, \x escapes, lowercase percent, base64 at every alignment.
  ["&#x2F; and &#43;", (k) => `Bearer ${k.replace(/\//g, "&#x2F;").replace(/\+/g, "&#43;")}`],
  ["\\x2f", (k) => `Bearer ${k.replace(/\//g, "\\x2f")}`],
  [
    "lowercase percent",
    (k) => `Bearer ${encodeURIComponent(k).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`
  ],
  ["base64 of Authorization: Bearer key", (k) => btoa(`Authorization: Bearer ${k}`)],
  ["Basic base64 of api:key", (k) => `Basic ${btoa(`api:${k}`)}`],
  ["base64url of x-api-key: key", (k) => btoa(`x-api-key: ${k}`).replace(/\+/g, "-").replace(/\//g, "_")]
]

const run = (key: string, body: string, status = 400) => runWith(key, body, "application/json", status)

const runWith = (key: string, body: string, contentType: string, status = 400) => {
  const spans = captureSpans()
  return Effect.gen(function* () {
    const client = yield* LinqHttpClient
    const exit = yield* Effect.exit(client.execute(addCall()))
    expect(Exit.isFailure(exit)).toBe(true)
    const error = yield* Effect.flip(exit)
    const texts = [error.message, String(error), JSON.stringify(error), ...spans.dump()]
    for (const span of spans.spans) {
      if (span.status._tag === "Ended") texts.push(String(span.status.exit), JSON.stringify(span.status.exit))
    }
    return { error, texts }
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        linqLayer([Answer.text(status, body, { "content-type": contentType })], {
          apiKey: key,
          maxRetries: 0
        })
      )
    ),
    Effect.provide(spans.layer)
  )
}

describe("the key, whatever its encoding, is in no error or span", () => {
  for (const key of KEYS) {
    for (const [name, encode] of encodings) {
      it.effect(`${key} ${name} in an envelope message`, () =>
        Effect.gen(function* () {
          // The body as PHP's json_encode writes it (escaped slashes), with the echo encoded further.
          const echoed = encode(key)
          const message = JSON.stringify(`bad header: ${echoed} here`).slice(1, -1).replace(/\\\\u/g, "\\u")
          const body = `{"success":false,"error":{"status":400,"message":"${message.replace(/\//g, "\\/")}"}}`
          const { error, texts } = yield* run(key, body)
          expect(error._tag).toBe("InvalidRequest")
          expect(error.message).toContain("bad header:")
          expect(error.message).toContain("here")
          for (const text of texts) {
            expect(text).not.toContain(key)
            expect(text).not.toContain(btoa(key).replace(/=+$/, ""))
            expect(text).not.toContain(btoa(`Bearer ${key}`).replace(/=+$/, ""))
            expect(text).not.toContain(encodeURIComponent(key))
            expect(text).not.toContain(echoed.slice(-12))
          }
        })
      )
      it.effect(`${key} ${name} in a 200 body that is not the shape (excerpt)`, () =>
        Effect.gen(function* () {
          const { error, texts } = yield* run(key, `<pre>Authorization: ${encode(key)}</pre>`, 200)
          expect(error._tag).toBe("UnexpectedResponse")
          for (const text of texts) {
            expect(text).not.toContain(key)
            expect(text).not.toContain(encodeURIComponent(key))
            expect(text).not.toContain(btoa(key).replace(/=+$/, ""))
            expect(text).not.toContain(encode(key).slice(-12))
          }
        })
      )
    }
  }
})

describe("handles quoted by the server are masked in message and spans", () => {
  const handles = [
    "+442071234567",
    "+1 205 249 9136",
    "+1-205-249-9136",
    "+12052499136",
    "bob@example.com",
    "a.b+c@mail.co.uk"
  ]
  for (const handle of handles) {
    it.effect(`${handle}`, () =>
      Effect.gen(function* () {
        const text = `Handle ${handle} is blocked by the carrier`
        const body = JSON.stringify({ success: false, error: { status: 400, message: text } })
        const { error, texts } = yield* run("sk_test_S3CRET-0f8e7d6c5b4a", body)
        expect(error._tag).toBe("InvalidRequest")
        expect(error.message).toMatch(/^Handle <(phone|email)> is blocked by the carrier$/)
        expect((error as { serverMessage?: string }).serverMessage).toBe(text)
        expect(String(error)).not.toContain(handle)
        for (const span of spans(texts)) expect(span).not.toContain(handle)
      })
    )
  }
})

describe("handles are masked before the excerpt is cut, and in long messages", () => {
  // The cut (120 characters) falls inside the number at each of these lengths of text before it.
  for (const before of [106, 109, 112, 114, 116, 118]) {
    it.effect(`a plain-text 400 with ${before} characters before the number`, () =>
      Effect.gen(function* () {
        const body = `${"x".repeat(before)} +442071234567 is blocked`
        const { error } = yield* runWith("sk_test_S3CRET-0f8e7d6c5b4a", body, "text/plain")
        expect(error._tag).toBe("InvalidRequest")
        expect(error.message).toContain("x".repeat(before))
        expect(error.message).not.toMatch(/\+\d/)
        expect(error.message).not.toContain("4420")
      })
    )
  }

  // Tens of thousands of characters an address's local part may hold, or that a number is made of.
  for (const filler of ["m", "a.", "1 ", "%2"]) {
    it.effect(`an envelope message of 60 000 characters of ${JSON.stringify(filler)}, then handles`, () =>
      Effect.gen(function* () {
        const long = filler.repeat(30_000 / filler.length).repeat(2)
        const said = `${long} Handle +442071234567 is blocked, write to bob@example.com`
        const body = JSON.stringify({ success: false, error: { status: 400, message: said } })
        const { error, texts } = yield* runWith("sk_test_S3CRET-0f8e7d6c5b4a", body, "application/json")
        expect(error._tag).toBe("InvalidRequest")
        expect(error.message).toBe(`${long} Handle <phone> is blocked, write to <email>`)
        expect((error as { serverMessage?: string }).serverMessage).toBe(said)
        for (const span of spans(texts)) {
          expect(span).not.toContain("+442071234567")
          expect(span).not.toContain("bob@example.com")
        }
      })
    )
  }
})

const spans = (texts: ReadonlyArray<string>) => texts.filter((t) => t.startsWith("Linq "))
