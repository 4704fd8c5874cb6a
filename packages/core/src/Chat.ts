/**
 * The Chat model returned by `GET /v3/chats/{chatId}`: what the group-chat
 * rules are checked against.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ServiceType } from "./ServiceType.js"

const optionalNullable = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { exact: true })

/**
 * A participant's membership state. Only `"active"` handles count as
 * participants.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatHandleStatus = Schema.Literal("active", "left", "removed").annotations({
  identifier: "ChatHandleStatus"
})

/**
 * One handle in a chat.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatHandle = Schema.Struct({
  id: Schema.String,
  handle: Schema.String,
  service: ServiceType,
  joined_at: Schema.DateTimeUtc,
  is_me: optionalNullable(Schema.Boolean),
  left_at: optionalNullable(Schema.DateTimeUtc),
  status: optionalNullable(ChatHandleStatus)
}).annotations({ identifier: "ChatHandle" })

/**
 * @since 0.1.0
 * @category models
 */
export type ChatHandle = typeof ChatHandle.Type

/**
 * A chat. Unknown fields are ignored when decoding.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Chat = Schema.Struct({
  id: Schema.String,
  display_name: Schema.NullOr(Schema.String),
  service: optionalNullable(ServiceType),
  handles: Schema.Array(ChatHandle),
  is_group: Schema.Boolean,
  is_archived: Schema.Boolean,
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc
}).annotations({ identifier: "Chat" })

/**
 * @since 0.1.0
 * @category models
 */
export type Chat = typeof Chat.Type
