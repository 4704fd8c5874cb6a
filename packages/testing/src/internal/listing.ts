/**
 * `GET /v3/chats`: the state's chats, in the state's order (the seed's, then
 * chats put later), filtered by `to` (a handle with an entry in the chat,
 * whatever its status) and `from` (the chat's own number, `is_me`), a page of
 * `limit` (1–100, default 20) at a time. A cursor is opaque: it names the
 * last chat of the page it came with, so a page starts after that chat
 * even when chats were put in between.
 *
 * @internal
 */
import { Chat, GroupChatRules, isHandle } from "@linq-effect/core"
import { Effect, Result, Schema } from "effect"
import { Base64Url } from "effect/encoding"
import { type Answer, ErrorCode, envelope, json } from "./answers.js"
import type { Incoming } from "./middleware.js"
import type { State } from "./state.js"

const encodeChat = Schema.encodeSync(Chat)

/** The page size when `limit` is not given, as on Linq. */
export const DEFAULT_LIMIT = 20

const CURSOR_PREFIX = "after:"

const cursorOf = (chatId: string): string => Base64Url.encode(`${CURSOR_PREFIX}${chatId}`)

/** The chat id a cursor names; none for a cursor this fake did not make. */
const afterOf = (cursor: string): string | undefined => {
  const decoded = Base64Url.decodeString(cursor)
  return Result.isSuccess(decoded) && decoded.success.startsWith(CURSOR_PREFIX)
    ? decoded.success.slice(CURSOR_PREFIX.length)
    : undefined
}

interface Query {
  readonly to: string | undefined
  readonly from: string | undefined
  readonly limit: number
  readonly cursor: string | undefined
}

/** The query, or Linq's 400 for a value it cannot take. */
const readQuery = (request: Incoming): Result.Result<Query, Answer> => {
  const params = new URL(request.url, "http://fake.invalid").searchParams
  const fail = (code: number, message: string) => Result.fail(envelope(400, code, message, request.traceId))
  const given = (name: string) => {
    const value = params.get(name)
    return value === null || value === "" ? undefined : value
  }
  for (const name of ["to", "from"]) {
    const value = given(name)
    if (value !== undefined && !isHandle(value)) {
      return fail(ErrorCode.InvalidPhoneFormat, `${name} must be an E.164 phone number or an email address`)
    }
  }
  const limitText = given("limit")
  const limit =
    limitText === undefined ? DEFAULT_LIMIT : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN
  if (!(limit >= 1 && limit <= 100)) {
    return fail(ErrorCode.InvalidParameter, "limit must be an integer between 1 and 100")
  }
  return Result.succeed({ to: given("to"), from: given("from"), limit, cursor: given("cursor") })
}

const matches = (chat: Chat, query: Query): boolean =>
  (query.to === undefined || chat.handles.some((h) => GroupChatRules.sameHandle(h.handle, query.to ?? ""))) &&
  (query.from === undefined ||
    chat.handles.some((h) => h.is_me === true && GroupChatRules.sameHandle(h.handle, query.from ?? "")))

/** One page of `chats` (the state's, in order) for `query`; a cursor the fake did not make is a 400. */
const page = (chats: ReadonlyArray<Chat>, query: Query, request: Incoming): Answer => {
  let start = 0
  if (query.cursor !== undefined) {
    const after = afterOf(query.cursor)
    const index = after === undefined ? -1 : chats.findIndex((chat) => chat.id === after)
    if (index < 0) return envelope(400, ErrorCode.InvalidParameter, "Invalid cursor", request.traceId)
    start = index + 1
  }
  const found: Array<Chat> = []
  let more = false
  for (let i = start; i < chats.length; i++) {
    const chat = chats[i]
    if (chat === undefined || !matches(chat, query)) continue
    if (found.length === query.limit) {
      more = true
      break
    }
    found.push(chat)
  }
  const last = found.at(-1)
  return json(200, {
    chats: found.map((chat) => encodeChat(chat)),
    next_cursor: more && last !== undefined ? cursorOf(last.id) : null
  })
}

/** The handler of `GET /v3/chats`. */
export const listChats = (state: State) => (request: Incoming) =>
  Result.match(readQuery(request), {
    onFailure: Effect.succeed,
    onSuccess: (query) => Effect.map(state.chats, (chats) => page(chats, query, request))
  })
