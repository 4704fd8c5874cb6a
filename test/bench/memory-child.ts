/**
 * The memory run's child process (forked by memory.ts with `--expose-gc`):
 * one `ManagedRuntime` built once, `total` add-participant calls through it,
 * 64 in flight, and the heap after a forced GC at every checkpoint.
 *
 * argv: <baseUrl> <transport: fetch|undici> <gzip|plain> <checkpoint,checkpoint,...> (the last is the total)
 * (`gzip`: over undici, ask for and decompress gzipped answers, see transport.ts)
 */
import type { MemoryCheckpoint, MemoryChildMessage } from "./memory.js"
import { loadLinqEffect } from "./sdk-build.js"
import type { Transport } from "./transport.js"

const [baseUrl, transportArg, gzipArg, checkpointsArg] = process.argv.slice(2)
const gc = globalThis.gc
if (baseUrl === undefined || gc === undefined) {
  throw new Error(
    "usage: memory-child.ts <baseUrl> <fetch|undici> <gzip|plain> <checkpoints> (run with --expose-gc)"
  )
}
const transport: Transport = transportArg === "fetch" ? "fetch" : "undici"
const checkpoints = (checkpointsArg ?? "").split(",").map(Number)
const CONCURRENCY = 64

const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Heap in use after a full, forced collection (twice, with a turn of the loop for finalizers). */
const heapAfterGc = async (): Promise<{ heapUsed: number; rss: number; external: number }> => {
  gc()
  await settle()
  gc()
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external }
}

const main = async (): Promise<void> => {
  const { linqEffect } = await loadLinqEffect()
  const client = linqEffect(baseUrl, transport, { gzip: gzipArg === "gzip" })
  const results: MemoryCheckpoint[] = []
  const baseline = await heapAfterGc()
  const start = performance.now()
  let done = 0
  for (const checkpoint of checkpoints) {
    let next = done
    const worker = async (): Promise<void> => {
      while (next < checkpoint) {
        next++
        await client.call()
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    done = checkpoint
    results.push({ calls: checkpoint, elapsedMs: performance.now() - start, ...(await heapAfterGc()) })
  }
  await client.close()
  const message: MemoryChildMessage = { transport, baselineHeapUsed: baseline.heapUsed, checkpoints: results }
  process.send?.(message, () => process.exit(0))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
