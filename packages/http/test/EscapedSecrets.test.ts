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
  ["base64 of key", (k) => `Bearer ${btoa(k)}`]
]

const run = (key: string, body: string, status = 400) => {
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
        linqLayer([Answer.text(status, body, { "content-type": "application/json" })], {
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

const spans = (texts: ReadonlyArray<string>) => texts.filter((t) => t.startsWith("Linq "))
