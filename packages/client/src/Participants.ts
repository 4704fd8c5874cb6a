/**
 * Adding and removing group-chat participants, as composable Effects.
 *
 * @since 0.1.0
 */
import type {
  AddParticipantError,
  ChatId,
  Handle,
  ParticipantAddResponse as AddResponse,
  ParticipantRemoveResponse as RemoveResponse,
  RemoveParticipantError
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Duration, Effect } from "effect"
import * as internal from "./internal/change.js"

/**
 * The API path of the participants of a chat.
 *
 * @since 0.1.0
 * @category constants
 */
export const PARTICIPANTS_PATH = internal.PARTICIPANTS_PATH

/**
 * How a broken group-chat rule is told apart from other refusals:
 *
 * - `"server"`: from the answer alone. Its code first (1006 is a direct
 *   message); its text only as a last resort, only when it names the rule's
 *   subject ("already in progress" or "wait at least 3 seconds" is no rule),
 *   and never for 401, 403, 404, 429 or 5xx. No extra request; a rule Linq
 *   words in an unknown way comes back as `InvalidRequest`.
 * - `"diagnose"` (the default): send first, so success costs nothing extra.
 *   When the answer is a 400/409/422 without a precise code, read the chat
 *   (and the handle's capability when the group is iMessage or RCS) and
 *   return the violation `GroupChatRules` finds there. A violation is
 *   returned only when the chat shows it: otherwise the status's own error
 *   (`InvalidRequest`, or `ApiError` for a 409), under its retry rule (a 409
 *   "change already in progress" is retried), whatever its text says. The
 *   cost, on such failures only: one diagnosis of one or two requests, never
 *   retried, all within the call's `timeout` and at most 2 seconds; if it
 *   fails or runs out of time, the status's own error.
 * - `"preflight"`: read the chat (and capability) first and refuse locally,
 *   sending no change, when a rule would break, checked against the chat as
 *   it is and as it will be once the changes this client sent and Linq
 *   accepted (202) but the chat does not show yet apply. One or two more
 *   requests on every call; the only mode that catches a rule Linq checks
 *   only when it applies the queued change (after answering 202), such as a
 *   second removal from a group of 4 while the first is still queued.
 *
 * Every accepted change, in any mode, goes into the client's ledger of
 * pending changes; a change leaves it when a chat read by this client shows it
 * applied, or 2 minutes after it was accepted (Linq does not document its
 * queue's delay, and may drop a queued change without a word). The ledger
 * belongs to one `LinqHttpClient` instance (one built layer): changes sent by
 * another client, another process or by hand are seen only once the chat
 * shows them. Concurrent preflights of one client (a batch with
 * `concurrency`) each reserve their change as they pass the check, so they
 * never pass together a check only one of them may pass; a reservation whose
 * request fails is dropped.
 *
 * @since 0.2.0
 * @category models
 */
export type RuleMode = internal.RuleMode

/**
 * Per-call overrides of the client's settings, and the rule mode.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParticipantRequestOptions {
  /** How long one attempt may take (default: the client's, 60 seconds). */
  readonly timeout?: Duration.Input | undefined
  /** Retries after the first attempt (default: the client's, 2). */
  readonly maxRetries?: number | undefined
  /**
   * Headers of this call only (a request id, an idempotency key). They can
   * never replace `Authorization`.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * How rule violations are told (default `"diagnose"`): see
   * {@link RuleMode}. `"diagnose"` costs nothing on success; after a vague
   * 400/409/422 it makes one diagnosis (a chat read, plus a capability check
   * for an iMessage or RCS group), never retried, within `timeout` and at
   * most 2 seconds, and returns a violation only when the chat shows it.
   * `"preflight"` also counts the changes this client queued that the chat
   * does not show yet (for at most 2 minutes each).
   */
  readonly rules?: RuleMode | undefined
}

/**
 * The `{ handle }` of a participant: a plain string (validated before
 * anything is sent) or an already validated {@link Handle}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParticipantInput {
  readonly handle: string | Handle
}

/**
 * Adds a participant to a group chat (`POST /v3/chats/{chatId}/participants`).
 *
 * The handle must be an E.164 phone number or an email address, and the chat
 * id safe as a path segment: otherwise the effect fails with `InvalidHandle` /
 * `InvalidChatId` and sends nothing. Linq queues the addition: success
 * (`status: "accepted"`) means queued, not done. Group chats only (3 or more
 * participants); the handle must support the group's service. How a broken
 * rule is told is the `rules` option's choice ({@link RuleMode}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { addParticipant } from "@linq-effect/client"
 *
 * const program = addParticipant(
 *   "550e8400-e29b-41d4-a716-446655440000",
 *   { handle: "+12052499136" },
 *   { rules: "preflight" }
 * ).pipe(
 *   Effect.tap((response) => Effect.log(`queued, trace ${response.trace_id}`)),
 *   Effect.catchTags({
 *     CrossServiceAddition: (e) => Effect.log(`cannot join: ${e.message}`),
 *     ParticipantAlreadyInChat: () => Effect.log("already there")
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const addParticipant = (
  chatId: string | ChatId,
  params: ParticipantInput,
  options?: ParticipantRequestOptions
): Effect.Effect<AddResponse, AddParticipantError, LinqHttpClient> =>
  internal.add(chatId, params?.handle, options)

/**
 * Removes a participant from a group chat (`DELETE
 * /v3/chats/{chatId}/participants`, with a JSON body `{ handle }`).
 *
 * Inputs are validated as for {@link addParticipant}. Linq queues the
 * removal. Group chats only; 3 or more participants must remain. How a
 * broken rule is told is the `rules` option's choice ({@link RuleMode}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { removeParticipant } from "@linq-effect/client"
 *
 * const program = removeParticipant("550e8400-e29b-41d4-a716-446655440000", {
 *   handle: "+12052499136"
 * }).pipe(
 *   Effect.catchTag("TooFewParticipants", () => Effect.log("a group keeps at least 3 people"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const removeParticipant = (
  chatId: string | ChatId,
  params: ParticipantInput,
  options?: ParticipantRequestOptions
): Effect.Effect<RemoveResponse, RemoveParticipantError, LinqHttpClient> =>
  internal.remove(chatId, params?.handle, options)
