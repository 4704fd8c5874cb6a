/**
 * How an answer goes on the wire: with a `Content-Length` (the default, as
 * Linq answers JSON), chunked (no length), or gzip-compressed when the
 * request's `Accept-Encoding` admits it (as a production server does).
 *
 * @internal
 */
import { HttpServerResponse } from "@effect/platform"
import { Effect, Stream } from "effect"
import type { Answer } from "./answers.js"

/** How answers are encoded: `"length"`, `"chunked"` or `"gzip"`. */
export type AnswerEncoding = "length" | "chunked" | "gzip"

/** Statuses an HTTP answer carries no body with. */
const NO_BODY = new Set([101, 103, 204, 205, 304])
const CHUNK = 16 * 1024
const utf8 = new TextEncoder()

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

const withLength = (answer: Answer, bytes: Uint8Array, headers: Record<string, string> = {}) =>
  HttpServerResponse.raw(bytes, {
    status: answer.status,
    headers: { ...answer.headers, ...headers, "content-length": String(bytes.byteLength) }
  })

/** Turns an answer into the platform's response, encoded as asked. */
export const toResponse = (
  answer: Answer,
  encoding: AnswerEncoding,
  acceptEncoding: string | undefined
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const bytes = typeof answer.body === "string" ? utf8.encode(answer.body) : answer.body
  if (NO_BODY.has(answer.status)) {
    return Effect.succeed(HttpServerResponse.empty({ status: answer.status, headers: answer.headers }))
  }
  if (bytes.byteLength === 0 || encoding === "length") return Effect.succeed(withLength(answer, bytes))
  if (encoding === "gzip") {
    if (!admitsGzip(acceptEncoding)) return Effect.succeed(withLength(answer, bytes))
    return Effect.map(gzip(bytes), (zipped) =>
      withLength(answer, zipped, { "content-encoding": "gzip", vary: "accept-encoding" })
    )
  }
  const chunks: Array<Uint8Array> = []
  const size = Math.min(CHUNK, Math.ceil(bytes.byteLength / 2))
  for (let at = 0; at < bytes.byteLength; at += size) chunks.push(bytes.subarray(at, at + size))
  return Effect.succeed(
    HttpServerResponse.stream(Stream.fromIterable(chunks), {
      status: answer.status,
      headers: answer.headers,
      ...(answer.headers["content-type"] === undefined ? {} : { contentType: answer.headers["content-type"] })
    })
  )
}
