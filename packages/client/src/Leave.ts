/**
 * Your own number leaving a group chat (`POST /v3/chats/{chatId}/leave`).
 *
 * @since 1.0.0
 */
import type { ChatId, LeaveChatError, LeaveChatResponse } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect } from "effect"
import * as internal from "./internal/leave.js"

/**
 * The options of {@link leaveChat}: the per-call options of its requests
 * (the chat read, the leave, and with `confirm` the confirmation's reads),
 * and `confirm`, how long to wait for the leave to show.
 *
 * @since 1.0.0
 * @category options
 */
export interface LeaveChatOptions extends internal.LeaveOptions {}

/**
 * Your number leaves the chat: reads it (`GET /v3/chats/{chatId}`), checks
 * the leave rule, then sends `POST /v3/chats/{chatId}/leave`.
 *
 * **Details**
 *
 * The rule, checked before the leave is sent (`GroupChatRules.checkLeave`,
 * against the chat as it will be once the changes this client queued apply):
 * a group chat (`NotAGroupChat`), on iMessage (`NotAnIMessageGroup`), with
 * your number (the handle marked `is_me`) an active member
 * (`OwnNumberNotInChat`), and 4 or more active members, so that 3 or more
 * remain (`TooFewParticipants`). A refusal sends nothing but the read. Linq
 * answering 1006 is `NotAGroupChat` too; any other refusal is its status's
 * error.
 *
 * **Gotchas**
 *
 * Success means queued, as for a removal: Linq applies the leave later and
 * sends `participant.removed` for your number once done. With `confirm`,
 * it succeeds only once that shows (`awaitMembership`: the event when a
 * `LinqWebhooks` is in context, else reads), and fails with
 * `MembershipPending` if it does not in time. The leave goes
 * into this client's ledger as that removal (a sync or a preflight after it
 * counts your number as gone).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { leaveChat } from "@linq-effect/client"
 *
 * const program = leaveChat("550e8400-e29b-41d4-a716-446655440000").pipe(
 *   Effect.tap((response) => Effect.log(`leave ${response.status ?? "accepted"}`)),
 *   Effect.catchTags({
 *     TooFewParticipants: () => Effect.log("a group of 3 cannot lose a member"),
 *     NotAnIMessageGroup: (e) => Effect.log(e.message),
 *     OwnNumberNotInChat: () => Effect.log("not ours to leave")
 *   })
 * )
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const leaveChat = (
  chatId: string | ChatId,
  options?: LeaveChatOptions
): Effect.Effect<LeaveChatResponse, LeaveChatError, LinqHttpClient> => internal.leaveChat(chatId, options)
