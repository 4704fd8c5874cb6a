/**
 * The loopback Linq API for the bench, run in its own process (forked by
 * `startServer` in shared.ts) so its CPU is not charged to the clients.
 *
 * It answers the participant operations as the API does:
 * - `POST /api/partner/v3/chats/{chatId}/participants` → 202
 *   `{"message":"Participant addition queued","status":"accepted","trace_id":"..."}`
 * - `DELETE` on the same path → 200 `{"message":"Participant removal queued",...}`
 * - no bearer token → 401, anything else → 404, both in the API's error envelope.
 *
 * It reads (and parses) every request body, binds 127.0.0.1 on port 0 and
 * reports the port over IPC. It is deliberately lean: the clients are what is
 * measured, and on a 2-core machine the server must not become the bottleneck
 * sooner than it has to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"

const PREFIX = "/api/partner/v3/chats/"
const SUFFIX = "/participants"

let traceCounter = 0
const traceId = (): string => `bench-${process.pid.toString(36)}-${(traceCounter++).toString(36)}`

const send = (res: ServerResponse, status: number, body: string): void => {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body)
  })
  res.end(body)
}

const envelope = (status: number, code: number, message: string): string =>
  JSON.stringify({ success: false, error: { status, code, message }, trace_id: traceId() })

/** The status and body the API would answer with. */
const answer = (req: IncomingMessage, raw: string): readonly [number, string] => {
  const url = req.url ?? ""
  if (!req.headers.authorization?.startsWith("Bearer ")) {
    return [401, envelope(401, 2004, "Unauthorized")]
  }
  const isParticipants =
    url.startsWith(PREFIX) && url.endsWith(SUFFIX) && url.length > PREFIX.length + SUFFIX.length
  if (!isParticipants || (req.method !== "POST" && req.method !== "DELETE")) {
    return [404, envelope(404, 2001, "Not found")]
  }
  let handleField: unknown
  try {
    handleField = (JSON.parse(raw) as { handle?: unknown }).handle
  } catch {
    handleField = undefined
  }
  if (typeof handleField !== "string" || handleField.length === 0) {
    return [400, envelope(400, 1001, "handle is required")]
  }
  const adding = req.method === "POST"
  return [
    adding ? 202 : 200,
    `{"message":"Participant ${adding ? "addition" : "removal"} queued","status":"accepted","trace_id":"${traceId()}"}`
  ]
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  let raw = ""
  req.setEncoding("utf8")
  req.on("data", (chunk: string) => {
    raw += chunk
  })
  req.on("end", () => {
    const [status, body] = answer(req, raw)
    send(res, status, body)
  })
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
  if (message.type === "cpu") {
    const usage = process.cpuUsage()
    process.send?.({ type: "cpu", id: message.id, micros: usage.user + usage.system })
  }
})
process.on("disconnect", () => process.exit(0))
process.on("SIGTERM", () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
