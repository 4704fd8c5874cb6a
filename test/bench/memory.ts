/**
 * The memory run: a child process with `--expose-gc` sends `total` calls
 * through one runtime, on one kind of answer, and reports the heap (after a
 * forced GC) at each checkpoint; growth is measured between the first and
 * the last.
 */
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import { gzipEverywhere, type Kind } from "./shared.js"
import type { Transport } from "./transport.js"

export interface MemoryCheckpoint {
  readonly calls: number
  readonly elapsedMs: number
  readonly heapUsed: number
  readonly rss: number
  readonly external: number
}

export interface MemoryChildMessage {
  readonly transport: Transport
  readonly baselineHeapUsed: number
  readonly checkpoints: ReadonlyArray<MemoryCheckpoint>
}

export interface MemoryResult extends MemoryChildMessage {
  readonly kind: Kind
  /** Heap after GC at the last checkpoint minus at the first, in bytes. */
  readonly growthBytes: number
}

const childPath = fileURLToPath(new URL("./memory-child.ts", import.meta.url))

/** `baseUrl` is the kind's (see `LoopbackServer.baseUrl`). */
export const runMemory = (
  baseUrl: string,
  kind: Kind,
  transport: Transport,
  checkpoints: ReadonlyArray<number>
): Promise<MemoryResult> =>
  new Promise((resolve, reject) => {
    const gzip = kind === "gzip" && gzipEverywhere() ? "gzip" : "plain"
    const child = fork(childPath, [baseUrl, transport, gzip, checkpoints.join(",")], {
      execArgv: [...process.execArgv, "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let result: MemoryChildMessage | undefined
    child.on("message", (message) => {
      result = message as MemoryChildMessage
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      if (result === undefined) {
        return reject(new Error(`memory run (${kind}, ${transport}) exited with code ${code}`))
      }
      const first = result.checkpoints[0]
      const last = result.checkpoints[result.checkpoints.length - 1]
      resolve({ ...result, kind, growthBytes: first && last ? last.heapUsed - first.heapUsed : Number.NaN })
    })
  })
