/**
 * The journal of every request FakeLinq received: what was asked (method,
 * path, headers with secrets redacted, body) and how it was answered.
 *
 * @since 0.1.0
 */
import { Headers } from "effect/http"
import type { Fault } from "./Fault.js"

/**
 * The routes FakeLinq knows, as the journal names them (`"unknown"`: no route,
 * a wrong base path included).
 *
 * @since 0.1.0
 * @category models
 */
export type RouteName =
  | "add"
  | "remove"
  | "getChat"
  | "listChats"
  | "leave"
  | "checkImessage"
  | "checkRcs"
  | WebhookSubscriptionRoute
  | "unknown"

/**
 * The webhook subscription routes, as the journal names them
 * (`/v3/webhook-subscriptions[/{id}]`, `/v3/webhook-events`).
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookSubscriptionRoute =
  | "createWebhookSubscription"
  | "listWebhookSubscriptions"
  | "getWebhookSubscription"
  | "updateWebhookSubscription"
  | "deleteWebhookSubscription"
  | "listWebhookEvents"

/**
 * How a request was answered:
 * - `Pending`: not answered yet (in a delay, or hanging);
 * - `Responded`: answered with `status`;
 * - `Disconnected`: the connection was dropped (a `Fault.disconnect`, or a
 *   `Fault.answerLost` after the request was handled);
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
 * One request, as FakeLinq received it: `seq` (arrival order, from 1), `at`
 * (when it arrived, in milliseconds on the fake's `Clock`: the epoch time when
 * served on live time, the `TestClock`'s under it), `url`
 * (absolute; when served, its origin comes from the `Host` header) and `path`
 * (still percent-encoded), `route` and, on the chat routes, `chatId`
 * (decoded), `headers` (lower-case names, secrets redacted: `"Bearer
 * <redacted>"`), `text` (the raw body, `""` when none) and `json` (only for a
 * JSON body), the injected `fault` that answered it, the answer's `traceId`,
 * and the `outcome`.
 *
 * @since 0.1.0
 * @category models
 */
export interface JournalEntry {
  readonly seq: number
  readonly at: number
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

const SECRET = ["authorization", "proxy-authorization", "cookie", "x-api-key"]

/**
 * Copies headers with lower-case names (the platform's `Headers`) and secrets
 * redacted. An `Authorization` value keeps its scheme (`"Bearer <redacted>"`),
 * never the token.
 *
 * @example
 * ```ts
 * import { redactHeaders } from "@linq-effect/testing"
 *
 * redactHeaders({ Authorization: "Bearer sk_live" }) // { authorization: "Bearer <redacted>" }
 * ```
 *
 * @since 0.1.0
 * @category redaction
 */
export const redactHeaders = (headers: Headers.Input): Record<string, string> => {
  const out: Record<string, string> = { ...Headers.fromInput(headers) }
  for (const name of SECRET) {
    const value = out[name]
    if (value === undefined) continue
    const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value)
    out[name] = name.endsWith("authorization") && scheme !== null ? `${scheme[1]} ${REDACTED}` : REDACTED
  }
  return out
}
