/**
 * Confirming queued changes: from participant webhooks when a `LinqWebhooks`
 * is in context (no read of the chat unless the deadline nears, then one),
 * else by reading the chat on `waitFor`'s schedule. Never fails: how the
 * wait ended is the value, for `awaitMembership` and `syncParticipants` to
 * turn into their results and `MembershipPending`.
 */
import type { Chat, ChatId, GetChatError } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import type { ParticipantEvent } from "@linq-effect/webhooks"
import { LinqWebhooks } from "@linq-effect/webhooks"
import { Clock, Duration, Effect, Option, Result, Stream } from "effect"
import { type Changes, makeTally } from "./events.js"
import { ledgerOf } from "./ledger.js"
import type { CallOptions } from "./options.js"
import { pending } from "./plan.js"
import { boundedGetChat, budgetOf } from "./reads.js"
import { waitFor } from "./wait.js"

/**
 * With events, the one read before the deadline starts this long before it
 * (half-way through a shorter wait), and gets the time left.
 */
export const LAST_READ_LEAD = Duration.seconds(2)

/**
 * Events whose change is older than this before the changes were sent are
 * left out (they tell an earlier state). It allows for Linq's clock being
 * behind ours, and for the time between a change's 202 and the wait.
 */
export const SINCE_SLACK = Duration.minutes(1)

/** How a confirmation ended. */
export type Confirmation =
  | {
      readonly _tag: "Shown"
      /** The latest event of each handle whose change an event showed. */
      readonly events: ReadonlyArray<ParticipantEvent>
      /** The read that showed the rest (none: events showed every change). */
      readonly chat: Option.Option<Chat>
      /** How many times the chat was read. */
      readonly reads: number
    }
  | {
      readonly _tag: "NotShown"
      readonly events: ReadonlyArray<ParticipantEvent>
      /** The last chat a read returned (none: no read succeeded). */
      readonly last: Option.Option<Chat>
      /** The last read's error, if that read failed. */
      readonly error: Option.Option<GetChatError>
      /** The changes still not shown (by an event, or by the last read when it succeeded). */
      readonly left: Changes
      readonly reads: number
    }

/** What a confirmation waits for, and until when. */
export interface Request {
  readonly chatId: ChatId
  readonly changes: Changes
  /** Handles that should still be active (a sync's kept members): checked by reads only. */
  readonly keep: ReadonlyArray<string>
  /** Clock millis: nothing is read at or after it. */
  readonly deadline: number
  /** Clock millis: events whose change (`at`) is earlier are left out. */
  readonly since: number
  readonly options: CallOptions
}

/** One read bounded by `left` ms (the call's timeout cut to it, no retry). */
const look = (chatId: ChatId, left: number, options: CallOptions) =>
  Effect.flatMap(LinqHttpClient, (client) =>
    boundedGetChat(chatId, budgetOf(options.timeout, client.timeout, Duration.millis(left)), options)
  )

/** The events showed these changes: the client's ledger no longer counts them as pending. */
const settle = (chatId: ChatId, events: ReadonlyArray<ParticipantEvent>) =>
  Effect.flatMap(LinqHttpClient, (client) => {
    const ledger = ledgerOf(client)
    return Effect.forEach(
      events,
      (e) => ledger.settle(chatId, e._tag === "ParticipantAdded" ? "add" : "remove", e.handle),
      { discard: true }
    )
  })

/** By reading the chat (`waitFor`): every read checks the kept handles too. */
const byReads = (request: Request): Effect.Effect<Confirmation, never, LinqHttpClient> => {
  const { chatId, changes, keep, deadline, options } = request
  return Effect.map(
    waitFor(chatId, [...keep, ...changes.added], changes.removed, deadline, options),
    (waited): Confirmation =>
      waited._tag === "Shown"
        ? { _tag: "Shown", events: [], chat: Option.some(waited.chat), reads: waited.reads }
        : {
            _tag: "NotShown",
            events: [],
            last: waited.last,
            error: waited.error,
            left: Option.match(waited.last, {
              onNone: () => changes,
              onSome: (chat) => leftIn(chat, changes)
            }),
            reads: waited.reads
          }
  )
}

