/**
 * The loopback Linq API for the bench, run in its own process (forked by
 * `startServer` in shared.ts) so its CPU is not charged to the clients.
 *
 * It answers the participant operations as the API does, under one path
 * prefix per kind of answer (`/length`, `/chunked`, `/gzip`, see `KINDS` in
 * shared.ts), so every kind is served by the same process at once:
 * - `POST /<kind>/api/partner/v3/chats/{chatId}/participants` → 202
 *   `{"message":"Participant addition queued","status":"accepted","trace_id":"..."}`
 * - `DELETE` on the same path → 200 `{"message":"Participant removal queued",...}`
 * - no bearer token → 401, anything else → 404, both in the API's error envelope.
 *
 * How each kind is sent:
 * - `length`: `Content-Length`, the body in one write;
 * - `chunked`: `Transfer-Encoding: chunked`, no length, the body as one chunk
 *   (what a gateway or proxy that streams sends);
 * - `gzip`: `Content-Encoding: gzip` and the compressed `Content-Length`
 *   (only the encoding differs from `length`), when the request's
 *   `Accept-Encoding` names gzip; otherwise exactly as `length` (a real
 *   server does not compress for a client that did not ask). The gzipped
 *   bodies are made once at start (a ring of distinct trace ids), so a
 *   compressed answer costs the server no more than a plain one and the
 *   server is not what slows that kind down.
 *
 * It reads (and parses) every request body, binds 127.0.0.1 on port 0,
 * reports the port over IPC, and answers `stats` (its CPU time, answers sent,
 * how many gzipped) over IPC. It is deliberately lean: the clients are what
 * is measured, and on a 2-core machine the server must not become the
 * bottleneck sooner than it has to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { gzipSync } from "node:zlib"
import { KINDS, type Kind, type StatsMessage } from "./shared.js"

const API = "/api/partner/v3/chats/"
const SUFFIX = "/participants"

let traceCounter = 0
const traceId = (): string => `bench-${process.pid.toString(36)}-${(traceCounter++).toString(36)}`

const queued = (adding: boolean, trace: string): string =>
  `{"message":"Participant ${adding ? "addition" : "removal"} queued","status":"accepted","trace_id":"${trace}"}`

/** Pre-compressed answers (add and remove), cycled through. */
const GZIP_RING = 1024
const gzipped = (adding: boolean): Buffer[] =>
  Array.from({ length: GZIP_RING }, (_, i) => gzipSync(queued(adding, `bench-gzip-${i.toString(36)}`)))
const gzippedAdd = gzipped(true)
const gzippedRemove = gzipped(false)
let gzipNext = 0

let answers = 0
let gzipAnswers = 0

const send = (res: ServerResponse, kind: Kind, status: number, body: string): void => {
  answers++
  if (kind === "chunked") {
    res.writeHead(status, { "content-type": "application/json", "transfer-encoding": "chunked" })
  } else {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  }
  res.end(body)
}

const sendGzip = (res: ServerResponse, status: number, adding: boolean): void => {
  answers++
  gzipAnswers++
  const body = (adding ? gzippedAdd : gzippedRemove)[gzipNext++ % GZIP_RING]!
  res.writeHead(status, {
    "content-type": "application/json",
    "content-encoding": "gzip",
    "content-length": body.byteLength,
    vary: "accept-encoding"
  })
  res.end(body)
}

const envelope = (status: number, code: number, message: string): string =>
  JSON.stringify({ success: false, error: { status, code, message }, trace_id: traceId() })

/** `/length/api/...` → `length` and `/api/...`; `undefined` for an unknown prefix. */
const splitKind = (url: string): readonly [Kind, string] | undefined => {
  const slash = url.indexOf("/", 1)
  if (slash < 0) return undefined
  const prefix = url.slice(1, slash)
  const kind = KINDS.find((k) => k === prefix)
  return kind === undefined ? undefined : [kind, url.slice(slash)]
}

const acceptsGzip = (req: IncomingMessage): boolean => {
  const accept = req.headers["accept-encoding"]
  return accept !== undefined && /\bgzip\b/i.test(accept)
}

/** Answers as the API would, in the kind of answer the path asks for. */
const answer = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
  const split = splitKind(req.url ?? "")
  const kind = split?.[0] ?? "length"
  if (!req.headers.authorization?.startsWith("Bearer ")) {
    send(res, kind, 401, envelope(401, 2004, "Unauthorized"))
    return
  }
  const path = split?.[1] ?? ""
  const isParticipants =
    path.startsWith(API) && path.endsWith(SUFFIX) && path.length > API.length + SUFFIX.length
  if (!isParticipants || (req.method !== "POST" && req.method !== "DELETE")) {
    send(res, kind, 404, envelope(404, 2001, "Not found"))
    return
  }
  let handleField: unknown
  try {
    handleField = (JSON.parse(raw) as { handle?: unknown }).handle
  } catch {
    handleField = undefined
  }
  if (typeof handleField !== "string" || handleField.length === 0) {
    send(res, kind, 400, envelope(400, 1001, "handle is required"))
    return
  }
  const adding = req.method === "POST"
  const status = adding ? 202 : 200
  if (kind === "gzip" && acceptsGzip(req)) sendGzip(res, status, adding)
  else send(res, kind, status, queued(adding, traceId()))
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  let raw = ""
  req.setEncoding("utf8")
  req.on("data", (chunk: string) => {
    raw += chunk
  })
  req.on("end", () => answer(req, res, raw))
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.requestTimeout = 0
server.maxRequestsPerSocket = 0

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("unexpected server address")
  process.send?.({ type: "listening", port: address.port })
})

process.on("message", (raw) => {
  const message = raw as { type?: string; id?: number }
  if (message.type === "stats" && message.id !== undefined) {
    const usage = process.cpuUsage()
    const stats: StatsMessage = {
      type: "stats",
      id: message.id,
      cpuMicros: usage.user + usage.system,
      answers,
      gzipAnswers
    }
    process.send?.(stats)
  }
})
process.on("disconnect", () => process.exit(0))
process.on("SIGTERM", () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
