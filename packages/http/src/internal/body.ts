/**
 * Reading a response body as text, at most `maxBytes`, never buffering more,
 * without `effect/Stream`: a small loop over the body the transport already
 * holds (see `source.ts`), so that an answer with a `Content-Length`, a
 * chunked answer and a compressed one all cost the same (one read loop, one
 * decode). A web `ReadableStream` is read with its reader, a Node `Readable`
 * with its `data` events; past the cap the body is cancelled (the transport
 * drops the connection). A response of an unknown transport (a user's own
 * `HttpClientResponse`) is read through its own `arrayBuffer` (see
 * `readOther`).
 *
 * @internal
 */
import { Effect } from "effect"
import { HttpClientError, HttpClientResponse } from "effect/http"
import type { NodeStream, WebStream } from "./source.js"
import { bodyOf, isWebStream } from "./source.js"

/** A body read: its text, or, over the cap, the text of its start. */
export type Body =
  | { readonly _tag: "Read"; readonly text: string }
  | { readonly _tag: "TooLarge"; readonly start: string }

/** How many bytes of an over-cap body are kept to say what it was. */
const START_BYTES = 1024

const utf8 = new TextDecoder()
const noop = () => {}

/** Chunks read so far and their size. */
class Chunks {
  readonly parts: Array<Uint8Array> = []
  size = 0
  push(chunk: Uint8Array): number {
    this.parts.push(chunk)
    this.size += chunk.byteLength
    return this.size
  }
  /** The first `limit` bytes, as text. */
  text(limit: number): string {
    if (this.parts.length === 1 && this.size <= limit) return utf8.decode(this.parts[0])
    const all = new Uint8Array(Math.min(this.size, limit))
    let offset = 0
    for (const part of this.parts) {
      if (offset >= all.byteLength) break
      const slice = part.subarray(0, all.byteLength - offset)
      all.set(slice, offset)
      offset += slice.byteLength
    }
    return utf8.decode(all)
  }
  result(maxBytes: number): Body {
    return this.size > maxBytes
      ? { _tag: "TooLarge", start: this.text(START_BYTES) }
      : { _tag: "Read", text: this.text(this.size) }
  }
}

const readWeb = (stream: WebStream, maxBytes: number) =>
  Effect.callback<Chunks, unknown>((resume) => {
    const reader = stream.getReader()
    const chunks = new Chunks()
    let finished = false
    const pump = (): void => {
      reader.read().then(
        ({ done, value }) => {
          if (done || chunks.push(value) > maxBytes) {
            finished = true
            if (!done) reader.cancel().catch(noop)
            return resume(Effect.succeed(chunks))
          }
          pump()
        },
        (cause: unknown) => {
          finished = true
          resume(Effect.fail(cause))
        }
      )
    }
    pump()
    return Effect.sync(() => {
      if (!finished) reader.cancel().catch(noop)
    })
  })

const readNode = (stream: NodeStream, maxBytes: number) =>
  Effect.callback<Chunks, unknown>((resume) => {
    const chunks = new Chunks()
    if (stream.readableEnded === true) {
      resume(Effect.succeed(chunks))
      return
    }
    const stop = () => {
      stream.off("data", onData)
      stream.off("end", onEnd)
      stream.off("error", onError)
    }
    const onData = (chunk: Uint8Array) => {
      if (chunks.push(chunk) <= maxBytes) return
      stop()
      stream.destroy()
      resume(Effect.succeed(chunks))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(chunks))
    }
    const onError = (cause: unknown) => {
      stop()
      resume(Effect.fail(cause))
    }
    stream.on("error", onError)
    stream.on("end", onEnd)
    stream.on("data", onData)
    return Effect.sync(() => {
      stop()
      stream.destroy()
    })
  })

/**
 * A response of an unknown transport, through its own `arrayBuffer`: a
 * declared length over the cap is refused unread, but an undeclared one is
 * read whole before the cap is checked. (Its `stream` would be read under the
 * cap, at the price of `effect/Stream`'s consumer, about 30 KiB gzipped.)
 */
const readOther = (response: HttpClientResponse.HttpClientResponse, maxBytes: number) => {
  const headers = response.headers
  const length = Number(headers["content-length"])
  if (Number.isFinite(length) && length > maxBytes && headers["content-encoding"] === undefined) {
    return Effect.succeed<Body>({ _tag: "TooLarge", start: "" })
  }
  return Effect.map(response.arrayBuffer, (buffer) => {
    const chunks = new Chunks()
    chunks.push(new Uint8Array(buffer))
    return chunks.result(maxBytes)
  })
}

/**
 * The body as text, at most `maxBytes` (decompressed, when the transport
 * decompresses). A body that breaks off is the platform's `HttpClientError`
 * with a `DecodeError` reason, as the platform's own readers report it.
 */
export const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<Body, HttpClientError.HttpClientError> => {
  const body = bodyOf(response)
  if (body === undefined) return readOther(response, maxBytes)
  // A fetch response (a web body) is handed over with `toWeb`, which also takes it off the
  // platform's abort-at-GC registry (see `source.ts`).
  if (body === null || isWebStream(body)) HttpClientResponse.toWeb(response)
  if (body === null) return Effect.succeed({ _tag: "Read", text: "" })
  const read = isWebStream(body) ? readWeb(body, maxBytes) : readNode(body, maxBytes)
  return Effect.mapBoth(read, {
    onFailure: (cause) =>
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.DecodeError({ request: response.request, response, cause })
      }),
    onSuccess: (chunks) => chunks.result(maxBytes)
  })
}
