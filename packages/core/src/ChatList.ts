/**
 * The chat list (`GET /v3/chats`): one page of chats as Linq answers it, and
 * how reading a page fails.
 *
 * @since 1.0.0
 */
import { Schema } from "effect"
import type { InvalidHandle, InvalidOption } from "./Errors.js"
import { LinqApiError, LinqTransportError } from "./Errors.js"
import { Chat } from "./Chat.js"
import { optionalKeyNullable } from "./internal/schema.js"

/**
 * The fewest chats a page may ask for (`limit`).
 *
 * @since 1.0.0
 * @category constants
 */
export const MIN_PAGE_SIZE = 1

/**
 * The most chats a page may ask for (`limit`).
 *
 * @since 1.0.0
 * @category constants
 */
export const MAX_PAGE_SIZE = 100

/**
 * One page of `GET /v3/chats`: its `chats` and the `next_cursor` to ask for
 * the next page with (absent, or `null` on the wire, after the last page).
 * Unknown fields are ignored, in the page and in each chat.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ListChatsResponse = Schema.Struct({
  chats: Schema.Array(Chat),
  next_cursor: optionalKeyNullable(Schema.String)
}).annotate({ identifier: "ListChatsResponse" })

/**
 * @since 1.0.0
 * @category models
 */
export type ListChatsResponse = typeof ListChatsResponse.Type

/**
 * Reading one page of the chat list failed. `page` is its number (from 1),
 * `cursor` the cursor it was asked with (absent for the first page: start
 * again there, or from `cursor` to go on where it stopped), and `reason` the
 * call's own error (`ServerError`, `RequestTimeout`, `UnexpectedResponse`,
 * …). The pages before it were read and their chats delivered.
 *
 * @since 1.0.0
 * @category errors
 */
export class ChatsPageFailed extends Schema.TaggedError<ChatsPageFailed>()("ChatsPageFailed", {
  page: Schema.Number,
  cursor: Schema.optionalKey(Schema.String),
  reason: Schema.Union([LinqApiError, LinqTransportError])
}) {
  override get message(): string {
    return `Reading page ${this.page} of the chat list failed (${this.reason._tag}): ${this.reason.message}`
  }
}

/**
 * Everything `listChats` can fail with: a bad `to` or `from`
 * (`InvalidHandle`), `pageSize` or per-call option (`InvalidOption`),
 * before anything is sent; or a page that could not be read (`ChatsPageFailed`).
 *
 * @since 1.0.0
 * @category unions
 */
export type ListChatsError = InvalidHandle | InvalidOption | ChatsPageFailed
