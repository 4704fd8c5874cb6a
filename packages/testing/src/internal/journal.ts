/**
 * The journal's store: an entry is opened when a request arrives and closed
 * once with its outcome. It keeps the `limit` most recent entries in an
 * insertion-ordered `Map` (each operation O(1), one synchronous step, so fibers
 * never see it half done).
 *
 * @internal
 */
import { Effect } from "effect"
import type { JournalEntry, JournalOutcome } from "../Journal.js"

export const make = (limit: number = Number.POSITIVE_INFINITY) =>
  Effect.sync(() => {
    const entries = new Map<number, JournalEntry>()
    let next = 1
    return {
      entries: Effect.sync((): ReadonlyArray<JournalEntry> => Array.from(entries.values())),
      clear: Effect.sync(() => entries.clear()),
      /** Records a new request (outcome `Pending`) and returns its `seq`. */
      open: (entry: Omit<JournalEntry, "seq" | "outcome">) =>
        Effect.sync(() => {
          const seq = next++
          entries.set(seq, { ...entry, seq, outcome: { _tag: "Pending" } })
          if (entries.size > Math.max(0, limit)) entries.delete(entries.keys().next().value!)
          return seq
        }),
      /** Sets the outcome of a pending entry (the first outcome stays). */
      close: (seq: number, outcome: JournalOutcome) =>
        Effect.sync(() => {
          const current = entries.get(seq)
          if (current?.outcome._tag === "Pending") entries.set(seq, { ...current, outcome })
        })
    }
  })

export type Journal = Effect.Success<ReturnType<typeof make>>
