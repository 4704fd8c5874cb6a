/**
 * The group-chat rule violations, as tagged errors: an add, a removal or a
 * leave that Linq's rules refuse (a direct message, another messaging
 * service, fewer than 3 participants left, already in, not in; for a leave,
 * a group that is not iMessage or does not hold your number). Each carries
 * `chatId` (and `handle` where one is involved) and, when the server
 * reported it, its `status`, `code` and `traceId`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ServiceType } from "./ServiceType.js"

/**
 * What the server said when it reported a rule violation (absent when the
 * violation was found locally, by `GroupChatRules`).
 */
const ServerAnswer = {
  status: Schema.optionalKey(Schema.Number),
  code: Schema.optionalKey(Schema.Number),
  traceId: Schema.optionalKey(Schema.String)
}

/**
 * The chat is a direct message, not a group chat: participants can only be
 * added to or removed from group chats.
 *
 * @since 0.1.0
 * @category group-chat rule violations
 */
export class NotAGroupChat extends Schema.TaggedError<NotAGroupChat>()("NotAGroupChat", {
  chatId: Schema.String,
  handle: Schema.optionalKey(Schema.String),
  ...ServerAnswer
}) {
  override get message(): string {
    return `Chat ${this.chatId} is not a group chat: participants can only be added to or removed from group chats`
  }
}

/**
 * The handle does not support the group's messaging service (an RCS-only
 * handle cannot join an iMessage group). Create a new chat instead.
 *
 * @since 0.1.0
 * @category group-chat rule violations
 */
export class CrossServiceAddition extends Schema.TaggedError<CrossServiceAddition>()("CrossServiceAddition", {
  chatId: Schema.String,
  handle: Schema.String,
  chatService: Schema.optionalKey(ServiceType),
  handleServices: Schema.optionalKey(Schema.Array(ServiceType)),
  ...ServerAnswer
}) {
  override get message(): string {
    const service = this.chatService === undefined ? "the group's service" : this.chatService
    return `The participant cannot join chat ${this.chatId}: it does not support ${service}, and cross-service additions are not allowed; create a new chat instead`
  }
}

/**
 * The group would have, or has, fewer than 3 participants: an add needs 3 or
 * more participants already, and a removal must leave 3 or more.
 *
 * @since 0.1.0
 * @category group-chat rule violations
 */
export class TooFewParticipants extends Schema.TaggedError<TooFewParticipants>()("TooFewParticipants", {
  chatId: Schema.String,
  handle: Schema.optionalKey(Schema.String),
  /** The number of active participants the rule was checked against (after the removal, for a removal). */
  participants: Schema.optionalKey(Schema.Number),
  ...ServerAnswer
}) {
  override get message(): string {
    const count = this.participants === undefined ? "" : ` (${this.participants})`
    return `Chat ${this.chatId} would have too few participants${count}: a group chat needs 3 or more participants`
  }
}

/**
 * The handle is already an active participant of the chat.
 *
 * @since 0.1.0
 * @category group-chat rule violations
 */
export class ParticipantAlreadyInChat extends Schema.TaggedError<ParticipantAlreadyInChat>()(
  "ParticipantAlreadyInChat",
  {
    chatId: Schema.String,
    handle: Schema.String,
    ...ServerAnswer
  }
) {
  override get message(): string {
    return `The participant is already in chat ${this.chatId}`
  }
}

/**
 * The handle is not an active participant of the chat.
 *
 * @since 0.1.0
 * @category group-chat rule violations
 */
export class ParticipantNotInChat extends Schema.TaggedError<ParticipantNotInChat>()("ParticipantNotInChat", {
  chatId: Schema.String,
  handle: Schema.String,
  ...ServerAnswer
}) {
  override get message(): string {
    return `The participant is not in chat ${this.chatId}`
  }
}

/**
 * Your number can leave only an iMessage group (`POST /v3/chats/{chatId}/leave`):
 * this group is on another service (`chatService`, when the chat says).
 *
 * @since 1.0.0
 * @category group-chat rule violations
 */
export class NotAnIMessageGroup extends Schema.TaggedError<NotAnIMessageGroup>()("NotAnIMessageGroup", {
  chatId: Schema.String,
  chatService: Schema.optionalKey(Schema.String),
  ...ServerAnswer
}) {
  override get message(): string {
    const service = this.chatService === undefined ? "" : ` (it is ${this.chatService})`
    return `Chat ${this.chatId} is not an iMessage group${service}: your number can leave iMessage groups only`
  }
}

/**
 * Your own number (the handle marked `is_me`) is not an active member of the
 * chat, so it cannot leave it.
 *
 * @since 1.0.0
 * @category group-chat rule violations
 */
export class OwnNumberNotInChat extends Schema.TaggedError<OwnNumberNotInChat>()("OwnNumberNotInChat", {
  chatId: Schema.String,
  ...ServerAnswer
}) {
  override get message(): string {
    return `Your number is not an active member of chat ${this.chatId}: there is nothing to leave`
  }
}