/** The changes `chat` does not show. */
const leftIn = (chat: Chat, changes: Changes): Changes => {
  const off = pending(chat, changes.added, changes.removed)
  return { added: off.missing, removed: off.unexpected }
}

/**
 * By events: subscribe, then take in what `LinqWebhooks` remembers (so an
 * event that came before is not lost), then every event until each change
 * shows or the last read is due; then one read, which shows the changes no
 * event showed (and the kept handles) or not.
 */
const byEvents = (
  webhooks: LinqWebhooks["Service"],
  request: Request
): Effect.Effect<Confirmation, never, LinqHttpClient> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { chatId, changes, keep, deadline, since, options } = request
      const events = yield* webhooks.subscribeParticipants
      const tally = makeTally(chatId, changes, since)
      const handles = [...changes.added, ...changes.removed]
      for (const event of yield* webhooks.latestParticipantEvents(chatId, handles)) tally.take(event)
      const start = yield* Clock.currentTimeMillis
      const lead = Math.min(Duration.toMillis(LAST_READ_LEAD), (deadline - start) / 2)
      if (!tally.done()) {
        yield* Stream.runForEachWhile(events, (event) =>
          Effect.sync(() => {
            tally.take(event)
            return !tally.done()
          })
        ).pipe(Effect.timeoutOption(Duration.millis(Math.max(0, deadline - lead - start))))
      }
      if (tally.done()) {
        const shown = tally.shown()
        yield* settle(chatId, shown)
        return { _tag: "Shown", events: shown, chat: Option.none(), reads: 0 } as const
      }
      yield* settle(chatId, tally.shown())
      // Linq sends no event when a queued change fails: one last look before giving up.
      const left = tally.left()
      const time = deadline - (yield* Clock.currentTimeMillis)
      const read = time > 0 ? yield* Effect.result(look(chatId, time, options)) : undefined
      if (read !== undefined && Result.isSuccess(read)) {
        const off = pending(read.success, [...keep, ...left.added], left.removed)
        if (off.missing.length === 0 && off.unexpected.length === 0) {
          return { _tag: "Shown", events: tally.shown(), chat: Option.some(read.success), reads: 1 } as const
        }
      }
      return {
        _tag: "NotShown",
        events: tally.shown(),
        last: read !== undefined && Result.isSuccess(read) ? Option.some(read.success) : Option.none(),
        error: read !== undefined && Result.isFailure(read) ? Option.some(read.failure) : Option.none(),
        left: read !== undefined && Result.isSuccess(read) ? leftIn(read.success, left) : left,
        reads: read === undefined ? 0 : 1
      } as const
    })
  )

/**
 * Waits until the chat shows `changes` (and, when it is read, still shows
 * `keep`), or `deadline`: by events when a `LinqWebhooks` is in context,
 * else by reads.
 */
export const confirm = (request: Request): Effect.Effect<Confirmation, never, LinqHttpClient> =>
  Effect.flatMap(Effect.serviceOption(LinqWebhooks), (webhooks) => {
    const source = Option.isSome(webhooks) ? "events" : "reads"
    return (Option.isSome(webhooks) ? byEvents(webhooks.value, request) : byReads(request)).pipe(
      // Counts and the outcome only: never a handle or a chat id.
      Effect.tap((ended) =>
        Effect.annotateCurrentSpan({
          "linq.confirmation.outcome": ended._tag === "Shown" ? "shown" : "not_shown",
          "linq.confirmation.reads": ended.reads,
          "linq.confirmation.events": ended.events.length
        })
      ),
      Effect.withSpan(
        "Linq confirm membership",
        {
          attributes: {
            "linq.confirmation.source": source,
            "linq.confirmation.changes": request.changes.added.length + request.changes.removed.length
          }
        },
        { captureStackTrace: false }
      )
    )
  })
