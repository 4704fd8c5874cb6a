/**
 * The journal of every request FakeLinq received: what was asked (method,
 * path, headers with secrets redacted, body) and how it was answered.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Fault } from "./Fault.js"

/**
 * The routes FakeLinq knows, as the journal names them.
 *
 * @since 0.1.0
 * @category models
 */
export type RouteName = "add" | "remove" | "getChat" | "checkImessage" | "checkRcs" | "unknown"

/**
 * How a request was answered:
 * - `Pending`: not answered yet (in a delay, or hanging);
 * - `Responded`: answered with `status`;
 * - `Disconnected`: the connection was dropped (a `Fault.disconnect`);
 * - `Interrupted`: the client went away (or the fake stopped) before an answer.
 *
 * @since 0.1.0
 * @category models
 */
export type JournalOutcome =
  | { readonly _tag: "Pending" }
  | { readonly _tag: "Responded"; readonly status: number }
  | { readonly _tag: "Disconnected" }
  | { readonly _tag: "Interrupted" }

/**
 * One request, as FakeLinq received it.
 *
 * - `seq`: arrival order, from 1;
 * - `url`: the request's absolute URL (when served, its origin comes from the
 *   `Host` header); `path`: its pathname (still percent-encoded);
 * - `route`, and `chatId` (percent-decoded) for the chat routes;
 * - `headers`: lower-case names; `authorization` (and `proxy-authorization`,
 *   `cookie`, `x-api-key`) never hold the secret: `"Bearer <redacted>"`;
 * - `text`: the raw body (`""` when none); `json`: the parsed body, present
 *   only when the body is JSON;
 * - `fault`: the injected fault that answered it, if any; `traceId`: the trace
 *   id of the answer; `outcome`: how it was answered.
 *
 * @since 0.1.0
 * @category models
 */
export interface JournalEntry {
  readonly seq: number
  readonly method: string
  readonly url: string
  readonly path: string
  readonly route: RouteName
  readonly chatId?: string
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly json?: unknown
  readonly fault?: Fault
  readonly traceId: string
  readonly outcome: JournalOutcome
}

/**
 * The value every secret header is replaced with.
 *
 * @since 0.1.0
 * @category constants
 */
export const REDACTED = "<redacted>"

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key"])

/**
 * Copies headers with lower-case names and secrets redacted. An
 * `Authorization` value keeps its scheme (`"Bearer <redacted>"`), never the
 * token.
 *
 * @since 0.1.0
 * @category redaction
 */
export const redactHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase()
    if (!SECRET_HEADERS.has(key)) {
      out[key] = value
      continue
    }
    const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value)
    out[key] = key.endsWith("authorization") && scheme !== null ? `${scheme[1]} ${REDACTED}` : REDACTED
  }
  return out
}

/**
 * The journal's store: entries are opened on arrival and closed with their
 * outcome.
 *
 * @since 0.1.0
 * @category models
 */
export interface JournalStore {
  readonly entries: Effect.Effect<ReadonlyArray<JournalEntry>>
  readonly clear: Effect.Effect<void>
  /** Records a new request (outcome `Pending`) and returns its `seq`. */
  readonly open: (entry: Omit<JournalEntry, "seq" | "outcome">) => Effect.Effect<number>
  /** Sets the outcome of the entry `seq`. */
  readonly close: (seq: number, outcome: JournalOutcome) => Effect.Effect<void>
}

const pending: JournalOutcome = { _tag: "Pending" }

/**
 * A new, empty journal. It keeps the `limit` most recent entries (default:
 * all of them). Each operation is O(1) (amortised), so a long-running fake
 * (an example, a benchmark) stays fast.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  options: { readonly limit?: number | undefined } = {}
): Effect.Effect<JournalStore> =>
  Effect.sync(() => {
    const limit = Math.max(0, options.limit ?? Number.POSITIVE_INFINITY)
    // Each operation is one synchronous step, so fibers never see it half done.
    let entries: Array<JournalEntry> = []
    let first = 1 // the seq of entries[0]
    let next = 1
    const visible = () => entries.slice(Math.max(0, entries.length - limit))
    return {
      entries: Effect.sync(visible),
      clear: Effect.sync(() => {
        entries = []
        first = next
      }),
      open: (entry) =>
        Effect.sync(() => {
          const seq = next++
          entries.push({ ...entry, seq, outcome: pending })
          if (entries.length >= 2 * limit + 64) {
            const drop = entries.length - limit
            entries = entries.slice(drop)
            first += drop
          }
          return seq
        }),
      close: (seq, outcome) =>
        Effect.sync(() => {
          const index = seq - first
          const current = entries[index]
          if (current !== undefined && current.seq === seq) entries[index] = { ...current, outcome }
        })
    }
  })
