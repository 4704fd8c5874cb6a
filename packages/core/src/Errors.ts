/**
 * Every way a participant operation can fail, as tagged errors.
 *
 * Nothing here is ever thrown: each error travels in the Effect error channel
 * and can be handled by tag with `Effect.catchTag` / `Effect.catchTags`.
 *
 * Personal data: handles (phone numbers, email addresses) are kept as fields
 * for programs to read, but never written into an error's `message`, so that
 * logging an error does not log a person's number.
 *
 * @since 0.1.0
 */
import { Duration, Schema } from "effect"
import { ServiceType } from "./ServiceType.js"

// ---------------------------------------------------------------------------
// Input errors: raised before any request is sent
// ---------------------------------------------------------------------------

/**
 * The handle is neither an E.164 phone number nor an email address. Raised
 * before anything is sent.
 *
 * @since 0.1.0
 * @category input errors
 */
export class InvalidHandle extends Schema.TaggedError<InvalidHandle>()("InvalidHandle", {
  input: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid handle: ${this.reason}`
  }
}

/**
 * The chat id is empty, too long, or not safe as one URL path segment.
 * Raised before anything is sent.
 *
 * @since 0.1.0
 * @category input errors
 */
export class InvalidChatId extends Schema.TaggedError<InvalidChatId>()("InvalidChatId", {
  input: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid chat id ${JSON.stringify(this.input.slice(0, 80))}: ${this.reason}`
  }
}

// ---------------------------------------------------------------------------
// Group-chat rule violations
// ---------------------------------------------------------------------------

/**
 * What the server said when it reported a rule violation (absent when the
 * violation was found locally, by `GroupChatRules`).
 */
const ServerAnswer = {
  status: Schema.optionalWith(Schema.Number, { exact: true }),
  code: Schema.optionalWith(Schema.Number, { exact: true }),
  traceId: Schema.optionalWith(Schema.String, { exact: true })
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
  handle: Schema.optionalWith(Schema.String, { exact: true }),
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
  chatService: Schema.optionalWith(ServiceType, { exact: true }),
  handleServices: Schema.optionalWith(Schema.Array(ServiceType), { exact: true }),
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
  handle: Schema.optionalWith(Schema.String, { exact: true }),
  /** The number of active participants the rule was checked against (after the removal, for a removal). */
  participants: Schema.optionalWith(Schema.Number, { exact: true }),
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

// ---------------------------------------------------------------------------
// API answers (non-2xx)
// ---------------------------------------------------------------------------

const ApiAnswer = {
  status: Schema.Number,
  message: Schema.String,
  code: Schema.optionalWith(Schema.Number, { exact: true }),
  traceId: Schema.optionalWith(Schema.String, { exact: true })
}

/**
 * 401: the API key is missing, wrong or revoked.
 *
 * @since 0.1.0
 * @category api errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", ApiAnswer) {}

/**
 * 403: the key may not do this (for example the phone line is not allowed).
 *
 * @since 0.1.0
 * @category api errors
 */
export class PermissionDenied extends Schema.TaggedError<PermissionDenied>()("PermissionDenied", ApiAnswer) {}

/**
 * 404: no chat with that id.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ChatNotFound extends Schema.TaggedError<ChatNotFound>()("ChatNotFound", ApiAnswer) {}

/**
 * 429: too many requests. `retryAfter` is how long the server asked to wait,
 * when it said.
 *
 * @since 0.1.0
 * @category api errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...ApiAnswer,
  /** A `Duration`; encoded as JSON-safe data (`Schema.Duration`), so the error can cross a process boundary. */
  retryAfter: Schema.optionalWith(Schema.Duration, { exact: true })
}) {}

/**
 * 400 or 422 that is not a recognised group-chat rule violation (a 409 is an
 * `ApiError`): the server's message is kept intact.
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", ApiAnswer) {}

/**
 * 500 or above: the API or a gateway in front of it failed.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", ApiAnswer) {}

/**
 * Any other non-2xx answer (for example 408 or a 3xx that was not followed).
 *
 * @since 0.1.0
 * @category api errors
 */
export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", ApiAnswer) {}

// ---------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------

/**
 * The request could not be sent or its answer could not be read (DNS,
 * refused or dropped connection, TLS, aborted body).
 *
 * @since 0.1.0
 * @category transport errors
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>()("ConnectionError", {
  method: Schema.String,
  url: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Could not reach the Linq API (${this.method} ${this.url}): ${this.reason}`
  }
}

/**
 * One attempt took longer than the configured timeout.
 *
 * @since 0.1.0
 * @category transport errors
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
  method: Schema.String,
  url: Schema.String,
  /** A `Duration`; encoded as JSON-safe data (`Schema.Duration`), so the error can cross a process boundary. */
  timeout: Schema.Duration
}) {
  override get message(): string {
    return `The Linq API did not answer ${this.method} ${this.url} within ${Duration.format(this.timeout)}`
  }
}

