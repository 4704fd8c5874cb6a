/**
 * The group-chat rules of the participant operations, as pure functions of a
 * {@link Chat} snapshot. The fake API enforces them with these same functions,
 * and a client can run them as a pre-flight check.
 *
 * - Add: group chats only, with 3 or more active participants; the handle must
 *   not already be in the chat; it must support the group's service
 *   (cross-service additions are not allowed).
 * - Remove: group chats only; the handle must be in the chat; 3 or more
 *   participants must remain.
 * - Leave (your own number, `POST /v3/chats/{chatId}/leave`): iMessage groups
 *   only, with 4 or more active participants, your number (`is_me`) among them.
 *
 * @since 0.1.0
 */
import { Option } from "effect"
import type { Chat, ChatHandle } from "./Chat.js"
import { isKnownService } from "./Chat.js"
import {
  CrossServiceAddition,
  NotAGroupChat,
  NotAnIMessageGroup,
  OwnNumberNotInChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  TooFewParticipants
} from "./RuleViolations.js"
import type { AddRuleViolation, LeaveRuleViolation, RemoveRuleViolation } from "./Errors.js"
import type { ServiceType } from "./ServiceType.js"

/**
 * The fewest participants a group chat may have.
 *
 * @since 0.1.0
 * @category constants
 */
export const MIN_GROUP_PARTICIPANTS = 3

/**
 * Whether a chat handle is a current participant: status `"active"` (or no
 * status) and not left. A status this SDK does not know (Linq adds values)
 * is **not** active: counting it could let a removal through the
 * "3 or more participants must remain" check that Linq then refuses, so the
 * rules err on the side of fewer participants. Such a handle is also not
 * {@link isParticipant} (removing it is refused as `ParticipantNotInChat`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isActive = (handle: ChatHandle): boolean =>
  (handle.status === undefined || handle.status === null || handle.status === "active") &&
  (handle.left_at === undefined || handle.left_at === null)

/**
 * The chat's current participants.
 *
 * @since 0.1.0
 * @category getters
 */
export const activeParticipants = (chat: Chat): ReadonlyArray<ChatHandle> => chat.handles.filter(isActive)

/**
 * Whether two handles name the same participant: phone numbers exactly, email
 * addresses without regard to case.
 *
 * @since 0.1.0
 * @category predicates
 */
export const sameHandle = (a: string, b: string): boolean =>
  a === b || (a.includes("@") && b.includes("@") && a.toLowerCase() === b.toLowerCase())

/** Handles that are {@link sameHandle} share this key: emails lower-cased, phone numbers as they are. */
const participantKey = (handle: string): string => (handle.includes("@") ? handle.toLowerCase() : handle)

/**
 * The number of distinct current participants among `handles`: a handle
 * listed more than once (say, an email in two cases) counts once.
 */
const countParticipants = (handles: ReadonlyArray<ChatHandle>): number =>
  new Set(handles.filter(isActive).map((h) => participantKey(h.handle))).size

/**
 * Whether the handle is a current participant of the chat.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isParticipant = (chat: Chat, handle: string): boolean =>
  chat.handles.some((h) => isActive(h) && sameHandle(h.handle, handle))

/**
 * Checks adding `handle` to `chat`. `handleServices`, when known, are the
 * services the handle can use; without them the cross-service rule is not
 * checked (the server still checks it). Nor is it checked when the chat's
 * service is one this SDK does not know (`isKnownService`): the handle's
 * services say nothing about it, and the server still checks it.
 *
 * @returns the first rule the add would break, or `None` if it is allowed.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkAdd = (
  chat: Chat,
  handle: string,
  handleServices?: ReadonlyArray<ServiceType>
): Option.Option<AddRuleViolation> => {
  const chatId = chat.id
  if (!chat.is_group) return Option.some(new NotAGroupChat({ chatId, handle }))
  const participants = countParticipants(chat.handles)
  if (participants < MIN_GROUP_PARTICIPANTS) {
    return Option.some(new TooFewParticipants({ chatId, handle, participants }))
  }
  if (isParticipant(chat, handle)) return Option.some(new ParticipantAlreadyInChat({ chatId, handle }))
  const chatService = chat.service
  if (
    chatService !== undefined &&
    chatService !== null &&
    isKnownService(chatService) &&
    handleServices !== undefined
  ) {
    if (!handleServices.includes(chatService)) {
      return Option.some(new CrossServiceAddition({ chatId, handle, chatService, handleServices }))
    }
  }
  return Option.none()
}

/**
 * Checks removing `handle` from `chat`.
 *
 * @returns the first rule the removal would break, or `None` if it is allowed.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkRemove = (chat: Chat, handle: string): Option.Option<RemoveRuleViolation> => {
  const chatId = chat.id
  if (!chat.is_group) return Option.some(new NotAGroupChat({ chatId, handle }))
  if (!isParticipant(chat, handle)) return Option.some(new ParticipantNotInChat({ chatId, handle }))
  // Every entry of the handle goes, and a participant listed twice is still one participant.
  const remaining = countParticipants(chat.handles.filter((h) => !sameHandle(h.handle, handle)))
  if (remaining < MIN_GROUP_PARTICIPANTS) {
    return Option.some(new TooFewParticipants({ chatId, handle, participants: remaining }))
  }
  return Option.none()
}

/**
 * The chat's own number as an active participant: the first active handle
 * marked `is_me`, if any.
 *
 * @since 1.0.0
 * @category getters
 */
export const ownHandle = (chat: Chat): Option.Option<ChatHandle> =>
  Option.fromNullishOr(chat.handles.find((h) => h.is_me === true && isActive(h)))

/**
 * Checks your own number leaving `chat` (`POST /v3/chats/{chatId}/leave`):
 * a group chat (`NotAGroupChat`), on iMessage (`NotAnIMessageGroup`), your
 * number (`is_me`) an active member (`OwnNumberNotInChat`), and 4 or more
 * active members, so that 3 or more remain (`TooFewParticipants`, with the
 * number that would remain). The same as {@link checkRemove} of your number,
 * plus the iMessage rule.
 *
 * @returns the first rule the leave would break, or `None` if it is allowed.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { GroupChatRules } from "@linq-effect/core"
 * import { getChat } from "@linq-effect/client"
 *
 * const canLeave = (chatId: string) =>
 *   Effect.map(getChat(chatId), (chat) => Option.isNone(GroupChatRules.checkLeave(chat)))
 * ```
 *
 * @since 1.0.0
 * @category rules
 */
export const checkLeave = (chat: Chat): Option.Option<LeaveRuleViolation> => {
  const chatId = chat.id
  if (!chat.is_group) return Option.some(new NotAGroupChat({ chatId }))
  if (chat.service !== "iMessage") {
    return Option.some(
      new NotAnIMessageGroup({
        chatId,
        ...(chat.service === undefined || chat.service === null ? {} : { chatService: chat.service })
      })
    )
  }
  const me = ownHandle(chat)
  if (Option.isNone(me)) return Option.some(new OwnNumberNotInChat({ chatId }))
  const handle = me.value.handle
  const remaining = countParticipants(chat.handles.filter((h) => !sameHandle(h.handle, handle)))
  if (remaining < MIN_GROUP_PARTICIPANTS) {
    return Option.some(new TooFewParticipants({ chatId, handle, participants: remaining }))
  }
  return Option.none()
}
