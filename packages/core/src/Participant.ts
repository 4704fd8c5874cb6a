/**
 * The participant operations' request bodies and answers, with the API's wire
 * names.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Handle } from "./Handle.js"
import { optionalKeyNullable } from "./internal/schema.js"

/**
 * The body of `POST /v3/chats/{chatId}/participants`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParticipantAddParams = Schema.Struct({
  /** Phone number (E.164 format) or email address of the participant to add. */
  handle: Handle
}).annotate({ identifier: "ParticipantAddParams" })

/**
 * @since 0.1.0
 * @category models
 */
export type ParticipantAddParams = typeof ParticipantAddParams.Type

/**
 * The body of `DELETE /v3/chats/{chatId}/participants`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParticipantRemoveParams = Schema.Struct({
  /** Phone number (E.164 format) or email address of the participant to remove. */
  handle: Handle
}).annotate({ identifier: "ParticipantRemoveParams" })

/**
 * @since 0.1.0
 * @category models
 */
export type ParticipantRemoveParams = typeof ParticipantRemoveParams.Type

/** A field the API documents as optional; `null` on the wire decodes as absent. */
const optionalString = optionalKeyNullable(Schema.String)

const queuedFields = {
  /** A human-readable description, e.g. `"Participant addition queued"`. */
  message: optionalString,
  /** `"accepted"`: the change is queued on Linq's side, not yet done. */
  status: optionalString,
  /** Linq's trace id for this request, for support tickets. */
  trace_id: optionalString
}

/**
 * The answer to an add: the addition is queued (`status: "accepted"`). Every
 * field is optional; unknown fields are ignored.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParticipantAddResponse = Schema.Struct(queuedFields).annotate({
  identifier: "ParticipantAddResponse"
})

/**
 * @since 0.1.0
 * @category models
 */
export type ParticipantAddResponse = typeof ParticipantAddResponse.Type

/**
 * The answer to a removal: the removal is queued (`status: "accepted"`).
 * Every field is optional; unknown fields are ignored.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParticipantRemoveResponse = Schema.Struct(queuedFields).annotate({
  identifier: "ParticipantRemoveResponse"
})

/**
 * @since 0.1.0
 * @category models
 */
export type ParticipantRemoveResponse = typeof ParticipantRemoveResponse.Type

/**
 * The answer to `POST /v3/chats/{chatId}/leave`: your number's leave is
 * queued (`status: "accepted"`); Linq sends `participant.removed` once done.
 * Every field is optional; unknown fields are ignored.
 *
 * @since 1.0.0
 * @category schemas
 */
export const LeaveChatResponse = Schema.Struct(queuedFields).annotate({
  identifier: "LeaveChatResponse"
})

/**
 * @since 1.0.0
 * @category models
 */
export type LeaveChatResponse = typeof LeaveChatResponse.Type
