/**
 * The journal of every request FakeLinq received: what was asked (method,
 * path, headers with secrets redacted, body) and how it was answered.
 *
 * @since 0.1.0
 */
import { Effect, Ref } from "effect"
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
 * - `url`: the URL as received; `path`: its pathname (still percent-encoded);
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
 * A new, empty journal.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore: Effect.Effect<JournalStore> = Effect.gen(function* () {
  const state = yield* Ref.make<{ readonly next: number; readonly entries: ReadonlyArray<JournalEntry> }>({
    next: 1,
    entries: []
  })
  return {
    entries: Effect.map(Ref.get(state), (s) => s.entries),
    clear: Ref.update(state, (s) => ({ next: s.next, entries: [] })),
    open: (entry) =>
      Ref.modify(state, (s) => [
        s.next,
        { next: s.next + 1, entries: [...s.entries, { ...entry, seq: s.next, outcome: pending }] }
      ]),
    close: (seq, outcome) =>
      Ref.update(state, (s) => {
        let index = s.entries.length - 1
        while (index >= 0 && s.entries[index]?.seq !== seq) index--
        const current = s.entries[index]
        if (current === undefined) return s
        const entries = s.entries.slice()
        entries[index] = { ...current, outcome }
        return { next: s.next, entries }
      })
  }
})
