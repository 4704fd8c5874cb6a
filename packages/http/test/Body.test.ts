/**
 * internal/body.ts alone: the capped read over a web stream (fetch's
 * `Response`), a Node `Readable` (undici's `body`, node:http's message), and
 * the fallback for a response it does not know.
 */
import { Readable } from "node:stream"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpClientRequest, HttpClientResponse } from "effect/http"
import { readBody } from "../src/internal/body.js"

const request = HttpClientRequest.get("http://127.0.0.1/x")
const bytes = (text: string) => new TextEncoder().encode(text)

/** A web stream of `chunks`, counting what is pulled and whether it was cancelled. */
const webStream = (chunks: ReadonlyArray<string | Uint8Array>) => {
  const seen = { pulled: 0, cancelled: false }
  let i = 0
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[i++]
        if (chunk === undefined) return controller.close()
        seen.pulled++
        controller.enqueue(typeof chunk === "string" ? bytes(chunk) : chunk)
      },
      cancel() {
        seen.cancelled = true
      }
    },
    { highWaterMark: 0 }
  )
  return { stream, seen }
}

/** A response shaped like undici's: its `source.body` a Node Readable. */
const nodeResponse = (readable: Readable): HttpClientResponse.HttpClientResponse => {
  const response = HttpClientResponse.fromWeb(request, new Response(null, { status: 200 }))
  return Object.assign(Object.create(response), { source: { statusCode: 200, body: readable } })
}

describe("readBody over a web stream", () => {
  it.effect("reads every chunk, whatever their split (a multi-byte character across two)", () =>
    Effect.gen(function* () {
      const { stream } = webStream([
        '{"a":"caf',
        bytes("\u00e9").subarray(0, 1),
        bytes("\u00e9").subarray(1),
        '"}'
      ])
      const body = yield* readBody(HttpClientResponse.fromWeb(request, new Response(stream)), 1024)
      expect(body).toEqual({ _tag: "Read", text: '{"a":"café"}' })
    })
  )

  it.effect("stops at the cap and cancels the rest", () =>
    Effect.gen(function* () {
      const { stream, seen } = webStream(Array.from({ length: 100 }, () => "x".repeat(100)))
      const body = yield* readBody(HttpClientResponse.fromWeb(request, new Response(stream)), 250)
      expect(body._tag).toBe("TooLarge")
      expect(seen.pulled).toBe(3)
      expect(seen.cancelled).toBe(true)
    })
  )

  it.effect("no body at all reads as empty", () =>
    Effect.gen(function* () {
      const body = yield* readBody(
        HttpClientResponse.fromWeb(request, new Response(null, { status: 204 })),
        10
      )
      expect(body).toEqual({ _tag: "Read", text: "" })
    })
  )
})

describe("readBody over a Node Readable", () => {
  it.effect("reads it whole under the cap", () =>
    Effect.gen(function* () {
      const body = yield* readBody(nodeResponse(Readable.from([bytes('{"a":'), bytes("1}")])), 1024)
      expect(body).toEqual({ _tag: "Read", text: '{"a":1}' })
    })
  )

  it.effect("stops at the cap and destroys the stream", () =>
    Effect.gen(function* () {
      let produced = 0
      const readable = new Readable({
        read() {
          produced++
          this.push(bytes("y".repeat(100)))
        }
      })
      const body = yield* readBody(nodeResponse(readable), 250)
      expect(body._tag).toBe("TooLarge")
      expect(readable.destroyed).toBe(true)
      expect(produced).toBeLessThan(10)
    })
  )

  it.effect("a stream that fails is an HttpClientError whose reason is a DecodeError", () =>
    Effect.gen(function* () {
      const readable = new Readable({
        read() {
          this.destroy(new Error("socket hang up"))
        }
      })
      const error = yield* Effect.flip(readBody(nodeResponse(readable), 250))
      expect(error._tag).toBe("HttpClientError")
      expect(error.reason._tag).toBe("DecodeError")
    })
  )
})