/**
 * A 2xx answer whose body is not the documented shape (or is too large).
 * `excerpt` holds at most the first few hundred characters of the body.
 *
 * @since 0.1.0
 * @category transport errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  status: Schema.Number,
  excerpt: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Unexpected response from the Linq API (status ${this.status}): ${this.reason}`
  }
}

// ---------------------------------------------------------------------------
// Unions
// ---------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category unions
 */
export type InputError = InvalidHandle | InvalidChatId

/**
 * @since 0.1.0
 * @category unions
 */
export type GroupChatRuleViolation =
  | NotAGroupChat
  | CrossServiceAddition
  | TooFewParticipants
  | ParticipantAlreadyInChat
  | ParticipantNotInChat

/**
 * The rule violations an add can meet.
 *
 * @since 0.1.0
 * @category unions
 */
export type AddRuleViolation =
  | NotAGroupChat
  | CrossServiceAddition
  | TooFewParticipants
  | ParticipantAlreadyInChat

/**
 * The rule violations a removal can meet.
 *
 * @since 0.1.0
 * @category unions
 */
export type RemoveRuleViolation = NotAGroupChat | TooFewParticipants | ParticipantNotInChat

/**
 * @since 0.1.0
 * @category unions
 */
export type LinqApiError =
  | Unauthorized
  | PermissionDenied
  | ChatNotFound
  | RateLimited
  | InvalidRequest
  | ServerError
  | ApiError

/**
 * @since 0.1.0
 * @category unions
 */
export type LinqTransportError = ConnectionError | RequestTimeout | UnexpectedResponse

/**
 * Everything `addParticipant` can fail with.
 *
 * @since 0.1.0
 * @category unions
 */
export type AddParticipantError = InputError | AddRuleViolation | LinqApiError | LinqTransportError

/**
 * Everything `removeParticipant` can fail with.
 *
 * @since 0.1.0
 * @category unions
 */
export type RemoveParticipantError = InputError | RemoveRuleViolation | LinqApiError | LinqTransportError

/**
 * Schemas of the unions, for decoding errors that crossed a process boundary.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupChatRuleViolation = Schema.Union(
  NotAGroupChat,
  CrossServiceAddition,
  TooFewParticipants,
  ParticipantAlreadyInChat,
  ParticipantNotInChat
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const LinqApiError = Schema.Union(
  Unauthorized,
  PermissionDenied,
  ChatNotFound,
  RateLimited,
  InvalidRequest,
  ServerError,
  ApiError
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const LinqTransportError = Schema.Union(ConnectionError, RequestTimeout, UnexpectedResponse)

// ---------------------------------------------------------------------------
// Group membership (getChat, checkCapability, syncParticipants)
// ---------------------------------------------------------------------------

/**
 * A sync's changes were accepted but the chat did not show the wanted
 * members before the wait ran out: Linq queues changes, and "accepted" is not
 * "done". `missing` are handles that should be active and are not yet;
 * `unexpected` are handles that should be gone and are still active. The
 * message gives their counts, never the handles.
 *
 * @since 0.2.0
 * @category membership errors
 */
export class MembershipPending extends Schema.TaggedError<MembershipPending>()("MembershipPending", {
  chatId: Schema.String,
  missing: Schema.Array(Schema.String),
  unexpected: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`
    return `Chat ${this.chatId} does not show the wanted members yet: ${count(this.missing.length, "participant")} still to join, ${count(this.unexpected.length, "participant")} still to leave; the changes were accepted and may still be applied`
  }
}

/**
 * Everything `getChat` can fail with.
 *
 * @since 0.2.0
 * @category unions
 */
export type GetChatError = InvalidChatId | LinqApiError | LinqTransportError

/**
 * Everything `checkCapability` can fail with.
 *
 * @since 0.2.0
 * @category unions
 */
export type CheckCapabilityError = InvalidHandle | LinqApiError | LinqTransportError

/**
 * Everything `syncParticipants` can fail with: bad input, a plan the rules
 * refuse before anything is sent, the chat read failing, or (with `wait`)
 * changes still pending. A single change failing is an outcome, not a failure.
 *
 * @since 0.2.0
 * @category unions
 */
export type SyncParticipantsError =
  | InputError
  | NotAGroupChat
  | TooFewParticipants
  | CrossServiceAddition
  | MembershipPending
  | LinqApiError
  | LinqTransportError

/**
 * The schema of {@link SyncParticipantsError}, for decoding errors that
 * crossed a process boundary.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SyncParticipantsError = Schema.Union(
  InvalidHandle,
  InvalidChatId,
  NotAGroupChat,
  TooFewParticipants,
  CrossServiceAddition,
  MembershipPending,
  LinqApiError,
  LinqTransportError
)
