/**
 * How an answer goes on the wire: with a `Content-Length` (the default, as
 * Linq answers JSON), chunked (no length), or gzip-compressed when the
 * request's `Accept-Encoding` admits it (as a production server does).
 *
 * @internal
 */
import { HttpServerResponse } from "effect/http"
import { Effect, Stream } from "effect"
import type { Answer } from "./answers.js"

/** How answers are encoded: `"length"`, `"chunked"` or `"gzip"`. */
export type AnswerEncoding = "length" | "chunked" | "gzip"

/** Statuses an HTTP answer carries no body with. */
const NO_BODY = new Set([101, 103, 204, 205, 304])
const CHUNK = 16 * 1024

const admitsGzip = (acceptEncoding: string | undefined): boolean =>
  (acceptEncoding ?? "").split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase())
    return (coding === "gzip" || coding === "*") && !params.some((p) => /^q=0(\.0*)?$/.test(p))
  })

const gzip = (bytes: Uint8Array): Effect.Effect<Uint8Array> =>
  Effect.promise(() =>
    new Response(new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer()
      .then((buffer) => new Uint8Array(buffer))
  )

/** Turns an answer into the platform's response, encoded as asked. */
export const toResponse = (
  { status, headers, body }: Answer,
  encoding: AnswerEncoding,
  acceptEncoding: string | undefined
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
  const size = bytes.byteLength
  if (NO_BODY.has(status)) return Effect.succeed(HttpServerResponse.empty({ status, headers }))
  if (encoding === "chunked" && size > 0) {
    const step = Math.min(CHUNK, Math.ceil(size / 2))
    const chunks = Array.from({ length: Math.ceil(size / step) }, (_, i) =>
      bytes.subarray(i * step, (i + 1) * step)
    )
    return Effect.succeed(HttpServerResponse.stream(Stream.fromIterable(chunks), { status, headers }))
  }
  const zip = encoding === "gzip" && size > 0 && admitsGzip(acceptEncoding)
  const zipped = zip ? { "content-encoding": "gzip", vary: "accept-encoding" } : {}
  return Effect.map(zip ? gzip(bytes) : Effect.succeed(bytes), (sent) =>
    HttpServerResponse.raw(sent, {
      status,
      headers: { ...headers, ...zipped, "content-length": String(sent.byteLength) }
    })
  )
}
