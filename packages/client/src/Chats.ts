/**
 * Reading a chat: who is in it, on which service.
 *
 * @since 0.2.0
 */
import type { Chat, ChatId, GetChatError } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Duration, Effect } from "effect"
import * as internal from "./internal/reads.js"

/**
 * The API path of a chat.
 *
 * @since 0.2.0
 * @category constants
 */
export const CHAT_PATH = internal.CHAT_PATH

/**
 * Per-call overrides of the client's settings.
 *
 * @since 0.2.0
 * @category models
 */
export interface RequestOptions {
  /** How long one attempt may take (default: the client's, 60 seconds). */
  readonly timeout?: Duration.Input | undefined
  /** Retries after the first attempt (default: the client's, 2). */
  readonly maxRetries?: number | undefined
  /** Extra headers for this call's requests (they cannot replace `Authorization`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Reads a chat (`GET /v3/chats/{chatId}`), decoded to core's `Chat`: its
 * service, whether it is a group, and its handles with their status (only
 * `"active"` ones are participants; `GroupChatRules.activeParticipants`
 * picks them). Unknown fields are ignored; `display_name`, `service`,
 * `is_me`, `left_at` and `status` may be `null`.
 *
 * An invalid chat id fails with `InvalidChatId` and sends nothing; a missing
 * chat is `ChatNotFound`; other failures are the API and transport errors of
 * every call.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { GroupChatRules } from "@linq-effect/core"
 * import { getChat } from "@linq-effect/client"
 *
 * const program = getChat("550e8400-e29b-41d4-a716-446655440000").pipe(
 *   Effect.map((chat) => GroupChatRules.activeParticipants(chat).map((h) => h.handle)),
 *   Effect.catchTag("ChatNotFound", () => Effect.succeed([]))
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getChat = (
  chatId: string | ChatId,
  options?: RequestOptions
): Effect.Effect<Chat, GetChatError, LinqHttpClient> => internal.getChat(chatId, options)
