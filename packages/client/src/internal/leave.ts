/**
 * Your number leaving a chat: the chat read (and projected with this
 * client's pending changes), the leave rule checked
 * (`GroupChatRules.checkLeave`), then `POST /v3/chats/{chatId}/leave`,
 * recorded in the ledger as a removal of the chat's own number.
 */
import type { ChatId, LeaveChatError, LeaveChatResponse as Response } from "@linq-effect/core"
import {
  GroupChatRules,
  LeaveChatResponse,
  NotAGroupChat,
  OwnNumberNotInChat,
  parseChatId
} from "@linq-effect/core"
import type { ErrorMapping } from "@linq-effect/http"
import { LinqHttpClient } from "@linq-effect/http"
import { Effect, Option } from "effect"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"
import { requestOverrides } from "./options.js"
import { projectedChat, recorded } from "./pending.js"
import { CANNOT_UPDATE_DM } from "./recognize.js"

/** The API path of a leave. */
export const LEAVE_PATH = "/v3/chats/{chatId}/leave"

/** A 1006 answer (`cannot_update_dm`) is a direct message; any other keeps its status's error. */
const recognizeLeave =
  (chatId: ChatId) =>
  (answer: ErrorMapping.ApiAnswer): Option.Option<NotAGroupChat> =>
    answer.code === CANNOT_UPDATE_DM
      ? Option.some(
          new NotAGroupChat({
            chatId,
            status: answer.status,
            code: answer.code,
            ...(answer.traceId === undefined ? {} : { traceId: answer.traceId })
          })
        )
      : Option.none()

const meteredLeave = metered("leaveChat")

/** Checks the leave rule on a read of the chat, then sends the leave; the handle that leaves is the chat's `is_me`. */
export const leave = (
  chatId: string | ChatId,
  options?: CallOptions
): Effect.Effect<
  { readonly response: Response; readonly chatId: ChatId; readonly handle: string },
  LeaveChatError,
  LinqHttpClient
> =>
  meteredLeave(
    Effect.gen(function* () {
      const id = yield* parseChatId(chatId)
      const overrides = requestOverrides(options)
      // As it will be once this client's queued changes apply: a queued removal counts as gone.
      const { projected } = yield* projectedChat(id, overrides)
      const refused = GroupChatRules.checkLeave(projected)
      if (Option.isSome(refused)) return yield* Effect.fail(refused.value)
      // checkLeave passed, so the chat has its own number.
      const me = Option.getOrUndefined(GroupChatRules.ownHandle(projected))
      if (me === undefined) return yield* Effect.fail(new OwnNumberNotInChat({ chatId: id }))
      const client = yield* LinqHttpClient
      const response = yield* recorded(
        "remove",
        id,
        me.handle,
        client.execute({
          method: "POST",
          path: LEAVE_PATH,
          params: { chatId: id },
          response: LeaveChatResponse,
          recognize: recognizeLeave(id),
          ...overrides
        })
      )
      return { response, chatId: id, handle: me.handle }
    })
  ).pipe(Effect.withSpan("Linq leaveChat", { kind: "internal" }, { captureStackTrace: false }))

/** `leaveChat`: the leave's answer. */
export const leaveChat = (chatId: string | ChatId, options?: CallOptions) =>
  Effect.map(leave(chatId, options), (left) => left.response)
