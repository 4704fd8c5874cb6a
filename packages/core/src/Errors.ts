/**
 * Every way an operation can fail, as tagged errors: input errors and
 * `MembershipPending` here, group-chat rule violations in
 * `RuleViolations.ts`, API answers in `ApiErrors.ts`, transport failures in
 * `TransportErrors.ts`, and here the unions of each operation.
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
import { Effect, Schema } from "effect"
import {
  ApiError,
  ChatNotFound,
  InvalidRequest,
  PermissionDenied,
  RateLimited,
  ServerError,
  Unauthorized
} from "./ApiErrors.js"
import {
  CrossServiceAddition,
  NotAGroupChat,
  type NotAnIMessageGroup,
  type OwnNumberNotInChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  TooFewParticipants
} from "./RuleViolations.js"
import { ConnectionError, RequestTimeout, UnexpectedResponse } from "./TransportErrors.js"

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

/**
 * An option of an operation has a value it cannot take (`concurrency: 0`,
 * `-1`, `NaN`, `1.5`, …). Raised before anything is sent. `option` names it,
 * `input` is the value given, as text, and `reason` says what it may be.
 *
 * @since 0.2.0
 * @category input errors
 */
export class InvalidOption extends Schema.TaggedError<InvalidOption>()("InvalidOption", {
  option: Schema.String,
  input: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid option ${this.option}: ${this.reason}`
  }
}

// ---------------------------------------------------------------------------
// Unions
// ---------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category unions
 */
export type InputError = InvalidHandle | InvalidChatId | InvalidOption

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
 * The rule violations your own number's leave can meet
 * (`GroupChatRules.checkLeave`).
 *
 * @since 1.0.0
 * @category unions
 */
export type LeaveRuleViolation = NotAGroupChat | NotAnIMessageGroup | OwnNumberNotInChat | TooFewParticipants

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
export const GroupChatRuleViolation = Schema.Union([
  NotAGroupChat,
  CrossServiceAddition,
  TooFewParticipants,
  ParticipantAlreadyInChat,
  ParticipantNotInChat
])

/**
 * @since 0.1.0
 * @category schemas
 */
export const LinqApiError = Schema.Union([
  Unauthorized,
  PermissionDenied,
  ChatNotFound,
  RateLimited,
  InvalidRequest,
  ServerError,
  ApiError
])

/**
 * @since 0.1.0
 * @category schemas
 */
export const LinqTransportError = Schema.Union([ConnectionError, RequestTimeout, UnexpectedResponse])

// ---------------------------------------------------------------------------
// Group membership (getChat, checkCapability, syncParticipants)
// ---------------------------------------------------------------------------

/**
 * A field the constructor and the decoder fill in when it is left out (or
 * `undefined` on the wire); always written when encoding.
 */
const withDefault = <S extends Schema.Top & Schema.WithoutConstructorDefault>(
  schema: S,
  value: () => S["Type"] & S["Encoded"]
) =>
  schema.pipe(
    Schema.withConstructorDefault(Effect.sync(value)),
    Schema.withDecodingDefault(Effect.sync(value))
  )

/**
 * A sync with `wait` ran out of time before the chat showed the wanted
 * members: Linq queues changes, and "accepted" is not "done".
 *
 * - `missing` are wanted handles not active, `unexpected` unwanted handles
 *   still active, in the last chat a read showed (or, when no read during the
 *   wait succeeded, `seen: false`, in the chat the sync planned from).
 * - `sent`: handles whose change Linq accepted (a 2xx, or an answer that it
 *   was already so): pending, they may still be applied.
 * - `notSent`: handles whose change was never sent: removals held back to
 *   keep the group at 3, or held until the newcomers showed (with a wait,
 *   removals go out only then). Run the sync again to send them.
 * - `failed`: handles whose change was sent and answered with an error (a
 *   5xx may or may not have been applied).
 * - `seen`: whether a read of the chat during the wait succeeded;
 *   `readError`: the last read's error, when that read failed.
 *
 * The message gives counts and error tags, never the handles. Built with
 * only `chatId`, `missing` and `unexpected`, the lists are empty and `seen`
 * is true.
 *
 * @since 0.2.0
 * @category membership errors
 */
export class MembershipPending extends Schema.TaggedError<MembershipPending>()("MembershipPending", {
  chatId: Schema.String,
  missing: Schema.Array(Schema.String),
  unexpected: Schema.Array(Schema.String),
  sent: withDefault(Schema.Array(Schema.String), () => []),
  notSent: withDefault(Schema.Array(Schema.String), () => []),
  failed: withDefault(Schema.Array(Schema.String), () => []),
  seen: withDefault(Schema.Boolean, () => true),
  readError: Schema.optional(Schema.Union([InvalidChatId, InvalidOption, LinqApiError, LinqTransportError]))
}) {
  override get message(): string {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`
    const changes = [
      ...(this.sent.length > 0
        ? [`${count(this.sent.length, "change")} accepted and may still be applied`]
        : []),
      ...(this.notSent.length > 0 ? [`${count(this.notSent.length, "change")} not sent`] : []),
      ...(this.failed.length > 0 ? [`${count(this.failed.length, "change")} failed`] : [])
    ]
    const reads = this.seen
      ? this.readError === undefined
        ? ""
        : `; the last read of the chat failed (${this.readError._tag})`
      : this.readError === undefined
        ? "; the chat was not read during the wait"
        : `; no read of the chat succeeded during the wait (${this.readError._tag})`
    return `Chat ${this.chatId} does not show the wanted members yet: ${count(this.missing.length, "participant")} still to join, ${count(this.unexpected.length, "participant")} still to leave; ${changes.length > 0 ? changes.join(", ") : "the changes were accepted and may still be applied"}${reads}`
  }
}

/**
 * Everything `getChat` can fail with.
 *
 * @since 0.2.0
 * @category unions
 */
export type GetChatError = InvalidChatId | InvalidOption | LinqApiError | LinqTransportError

/**
 * Everything `checkCapability` can fail with.
 *
 * @since 0.2.0
 * @category unions
 */
export type CheckCapabilityError = InvalidHandle | InvalidOption | LinqApiError | LinqTransportError

/**
 * Everything `syncParticipants` can fail with: bad input (a handle, the chat
 * id, or an option such as `concurrency`), a plan the rules
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
export const SyncParticipantsError = Schema.Union([
  InvalidHandle,
  InvalidChatId,
  InvalidOption,
  NotAGroupChat,
  TooFewParticipants,
  CrossServiceAddition,
  MembershipPending,
  LinqApiError,
  LinqTransportError
])

/**
 * Everything `leaveChat` can fail with: a bad chat id or per-call option
 * (`timeout`, `maxRetries`, `headers`, `confirm`), a leave the rules refuse (checked on a read of the chat before the leave is sent), or the
 * read or the leave failing; with `confirm`, `MembershipPending` when the
 * leave does not show in time.
 *
 * @since 1.0.0
 * @category unions
 */
export type LeaveChatError =
  | InvalidChatId
  | InvalidOption
  | LeaveRuleViolation
  | LinqApiError
  | LinqTransportError
  | MembershipPending
