/**
 * `awaitMembership`: its input checked (nothing read or subscribed before),
 * its deadline and `since` computed, the confirmation run and turned into
 * the confirmed value or `MembershipPending`.
 */
import type { ChatId, Handle, InvalidChatId, InvalidHandle } from "@linq-effect/core"
import { InvalidOption, MembershipPending, parseChatId, parseHandle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Clock, DateTime, Duration, Effect, Option } from "effect"
import type { AwaitMembershipOptions, MembershipChanges, MembershipConfirmed } from "../Membership.js"
import { handleKey, loneString } from "./batch.js"
import type { Changes } from "./events.js"
import { confirm, SINCE_SLACK } from "./membership.js"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"

const invalid = (option: string, input: unknown, reason: string) =>
  new InvalidOption({ option, input: typeof input === "string" ? input : String(input), reason })

/** A finite duration above zero, in ms; else `InvalidOption`. */
const timeoutOf = (input: unknown): Effect.Effect<number, InvalidOption> => {
  const duration =
    input === undefined || input === null ? Option.none() : Duration.fromInput(input as Duration.Input)
  const ms = Option.match(duration, { onNone: () => Number.NaN, onSome: Duration.toMillis })
  return Number.isFinite(ms) && ms > 0
    ? Effect.succeed(ms)
    : Effect.fail(
        invalid("timeout", input, 'timeout must be a finite duration above zero (say "30 seconds")')
      )
}

/** `since` as clock millis (default: the call's time less `SINCE_SLACK`); else `InvalidOption`. */
const sinceOf = (input: unknown, now: number): Effect.Effect<number, InvalidOption> => {
  if (input === undefined) return Effect.succeed(now - Duration.toMillis(SINCE_SLACK))
  const at = DateTime.make(input as DateTime.DateTime.Input)
  return Option.isSome(at)
    ? Effect.succeed(DateTime.toEpochMillis(at.value))
    : Effect.fail(invalid("since", input, "since must be a date (a DateTime, a Date or epoch milliseconds)"))
}

/** The handles of one list, each participant once; a lone string (a JS caller) is refused whole. */
const handlesOf = (input: unknown): Effect.Effect<ReadonlyArray<Handle>, InvalidHandle> => {
  if (input === undefined) return Effect.succeed([])
  if (typeof input === "string") return Effect.fail(loneString(input))
  return Effect.map(
    Effect.forEach(Array.from(input as Iterable<string>), (h) => parseHandle(h)),
    (handles) => [...new Map(handles.map((h) => [handleKey(h), h] as const)).values()]
  )
}

/** The changes, checked: valid handles, none both added and removed. */
const changesOf = (changes: MembershipChanges | undefined) =>
  Effect.gen(function* () {
    const added = yield* handlesOf(changes?.added)
    const removed = yield* handlesOf(changes?.removed)
    const both = new Set(added.map(handleKey))
    const clash = removed.find((h) => both.has(handleKey(h)))
    if (clash !== undefined)
      return yield* Effect.fail(
        invalid("removed", clash, "a handle cannot be both added and removed in one wait")
      )
    return { added, removed } satisfies Changes
  })

export const awaitMembership = (
  chatId: string | ChatId,
  changes: MembershipChanges,
  options: AwaitMembershipOptions
): Effect.Effect<
  MembershipConfirmed,
  InvalidChatId | InvalidHandle | InvalidOption | MembershipPending,
  LinqHttpClient
> =>
  metered("awaitMembership")(
    Effect.gen(function* () {
      const id = yield* parseChatId(chatId)
      const timeout = yield* timeoutOf(options?.timeout)
      const now = yield* Clock.currentTimeMillis
      const since = yield* sinceOf(options.since, now)
      const wanted = yield* changesOf(changes)
      const call: CallOptions = {
        ...(options.requestTimeout === undefined ? {} : { timeout: options.requestTimeout }),
        ...(options.headers === undefined ? {} : { headers: options.headers })
      }
      if (wanted.added.length === 0 && wanted.removed.length === 0)
        return { chatId: id, events: [], chat: Option.none() } satisfies MembershipConfirmed
      const ended = yield* confirm({
        chatId: id,
        changes: wanted,
        keep: [],
        deadline: now + timeout,
        since,
        options: call
      })
      if (ended._tag === "Shown")
        return { chatId: id, events: ended.events, chat: ended.chat } satisfies MembershipConfirmed
      return yield* Effect.fail(
        new MembershipPending({
          chatId: id,
          missing: ended.left.added,
          unexpected: ended.left.removed,
          seen: Option.isSome(ended.last),
          ...(Option.isSome(ended.error) ? { readError: ended.error.value } : {})
        })
      )
    })
  )
