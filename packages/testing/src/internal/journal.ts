/**
 * The journal's store: an entry is opened when a request arrives and closed
 * once with its outcome. It keeps the `limit` most recent entries; each
 * operation is one synchronous step (O(1) amortised), so a long-running fake
 * stays fast and fibers never see it half done.
 *
 * @internal
 */
import { Effect } from "effect"
import type { JournalEntry, JournalOutcome } from "../Journal.js"

export const make = (limit: number = Number.POSITIVE_INFINITY) =>
  Effect.sync(() => {
    const keep = Math.max(0, limit)
    let entries: Array<JournalEntry> = []
    let first = 1 // the seq of entries[0]
    let next = 1
    return {
      entries: Effect.sync(
        (): ReadonlyArray<JournalEntry> => entries.slice(Math.max(0, entries.length - keep))
      ),
      clear: Effect.sync(() => {
        entries = []
        first = next
      }),
      /** Records a new request (outcome `Pending`) and returns its `seq`. */
      open: (entry: Omit<JournalEntry, "seq" | "outcome">) =>
        Effect.sync(() => {
          const seq = next++
          entries.push({ ...entry, seq, outcome: { _tag: "Pending" } })
          if (entries.length >= 2 * keep + 64) {
            const drop = entries.length - keep
            entries = entries.slice(drop)
            first += drop
          }
          return seq
        }),
      /** Sets the outcome of a pending entry (the first outcome stays). */
      close: (seq: number, outcome: JournalOutcome) =>
        Effect.sync(() => {
          const current = entries[seq - first]
          if (current?.seq === seq && current.outcome._tag === "Pending")
            entries[seq - first] = { ...current, outcome }
        })
    }
  })

export type Journal = Effect.Effect.Success<ReturnType<typeof make>>
