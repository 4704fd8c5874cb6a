/**
 * Listing chats (`GET /v3/chats`): every chat of a handle, or of your
 * number, as a lazy `Stream` that pages by cursor.
 *
 * @since 1.0.0
 */
import type { Chat, Handle, ListChatsError } from "@linq-effect/core"
import type { LinqHttpClient, RequestOptions } from "@linq-effect/http"
import type { Stream } from "effect"
import * as internal from "./internal/list.js"

/**
 * What {@link listChats} lists, and the per-call options of each page's
 * request (`timeout`, `maxRetries`, `headers`: each page is one call).
 *
 * @since 1.0.0
 * @category options
 */
export interface ListChatsOptions extends RequestOptions {
  /** Only chats where this handle is a participant (Linq's `to`). An invalid one is `InvalidHandle`, nothing sent. */
  readonly to?: string | Handle | undefined
  /** Only chats of this number of yours (Linq's `from`). An invalid one is `InvalidHandle`, nothing sent. */
  readonly from?: string | Handle | undefined
  /**
   * Chats per page (Linq's `limit`): a whole number from 1 to 100. Defaults
   * to Linq's own default, 20 (no `limit` is sent). Any other value is
   * `InvalidOption`, and nothing is sent.
   */
  readonly pageSize?: number | undefined
  /**
   * Start at this cursor instead of the first page: the `cursor` of a
   * `ChatsPageFailed`, to go on where a listing stopped (pages are numbered
   * from 1 again). A cursor is Linq's, opaque; an empty one means the first page.
   */
  readonly cursor?: string | undefined
}

/**
 * The chats Linq lists (`GET /v3/chats`), as a `Stream` of core's `Chat`,
 * in Linq's order.
 *
 * **Details**
 *
 * Pages are read by cursor, lazily: one request when the stream is first
 * pulled, the next only when the consumer has taken every chat of the page
 * before (`Stream.take(5)` over pages of 20 reads one page). Interrupting
 * the consumer stops the paging (a page in flight is interrupted). Each page
 * is one call with the client's retries and timeout, counted as one
 * `listChats` call in `callsTotal`; the stream runs in a `Linq listChats`
 * span, the pages' client spans below it.
 *
 * **Gotchas**
 *
 * - `to`, `from` and `pageSize` are checked when the stream starts
 *   (`InvalidHandle`, `InvalidOption`), before any request.
 * - A page that fails ends the stream with `ChatsPageFailed`, whose
 *   `cursor` is the cursor it was asked with and `reason` the call's error;
 *   the chats of the pages before it were delivered. An answer whose
 *   `next_cursor` repeats its own cursor fails the same way
 *   (`UnexpectedResponse`), rather than paging for ever.
 * - Chats that change while the list is read may move between pages (Linq
 *   does not document its order): key by `chat.id` when that matters.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { listChats } from "@linq-effect/client"
 *
 * // The names of the first 5 groups of +12025550102, reading one page.
 * const program = listChats({ to: "+12025550102", pageSize: 20 }).pipe(
 *   Stream.filter((chat) => chat.is_group),
 *   Stream.take(5),
 *   Stream.map((chat) => chat.display_name ?? chat.id),
 *   Stream.runCollect,
 *   Effect.catchTag("ChatsPageFailed", (e) => Effect.succeed([`stopped at page ${e.page}: ${e.reason._tag}`]))
 * )
 * ```
 *
 * @see {@link chatsOf} for the chats of one handle
 *
 * @since 1.0.0
 * @category operations
 */
export const listChats = (options?: ListChatsOptions): Stream.Stream<Chat, ListChatsError, LinqHttpClient> =>
  internal.list(options)

/**
 * The chats where `handle` is a participant: {@link listChats} with `to`.
 * The handle is required: a missing or invalid one is `InvalidHandle`, and
 * nothing is sent (never the list of every chat).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { chatsOf } from "@linq-effect/client"
 *
 * const groups = chatsOf("ana@example.com").pipe(
 *   Stream.filter((chat) => chat.is_group),
 *   Stream.runCount
 * )
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const chatsOf = (
  handle: string | Handle,
  options?: Omit<ListChatsOptions, "to">
): Stream.Stream<Chat, ListChatsError, LinqHttpClient> => internal.chatsOf(handle, options)
