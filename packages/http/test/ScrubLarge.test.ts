/**
 * Issue 13: the scrubber and the handle masking on large adversarial text
 * (1 MB of characters that almost make a key, an escape or a handle) give the
 * exact expected text. Scanning is linear; these inputs made the previous
 * patterns backtrack for minutes, and the suite's timeout is the guard (no
 * wall-clock limit is asserted here).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { maskHandles, scrubber } from "../src/internal/scrub.js"

const KEY = "sk_live_AbC/dEf+GhI/jKl=="
const SIZE = 1_000_000

/** `piece` repeated to about `SIZE` characters (whole pieces, so the text around is known). */
const fill = (piece: string): string => piece.repeat(Math.ceil(SIZE / piece.length))

const u = (text: string) =>
  Array.from(text, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")

/** Near misses of the key and of its escapes: none of them is the key, so all stay as they are. */
const KEY_NEAR_MISSES = [
  "m",
  KEY.slice(0, -1),
  `${KEY.slice(0, 11)}\\/dEf+GhI\\/jKl= `,
  u(KEY).slice(0, -6),
  "\\u00",
  "\\\\",
  "\\",
  "%2",
  "%E2%82",
  `${encodeURIComponent(KEY).slice(0, -3)} `,
  "&#",
  "&#x2F",
  "&#1111111111;",
  `${btoa(`Bearer ${KEY}`).slice(0, 20)} `,
  "c2tfbGl2ZV9BYkMvZEVm"
]

/** The key as a server may echo it. */
const ECHOES = [
  KEY,
  KEY.replace(/\//g, "\\/"),
  KEY.replace(/\//g, "\\u002F"),
  u(KEY),
  encodeURIComponent(KEY),
  encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
  `${KEY.slice(0, 8)}${u(KEY.slice(8, 12))}${encodeURIComponent(KEY.slice(12, 20))}${KEY.slice(20).replace(/=/g, "\\u003D")}`,
  KEY.replace(/\//g, "&#x2f;").replace(/\+/g, "&#43;")
]

describe("the scrubber on 1 MB of near misses", () => {
  const scrub = scrubber(KEY)
  for (const near of KEY_NEAR_MISSES) {
    it.effect(
      `${JSON.stringify(near.slice(0, 24))} × ${Math.ceil(SIZE / near.length)}, the key echoed in each form between`,
      () =>
        Effect.sync(() => {
          const around = fill(near)
          // Nothing to cut: the text comes back as it is.
          expect(scrub(around) === around).toBe(true)
          for (const echo of ECHOES) {
            const out = scrub(`${around} ${echo} ${around}`)
            expect(out.length).toBe(2 * around.length + " <redacted> ".length)
            expect(out === `${around} <redacted> ${around}`).toBe(true)
          }
        })
    )
  }

  it.effect("base64 of the key, at each alignment in a longer base64 text, is cut with the whole run", () =>
    Effect.sync(() => {
      const around = fill("dGhlIHF1aWNrIGJyb3du ")
      for (const prefix of ["", "Bearer ", "Authorization: Bearer ", "api:", "x-api-key: "]) {
        for (const encoded of [
          btoa(`${prefix}${KEY}`),
          btoa(`${prefix}${KEY}`).replace(/\+/g, "-").replace(/\//g, "_")
        ]) {
          const out = scrub(`${around}${encoded} ${around}`)
          expect(out === `${around}<redacted> ${around}`).toBe(true)
        }
      }
    })
  )
})

/** Near misses of handles: none of them is a phone number or an email address. */
const HANDLE_NEAR_MISSES = [
  "m",
  "a.",
  "a@ ",
  " @b.c",
  "@",
  "+1 ",
  "+123456 ",
  "+1-2-3 ",
  "%2B12 ",
  "é名😀",
  '"@ '
]

const HANDLES = [
  ["+442071234567", "<phone>"],
  ["+1 (205) 249-9136", "<phone>"],
  ["%2B442071234567", "<phone>"],
  ["bob@example.com", "<email>"],
  ["a.b+c@mail.co.uk", "<email>"],
  ["é名😀x@exämple.de", "<email>"],
  ["bob%40example.com", "<email>"],
  ['"a b"@example.com', "<email>"]
] as const

describe("handle masking on 1 MB of near misses", () => {
  for (const near of HANDLE_NEAR_MISSES) {
    it.effect(`${JSON.stringify(near)} × ${Math.ceil(SIZE / near.length)}, a handle between`, () =>
      Effect.sync(() => {
        const around = fill(near)
        expect(maskHandles(around) === around).toBe(true)
        for (const [handle, mask] of HANDLES) {
          const out = maskHandles(`${around} Handle ${handle} is blocked ${around}`)
          expect(out === `${around} Handle ${mask} is blocked ${around}`).toBe(true)
        }
      })
    )
  }

  it.effect(
    "an address whose local part is 1 MB long is masked (its last 64 characters with the domain)",
    () =>
      Effect.sync(() => {
        const local = fill("m")
        const out = maskHandles(`${local}@example.com is blocked`)
        expect(out === `${local.slice(0, -64)}<email> is blocked`).toBe(true)
      })
  )

  it.effect("1 MB of addresses back to back are all masked", () =>
    Effect.sync(() => {
      const count = SIZE / 10
      const out = maskHandles("a@b.co, x ".repeat(count))
      expect(out === "<email>, x ".repeat(count)).toBe(true)
    })
  )
})
