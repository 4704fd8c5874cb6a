/**
 * What every part of the bench agrees on: the request each client sends, the
 * loopback server's lifecycle, and the run sizes (full or quick).
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

/** `BENCH_QUICK=1` or `--quick`: tiny counts, to prove the bench works end to end. */
export const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick")

/** Messages the loopback server sends over IPC. */
export type ServerMessage = { readonly type: "listening"; readonly port: number } | CpuMessage
/** The server process's CPU time so far, in microseconds (user + system). */
export interface CpuMessage {
  readonly type: "cpu"
  readonly id: number
  readonly micros: number
}

/** A running loopback server in its own process. */
export interface LoopbackServer {
  readonly port: number
  /** `http://127.0.0.1:<port>/api/partner`, the base URL every client is given. */
  readonly baseUrl: string
  /** The server process's CPU time so far (user + system), in microseconds. */
  readonly cpuMicros: () => Promise<number>
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
    const pending = new Map<number, (micros: number) => void>()
    const onExit = (code: number | null) => reject(new Error(`loopback server exited early (code ${code})`))
    child.once("error", reject)
    child.once("exit", onExit)
    child.on("message", (raw) => {
      const message = raw as ServerMessage
      if (message.type === "cpu") {
        pending.get(message.id)?.(message.micros)
        pending.delete(message.id)
        return
      }
      child.off("exit", onExit)
      const port = message.port
      resolve({
        port,
        baseUrl: `http://127.0.0.1:${port}/api/partner`,
        cpuMicros: () =>
          new Promise((done) => {
            const id = nextId++
            pending.set(id, done)
            child.send({ type: "cpu", id })
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
