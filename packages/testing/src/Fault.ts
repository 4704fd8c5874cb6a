/**
 * Faults FakeLinq can inject into its answers: error statuses (with or without
 * retry hints), delays, hangs, dropped connections and malformed bodies. A
 * fault is plain data; script it with `FakeLinq`'s `inject`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeLinq, Fault } from "@linq-effect/testing"
 *
 * const program = Effect.gen(function* () {
 *   const fake = yield* FakeLinq
 *   // the next two adds are rate limited, then the API answers normally
 *   yield* fake.inject(Fault.status(429, { retryAfter: "2" }), { route: "add", times: 2 })
 *   // every request hangs until the faults are cleared
 *   yield* fake.inject(Fault.hang, { times: "always" })
 *   yield* fake.clearFaults
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Duration } from "effect"
import { usualError } from "./internal/answers.js"

/**
 * The body of a {@link Respond} fault: the API's error envelope (with a fresh
 * trace id) or raw bytes sent as they are.
 *
 * @since 0.1.0
 * @category models
 */
export type FaultBody =
  | { readonly _tag: "Envelope"; readonly code: number | undefined; readonly message: string }
  | { readonly _tag: "Raw"; readonly body: string | Uint8Array; readonly contentType: string | undefined }

/**
 * Answer with this status, headers and body instead of handling the request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Respond {
  readonly _tag: "Respond"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: FaultBody
}

/**
 * Wait (on the fake's `Clock`), then answer normally, or with `then`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delay {
  readonly _tag: "Delay"
  readonly duration: Duration.Duration
  readonly then: Fault | undefined
}

/**
 * Never answer; interrupting the client's fiber (or closing its connection,
 * when served) ends the wait.
 *
 * @since 0.1.0
 * @category models
 */
export interface Hang {
  readonly _tag: "Hang"
}

/**
 * Drop the connection without answering: when served the socket is
 * destroyed; in-process the client fails with an `HttpClientError` whose
 * `reason` is a `TransportError`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Disconnect {
  readonly _tag: "Disconnect"
}

/**
 * Handle the request (an add or remove takes effect, or is queued), then drop
 * the connection instead of answering: the change went through but the
 * client never heard so, as when a gateway or the network fails after Linq
 * has acted.
 *
 * @since 0.2.0
 * @category models
 */
export interface AnswerLost {
  readonly _tag: "AnswerLost"
}

/**
 * A fault FakeLinq can inject.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = Respond | Delay | Hang | Disconnect | AnswerLost

/**
 * Which requests a scripted fault applies to: the add, remove, get-chat,
 * chat-list, leave or capability-check routes, the webhook subscription routes
 * (`"webhookSubscriptions"`: `/v3/webhook-subscriptions[/{id}]` and
 * `/v3/webhook-events`), or `"any"` request (unknown routes included).
 *
 * @since 0.1.0
 * @category models
 */
export type FaultRoute =
  | "add"
  | "remove"
  | "getChat"
  | "listChats"
  | "leave"
  | "capability"
  | "webhookSubscriptions"
  | "any"

/**
 * Options of `FakeLinq`'s `inject`: the route (default `"any"`) and how many
 * matching requests the fault answers (default 1; `"always"`: until
 * `clearFaults`).
 *
 * @since 0.1.0
 * @category models
 */
export interface InjectOptions {
  readonly route?: FaultRoute | undefined
  readonly times?: number | "always" | undefined
}

