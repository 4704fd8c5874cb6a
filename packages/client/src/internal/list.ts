/**
 * The chat list: `GET /v3/chats` read page by page, by cursor, only as the
 * stream's consumer pulls (`Stream.paginate`). Each page is one metered
 * `listChats` call; its chats settle the client's ledger as a chat read does.
 */
import type { Chat, Handle, InvalidOption, ListChatsError } from "@linq-effect/core"
import {
  ChatsPageFailed,
  ListChatsResponse,
  MAX_PAGE_SIZE,
  MIN_PAGE_SIZE,
  parseHandle,
  UnexpectedResponse
} from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { Effect, Option, Stream } from "effect"
import { ledgerOf } from "./ledger.js"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"
import { invalidOption, requestOverrides } from "./options.js"

/** `GET` path of the chat list. */
export const CHATS_PATH = "/v3/chats"

/** What to list, and the per-call options of every page's request. */
export interface ListOptions extends CallOptions {
  readonly to?: string | Handle | undefined
  readonly from?: string | Handle | undefined
  readonly pageSize?: number | undefined
  readonly cursor?: string | undefined
}

/** The page size to ask for: none (Linq's default, 20), or a whole number from 1 to 100. */
export const pageSizeOf = (value: unknown): Effect.Effect<number | undefined, InvalidOption> =>
  value === undefined ||
  (typeof value === "number" && Number.isInteger(value) && value >= MIN_PAGE_SIZE && value <= MAX_PAGE_SIZE)
    ? Effect.succeed(value)
    : Effect.fail(
        invalidOption("pageSize", value, `a whole number from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}`)
      )

const optionalHandle = (input: string | Handle | undefined) =>
  input === undefined ? Effect.succeed(undefined) : parseHandle(input)

/** Where a listing is: the number of the next page, and the cursor to ask it with. */
interface At {
  readonly page: number
  readonly cursor: string | undefined
}

const meteredPage = metered("listChats")

/**
 * The chats `options` selects, page by page as they are pulled. `to`,
 * `from` and `pageSize` are checked when the stream starts, before any
 * request; a page that fails ends the stream with `ChatsPageFailed`.
 */
export const list = (options: ListOptions = {}): Stream.Stream<Chat, ListChatsError, LinqHttpClient> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const to = yield* optionalHandle(options.to)
      const from = yield* optionalHandle(options.from)
      const limit = yield* pageSizeOf(options.pageSize)
      const client = yield* LinqHttpClient
      const ledger = ledgerOf(client)
      const overrides = requestOverrides(options)
      const read = ({ page, cursor }: At) =>
        meteredPage(
          client
            .execute({
              method: "GET",
              path: CHATS_PATH,
              urlParams: { to, from, limit: limit === undefined ? undefined : String(limit), cursor },
              response: ListChatsResponse,
              ...overrides
            })
            .pipe(
              // A cursor that names the page it came with would page for ever.
              Effect.filterOrFail(
                (answer) => cursor === undefined || answer.next_cursor !== cursor,
                () =>
                  new UnexpectedResponse({
                    status: 200,
                    excerpt: "",
                    reason: "next_cursor is the cursor this page was asked with: the list would never end"
                  })
              )
            )
        ).pipe(
          // A per-call option the client cannot send is bad input (nothing was sent), not a failed page.
          Effect.mapError((reason) =>
            reason._tag === "InvalidOption"
              ? reason
              : new ChatsPageFailed({ page, ...(cursor === undefined ? {} : { cursor }), reason })
          ),
          // Each listed chat settles this client's pending changes it shows, as a chat read does.
          Effect.tap((answer) =>
            Effect.forEach(answer.chats, (chat) => ledger.observe(chat.id, chat), { discard: true })
          )
        )
      const start = options.cursor === undefined || options.cursor === "" ? undefined : options.cursor
      return Stream.paginate<At, Chat, ListChatsError, never>({ page: 1, cursor: start }, (at) =>
        Effect.map(read(at), (answer) => {
          const next = answer.next_cursor
          const more = next !== undefined && next !== ""
          return [
            answer.chats,
            more ? Option.some({ page: at.page + 1, cursor: next }) : Option.none()
          ] as const
        })
      )
    })
  ).pipe(Stream.withSpan("Linq listChats", { kind: "internal", captureStackTrace: false }))

/** The chats of `handle`, which must be given (no `to` would list every chat). */
export const chatsOf = (
  handle: string | Handle,
  options: Omit<ListOptions, "to"> = {}
): Stream.Stream<Chat, ListChatsError, LinqHttpClient> =>
  Stream.unwrap(Effect.map(parseHandle(handle), (to) => list({ ...options, to })))
