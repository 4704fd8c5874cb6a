/**
 * What every part of the bench agrees on: the request each client sends, the
 * kinds of answer the loopback server gives, its lifecycle, and the run sizes
 * (full or quick).
 */
import { type ChildProcess, fork } from "node:child_process"
import { fileURLToPath } from "node:url"

/** A fixed, valid chat id (a UUID, as in every Linq example). */
export const CHAT_ID = "550e8400-e29b-41d4-a716-446655440000"
/** A fixed, valid E.164 handle. */
export const HANDLE = "+12223334444"
/** The bearer token every client sends; the loopback server only checks that one is present. */
export const API_KEY = "bench-key"
/** The path every client posts to, under the base URL. */
export const ADD_PATH = `/v3/chats/${CHAT_ID}/participants`

/**
 * The three kinds of answer a real server sends, each served under its own
 * path prefix by the one loopback server (see server.ts):
 * - `length`: identity body with `Content-Length`;
 * - `chunked`: identity body, `Transfer-Encoding: chunked`, no length (what
 *   gateways and proxies send);
 * - `gzip`: `Content-Encoding: gzip` with the compressed `Content-Length`,
 *   to a client whose `Accept-Encoding` names gzip; to any other client the
 *   same answer as `length` (as a real server does).
 */
export const KINDS = ["length", "chunked", "gzip"] as const
export type Kind = (typeof KINDS)[number]

/** `BENCH_KINDS=length,chunked` runs a subset (default: all three). */
export const selectedKinds = (): Kind[] => {
  const raw = process.env.BENCH_KINDS
  if (raw === undefined || raw.trim() === "") return [...KINDS]
  const wanted = raw.split(",").map((s) => s.trim())
  for (const w of wanted) {
    if (!(KINDS as ReadonlyArray<string>).includes(w)) {
      throw new Error(`unknown kind "${w}" in BENCH_KINDS (known: ${KINDS.join(", ")})`)
    }
  }
  return KINDS.filter((kind) => wanted.includes(kind))
}

/**
 * Whether the clients whose transport does not ask for compression by itself
 * (`undici.request`, `NodeHttpClient.layerUndici`) are set up to ask for it
 * and decompress in the `gzip` kind: `BENCH_GZIP=all` (default) does, with
 * undici's `decompress` interceptor and `accept-encoding: gzip`;
 * `BENCH_GZIP=default` leaves every client as it comes, so those get the
 * identity answer. See clients.ts.
 */
export const gzipEverywhere = (): boolean => process.env.BENCH_GZIP !== "default"

/** `BENCH_QUICK=1` or `--quick`: tiny counts, to prove the bench works end to end. */
export const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick")

/** Messages the loopback server sends over IPC. */
export type ServerMessage = { readonly type: "listening"; readonly port: number } | StatsMessage
/** The server process's counters so far. */
export interface ServerStats {
  /** CPU time (user + system), in microseconds. */
  readonly cpuMicros: number
  /** Answers sent, in all. */
  readonly answers: number
  /** Answers sent gzip-compressed. */
  readonly gzipAnswers: number
}
export interface StatsMessage extends ServerStats {
  readonly type: "stats"
  readonly id: number
}

/** A running loopback server in its own process. */
export interface LoopbackServer {
  readonly port: number
  /** `http://127.0.0.1:<port>/<kind>/api/partner`, the base URL a client of that kind is given. */
  readonly baseUrl: (kind: Kind) => string
  /** The server process's counters so far. */
  readonly stats: () => Promise<ServerStats>
  readonly close: () => Promise<void>
}

const serverPath = fileURLToPath(new URL("./server.ts", import.meta.url))

/**
 * Forks `server.ts` (the child inherits this process's `tsx` loader through
 * `execArgv`), waits for it to report the port it bound on 127.0.0.1.
 */
export const startServer = (): Promise<LoopbackServer> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = fork(serverPath, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
    let nextId = 0
    const pending = new Map<number, (stats: ServerStats) => void>()
    const onExit = (code: number | null) => reject(new Error(`loopback server exited early (code ${code})`))
    child.once("error", reject)
    child.once("exit", onExit)
    child.on("message", (raw) => {
      const message = raw as ServerMessage
      if (message.type === "stats") {
        pending.get(message.id)?.(message)
        pending.delete(message.id)
        return
      }
      child.off("exit", onExit)
      const port = message.port
      resolve({
        port,
        baseUrl: (kind) => `http://127.0.0.1:${port}/${kind}/api/partner`,
        stats: () =>
          new Promise((done) => {
            const id = nextId++
            pending.set(id, done)
            child.send({ type: "stats", id })
          }),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done()
            child.once("exit", () => done())
            child.kill("SIGTERM")
          })
      })
    })
  })

/** Percentile (nearest rank) of an ascending-sorted array. */
export const percentile = (sorted: Float64Array, p: number): number => {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN
}
