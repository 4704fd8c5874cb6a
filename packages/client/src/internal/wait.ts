/**
 * Waiting for queued changes to show: `getChat` polled on a schedule until
 * the chat shows what it should, or the deadline passes. The deadline is a
 * deadline: every read is bounded by the time left, none is retried on its
 * own, none starts after it; a read that fails is one look missed, not the
 * end of the wait.
 */
import type { Chat, ChatId, GetChatError } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { Clock, Duration, Effect, Option, Result } from "effect"
import type { CallOptions } from "./options.js"
import { pending } from "./plan.js"
import { boundedGetChat, budgetOf } from "./reads.js"

/** The first wait before a read; each next one doubles, up to {@link POLL_MAX}. */
export const POLL_FIRST = Duration.millis(250)
/** The longest wait between two reads. */
export const POLL_MAX = Duration.seconds(5)

const FIRST = Duration.toMillis(POLL_FIRST)
const MAX = Duration.toMillis(POLL_MAX)

/** How a wait ended: the chat showed what it should (`Shown`), or the deadline came first. */
export type Waited =
  | { readonly _tag: "Shown"; readonly chat: Chat; readonly reads: number }
  | {
      readonly _tag: "NotShown"
      /** How many reads were made. */
      readonly reads: number
      /** The last chat a read returned (none: no read succeeded). */
      readonly last: Option.Option<Chat>
      /** The last read's error, if that read failed. */
      readonly error: Option.Option<GetChatError>
    }

/**
 * One read, bounded by `left` ms: the call's own timeout cut to the time
 * left, no retry, and (a rate limiter's wait included) cut off at the
 * deadline with `RequestTimeout`.
 */
const look = (chatId: ChatId, left: number, options: CallOptions) =>
  Effect.flatMap(LinqHttpClient, (client) =>
    boundedGetChat(chatId, budgetOf(options.timeout, client.timeout, Duration.millis(left)), options)
  )

/**
 * Reads the chat until every handle of `present` is active and none of
 * `absent` is, or `deadline` (clock millis) comes. The first read comes
 * after 250 ms, each next one after a wait twice as long (at most 5 s); when
 * the next read would come at or after the deadline, a last one comes 250 ms
 * before it (if that is still ahead; at once if nothing was read yet). Each
 * read gets the time left at most, and no retry; a read that fails is
 * noted, and the wait goes on. Never fails: how it ended is the value.
 */
export const waitFor = (
  chatId: ChatId,
  present: ReadonlyArray<string>,
  absent: ReadonlyArray<string>,
  deadline: number,
  options: CallOptions
): Effect.Effect<Waited, never, LinqHttpClient> =>
  Effect.gen(function* () {
    let gap = FIRST
    let reads = 0
    let last = Option.none<Chat>()
    let error = Option.none<GetChatError>()
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      const lastOne = now + gap >= deadline
      const delay = lastOne ? deadline - FIRST - now : gap
      if (lastOne && delay <= 0 && (reads > 0 || now >= deadline)) break
      if (delay > 0) yield* Effect.sleep(Duration.millis(delay))
      const left = deadline - (yield* Clock.currentTimeMillis)
      if (left <= 0) break
      const read = yield* Effect.result(look(chatId, left, options))
      reads++
      if (Result.isSuccess(read)) {
        const off = pending(read.success, present, absent)
        if (off.missing.length === 0 && off.unexpected.length === 0) {
          return { _tag: "Shown", chat: read.success, reads } as const
        }
        last = Option.some(read.success)
        error = Option.none()
      } else {
        error = Option.some(read.failure)
      }
      if (lastOne) break
      gap = Math.min(gap * 2, MAX)
    }
    return { _tag: "NotShown", last, error, reads } as const
  })
