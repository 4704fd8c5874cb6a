/**
 * `POST /v3/chats/{chatId}/leave`: the chat's own number (`is_me`) leaves an
 * iMessage group of 4 or more active members. The rule
 * (`GroupChatRules.checkLeave`) is checked on arrival; the leave is then the
 * removal of that number, queued as every change is and checked again (as a
 * removal) when it is applied.
 *
 * @internal
 */
import { GroupChatRules, OwnNumberNotInChat } from "@linq-effect/core"
import { Effect, Option } from "effect"
import {
  type Answer,
  chatNotFound,
  envelope,
  json,
  type Violation,
  type ViolationOverrides,
  violationAnswer
} from "./answers.js"
import type { Incoming } from "./middleware.js"
import type { ChangeResult, State } from "./state.js"

const answerOf =
  (request: Incoming, overrides: ViolationOverrides) =>
  (result: ChangeResult | { readonly _tag: "Refused"; readonly violation: Violation }): Answer => {
    switch (result._tag) {
      case "ChatNotFound":
        return chatNotFound(request.traceId)
      case "Refused": {
        const { status, code, message } = violationAnswer(result.violation, overrides)
        return envelope(status, code, message, request.traceId)
      }
      case "Accepted":
        return json(202, { message: "Chat leave queued", status: "accepted", trace_id: request.traceId })
    }
  }

/** The handler of `POST /v3/chats/{chatId}/leave`. */
export const leaveChat = (state: State, overrides: ViolationOverrides) => (request: Incoming) =>
  Effect.flatMap(state.chat(request.params.chatId ?? ""), (found) => {
    if (Option.isNone(found)) return Effect.succeed(chatNotFound(request.traceId))
    const chat = found.value
    const answer = answerOf(request, overrides)
    const refused = GroupChatRules.checkLeave(chat)
    if (Option.isSome(refused)) return Effect.succeed(answer({ _tag: "Refused", violation: refused.value }))
    return Option.match(GroupChatRules.ownHandle(chat), {
      // checkLeave found the number; never met
      onNone: () =>
        Effect.succeed(answer({ _tag: "Refused", violation: new OwnNumberNotInChat({ chatId: chat.id }) })),
      onSome: (me) => Effect.map(state.remove(chat.id, me.handle), answer)
    })
  })
