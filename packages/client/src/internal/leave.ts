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
  MembershipPending,
  NotAGroupChat,
  OwnNumberNotInChat,
  parseChatId
} from "@linq-effect/core"
import type { ErrorMapping } from "@linq-effect/http"
import { LinqHttpClient } from "@linq-effect/http"
import { Clock, Duration, Effect, Option } from "effect"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"
import { confirmOf, requestOverrides } from "./options.js"
import { awaitMembership } from "./await.js"
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

/** A leave's options: the per-call ones, and how long to wait for it to show. */
export interface LeaveOptions extends CallOptions {
  /**
   * Wait up to this long for the leave to show (as `awaitMembership` waits
   * for the removal of your number: its `participant.removed` event when a
   * `LinqWebhooks` is in context, else reads of the chat); `MembershipPending`
   * if it does not in time. A finite duration above zero, else
   * `InvalidOption` with nothing sent.
   */
  readonly confirm?: Duration.Input | undefined
}

const meteredLeave = metered("leaveChat")

/** Checks the leave rule on a read of the chat, then sends the leave; the handle that leaves is the chat's `is_me`. */
export const leave = (
  chatId: string | ChatId,
  options?: LeaveOptions
): Effect.Effect<
  { readonly response: Response; readonly chatId: ChatId; readonly handle: string },
  LeaveChatError,
  LinqHttpClient
> =>
  meteredLeave(
    Effect.gen(function* () {
      const id = yield* parseChatId(chatId)
      const confirm = yield* confirmOf(options?.confirm)
      const overrides = requestOverrides(options)
      // As it will be once this client's queued changes apply: a queued removal counts as gone.
      const { projected } = yield* projectedChat(id, overrides)
      const refused = GroupChatRules.checkLeave(projected)
      if (Option.isSome(refused)) return yield* Effect.fail(refused.value)
      // checkLeave passed, so the chat has its own number.
      const me = Option.getOrUndefined(GroupChatRules.ownHandle(projected))
      if (me === undefined) return yield* Effect.fail(new OwnNumberNotInChat({ chatId: id }))
      const client = yield* LinqHttpClient
      const since = yield* Clock.currentTimeMillis
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
      if (confirm !== undefined) {
        // Confirmable like a removal of our number: the event, else reads.
        // Not confirmable (our number as Linq lists it is no handle this SDK accepts): still pending.
        const unconfirmable = () =>
          Effect.fail(
            new MembershipPending({ chatId: id, missing: [], unexpected: [me.handle], seen: false })
          )
        yield* awaitMembership(
          id,
          { removed: [me.handle] },
          {
            timeout: Duration.millis(confirm),
            since,
            ...(overrides.timeout === undefined ? {} : { requestTimeout: overrides.timeout }),
            ...(overrides.headers === undefined ? {} : { headers: overrides.headers })
          }
        ).pipe(
          Effect.catchTags({
            InvalidHandle: unconfirmable,
            InvalidChatId: unconfirmable,
            InvalidOption: unconfirmable
          })
        )
      }
      return { response, chatId: id, handle: me.handle }
    })
  ).pipe(Effect.withSpan("Linq leaveChat", { kind: "internal" }, { captureStackTrace: false }))

/** `leaveChat`: the leave's answer. */
export const leaveChat = (chatId: string | ChatId, options?: LeaveOptions) =>
  Effect.map(leave(chatId, options), (left) => left.response)