/**
 * One scripted fault, with the requests it still answers.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScriptedFault {
  readonly fault: Fault
  readonly route: FaultRoute
  readonly remaining: number | "always"
}

/**
 * Options of {@link status}: retry hints (`retryAfter`: seconds, a string sent
 * verbatim, or a `Date` sent as an HTTP date; `retryAfterMs`; `shouldRetry`:
 * `x-should-retry`), the envelope's `code` and `message` (default: the usual
 * ones of the status), or a raw `body` instead of the envelope (`""`: empty)
 * with its `contentType` (default: guessed), and any other `headers`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StatusOptions {
  readonly retryAfter?: number | string | Date | undefined
  readonly retryAfterMs?: number | undefined
  readonly shouldRetry?: boolean | undefined
  readonly code?: number | undefined
  readonly message?: string | undefined
  readonly body?: string | Uint8Array | undefined
  readonly contentType?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Answer with `status`: by default the API's error envelope with the usual code
 * and message of that status (429 → 1007 "Rate limit exceeded", 503 → 4004
 * ...), optionally with retry headers, or with a raw `body` of your own.
 * Statuses from 200 to 599 can be sent in-process.
 *
 * @example
 * ```ts
 * import { Fault } from "@linq-effect/testing"
 *
 * Fault.status(429, { retryAfter: "2" })
 * Fault.status(503, { retryAfterMs: 250, shouldRetry: true })
 * Fault.status(502, { body: "" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const status = (status: number, options: StatusOptions = {}): Respond => {
  const { retryAfter: after, retryAfterMs: ms, shouldRetry: retry } = options
  const headers: Record<string, string> = {
    ...(after === undefined
      ? {}
      : { "retry-after": after instanceof Date ? after.toUTCString() : String(after) }),
    ...(ms === undefined ? {} : { "retry-after-ms": String(ms) }),
    ...(retry === undefined ? {} : { "x-should-retry": String(retry) }),
    ...options.headers
  }
  const usual = usualError(status)
  const body: FaultBody =
    options.body === undefined
      ? { _tag: "Envelope", code: options.code ?? usual.code, message: options.message ?? usual.message }
      : { _tag: "Raw", body: options.body, contentType: options.contentType }
  return { _tag: "Respond", status, headers, body }
}

/**
 * Answer with `status` and exactly this body (HTML, truncated JSON, wrong-typed
 * JSON, empty...). The content type is `options.contentType`, else guessed:
 * `text/html` for a body starting with `<`, none for an empty body, JSON
 * otherwise.
 *
 * @example
 * ```ts
 * import { Fault } from "@linq-effect/testing"
 *
 * Fault.body(200, "<html>")
 * Fault.body(202, "{\"message\":", { contentType: "application/json" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const body = (
  status: number,
  body: string | Uint8Array,
  options: Pick<StatusOptions, "contentType" | "headers"> = {}
): Respond => ({
  _tag: "Respond",
  status,
  headers: { ...options.headers },
  body: { _tag: "Raw", body, contentType: options.contentType }
})

const jsonBody = (status: number, text: string): Respond =>
  body(status, text, { contentType: "application/json" })

/**
 * An nginx HTML error page, as a proxy or gateway sends (default 502).
 *
 * @since 0.1.0
 * @category constructors
 */
export const html = (status = 502): Respond =>
  body(
    status,
    `<html>\n<head><title>${status} Bad Gateway</title></head>\n<body>\n<center><h1>${status} Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`,
    { contentType: "text/html" }
  )

/**
 * An empty body with `status` (no content type).
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty = (status: number): Respond => body(status, "")

/**
 * A JSON body cut off in the middle, labelled `application/json` (default 202).
 *
 * @since 0.1.0
 * @category constructors
 */
export const truncatedJson = (status = 202): Respond =>
  jsonBody(status, `{"message":"Participant addition queued","status":"acc`)

/**
 * Valid JSON with the documented fields of the wrong types (default 202).
 *
 * @since 0.1.0
 * @category constructors
 */
export const wrongTypes = (status = 202): Respond =>
  jsonBody(status, `{"message":42,"status":["accepted"],"trace_id":{"id":1}}`)

/**
 * A valid JSON acknowledgement of about `bytes` bytes (default 202 and 5 MB).
 *
 * @since 0.1.0
 * @category constructors
 */
export const hugeBody = (status = 202, bytes = 5_000_000): Respond => {
  const [head, tail] = [`{"message":"`, `","status":"accepted","trace_id":"huge"}`]
  return jsonBody(status, head + "x".repeat(Math.max(0, bytes - head.length - tail.length)) + tail)
}

/**
 * Wait `duration` (on the fake's `Clock`), then answer normally, or apply `then`.
 *
 * @example
 * ```ts
 * import { Fault } from "@linq-effect/testing"
 *
 * Fault.delay("2 seconds")
 * Fault.delay("500 millis", Fault.status(503))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const delay = (duration: Duration.Input, then?: Fault): Delay => ({
  _tag: "Delay",
  duration: Duration.fromInputUnsafe(duration),
  then
})

/**
 * Never answer (interruptible).
 *
 * @since 0.1.0
 * @category constructors
 */
export const hang: Hang = { _tag: "Hang" }

/**
 * Drop the connection without answering.
 *
 * @since 0.1.0
 * @category constructors
 */
export const disconnect: Disconnect = { _tag: "Disconnect" }

/**
 * Apply the request, then drop the connection without answering (see
 * {@link AnswerLost}): what makes a retried add meet its own first attempt.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeLinq, Fault } from "@linq-effect/testing"
 *
 * const program = Effect.gen(function* () {
 *   const fake = yield* FakeLinq
 *   // the next add is applied, but its 202 never reaches the client
 *   yield* fake.inject(Fault.answerLost, { route: "add" })
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const answerLost: AnswerLost = { _tag: "AnswerLost" }

/**
 * A fault as the journal shows it (`"status 429"`, `"body 502"`,
 * `"delay 2s then hang"`, `"disconnect"`, `"answerlost"`).
 *
 * @since 0.1.0
 * @category getters
 */
export const describe = (fault: Fault): string =>
  fault._tag === "Respond"
    ? `${fault.body._tag === "Envelope" ? "status" : "body"} ${fault.status}`
    : fault._tag === "Delay"
      ? `delay ${Duration.format(fault.duration)}${fault.then === undefined ? "" : ` then ${describe(fault.then)}`}`
      : fault._tag.toLowerCase()
