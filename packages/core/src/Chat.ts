/**
 * The Chat model returned by `GET /v3/chats/{chatId}`: what the group-chat
 * rules are checked against.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ServiceType } from "./ServiceType.js"

/** An optional key that may be `null`; `null` is kept as sent. */
const optionalNullable = <S extends Schema.Top>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))

/**
 * A string value Linq sent that this SDK does not know (a new service such
 * as `"WhatsApp"`, a new handle status). Linq adds values; a chat is not
 * rejected for one. The brand keeps it apart from the known literals in the
 * types: narrow with {@link isKnownService} / {@link isKnownChatHandleStatus}
 * (or compare with a known literal). Build one with `UnknownValue.make(...)`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const UnknownValue = Schema.String.pipe(Schema.brand("@linq-effect/core/UnknownValue")).annotate({
  identifier: "UnknownValue"
})

/**
 * @since 0.2.0
 * @category models
 */
export type UnknownValue = typeof UnknownValue.Type

/**
 * A chat's or handle's service as Linq sends it: one of {@link ServiceType},
 * with its literal type, or any other string as an {@link UnknownValue}.
 * {@link ServiceType} itself stays the closed set used for input.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ChatService = Schema.Union([ServiceType, UnknownValue]).annotate({ identifier: "ChatService" })

/**
 * @since 0.2.0
 * @category models
 */
export type ChatService = typeof ChatService.Type

/**
 * Whether a service Linq sent is one this SDK knows.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isKnownService: (service: ChatService) => service is ServiceType = Schema.is(ServiceType)

/**
 * A participant's membership state, the values Linq documents. Only
 * `"active"` handles count as participants. A {@link ChatHandle}'s `status`
 * also accepts other values ({@link ChatHandleStatusValue}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatHandleStatus = Schema.Literals(["active", "left", "removed"]).annotate({
  identifier: "ChatHandleStatus"
})

/**
 * @since 0.2.0
 * @category models
 */
export type ChatHandleStatus = typeof ChatHandleStatus.Type

/**
 * A handle's status as Linq sends it: one of {@link ChatHandleStatus}, with
 * its literal type, or any other string as an {@link UnknownValue}. An
 * unknown status does **not** count as active: the group-chat rules count
 * only known-active handles (see `GroupChatRules.isActive`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const ChatHandleStatusValue = Schema.Union([ChatHandleStatus, UnknownValue]).annotate({
  identifier: "ChatHandleStatusValue"
})

/**
 * @since 0.2.0
 * @category models
 */
export type ChatHandleStatusValue = typeof ChatHandleStatusValue.Type

/**
 * Whether a handle status Linq sent is one this SDK knows.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isKnownChatHandleStatus: (status: ChatHandleStatusValue) => status is ChatHandleStatus =
  Schema.is(ChatHandleStatus)

/**
 * One handle in a chat. `service` and `status` accept values this SDK does
 * not know ({@link ChatService}, {@link ChatHandleStatusValue}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatHandle = Schema.Struct({
  id: Schema.String,
  handle: Schema.String,
  service: ChatService,
  joined_at: Schema.DateTimeUtcFromString,
  is_me: optionalNullable(Schema.Boolean),
  left_at: optionalNullable(Schema.DateTimeUtcFromString),
  status: optionalNullable(ChatHandleStatusValue)
}).annotate({ identifier: "ChatHandle" })

/**
 * @since 0.1.0
 * @category models
 */
export type ChatHandle = typeof ChatHandle.Type

/**
 * A chat. Only what the SDK uses is required; a chat is never rejected for a
 * field it does not use:
 *
 * - unknown fields are ignored when decoding (`health_status`,
 *   `group_chat_icon`, `phone_number`, ... are dropped);
 * - `service` (of the chat and of each handle) and a handle's `status` accept
 *   any string: known values keep their literal type, others decode as an
 *   {@link UnknownValue} ({@link isKnownService}, {@link isKnownChatHandleStatus});
 * - `is_archived` is deprecated by Linq: optional, and `null` is taken as
 *   sent (absent when not sent).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Chat = Schema.Struct({
  id: Schema.String,
  display_name: Schema.NullOr(Schema.String),
  service: optionalNullable(ChatService),
  handles: Schema.Array(ChatHandle),
  is_group: Schema.Boolean,
  is_archived: optionalNullable(Schema.Boolean),
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}).annotate({ identifier: "Chat" })

/**
 * @since 0.1.0
 * @category models
 */
export type Chat = typeof Chat.Type
