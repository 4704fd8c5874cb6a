/**
 * Waiting for queued changes to show: `getChat` polled on a schedule until
 * the chat shows what it should, or the deadline passes.
 */
import type { Chat, ChatId, GetChatError } from "@linq-effect/core"
import { MembershipPending } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Clock, Duration, Effect, Schedule } from "effect"
import type { CallOptions } from "./options.js"
import { pending } from "./plan.js"
import { getChat } from "./reads.js"

/** One look at the chat: it, and what is still off. */
interface Seen {
  readonly chat: Chat
  readonly missing: ReadonlyArray<string>
  readonly unexpected: ReadonlyArray<string>
}

const done = (seen: Seen): boolean => seen.missing.length === 0 && seen.unexpected.length === 0

/** The first wait between two reads; each next one doubles, up to {@link POLL_MAX}. */
export const POLL_FIRST = Duration.millis(250)
/** The longest wait between two reads. */
export const POLL_MAX = Duration.seconds(5)

/**
 * 250 ms, doubling, at most 5 s between reads, each wait cut short at the
 * deadline, and no read after it.
 */
const schedule = (deadline: number) =>
  Schedule.exponential(POLL_FIRST).pipe(
    Schedule.union(Schedule.spaced(POLL_MAX)),
    Schedule.modifyDelayEffect((_, delay) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        Duration.min(delay, Duration.millis(Math.max(0, deadline - now)))
      )
    ),
    Schedule.checkEffect(() => Effect.map(Clock.currentTimeMillis, (now) => now < deadline))
  )

/**
 * Reads the chat until every handle of `present` is active and none of
 * `absent` is; `MembershipPending` with what is still off once `deadline`
 * (clock millis) has passed. A read that fails fails the wait.
 */
export const waitFor = (
  chatId: ChatId,
  present: ReadonlyArray<string>,
  absent: ReadonlyArray<string>,
  deadline: number,
  options: CallOptions
): Effect.Effect<Chat, GetChatError | MembershipPending, LinqHttpClient> => {
  const look = Effect.map(
    getChat(chatId, options),
    (chat): Seen => ({ chat, ...pending(chat, present, absent) })
  )
  const policy = schedule(deadline).pipe(
    Schedule.whileInput((seen: Seen) => !done(seen)),
    Schedule.passthrough
  )
  return Effect.flatMap(Effect.repeat(look, policy), (seen) =>
    done(seen)
      ? Effect.succeed(seen.chat)
      : Effect.fail(new MembershipPending({ chatId, missing: seen.missing, unexpected: seen.unexpected }))
  )
}
