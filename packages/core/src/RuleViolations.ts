/**
 * The group-chat rule violations, as tagged errors: an add or a removal that
 * Linq's rules refuse (a direct message, another messaging service, fewer
 * than 3 participants left, already in, not in). Each carries `chatId` (and
 * `handle` where one is involved) and, when the server reported it, its
 * `status`, `code` and `traceId`.
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
