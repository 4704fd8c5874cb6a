/**
 * Confirming queued changes. Linq answers an add or a remove with 202
 * ("queued") and applies it later; {@link awaitMembership} waits until the
 * chat shows the changes: from Linq's participant webhooks when a
 * `LinqWebhooks` (from `@linq-effect/webhooks`) is in context, else by
 * reading the chat. `syncParticipants`' `wait` is built on it.
 *
 * @since 1.0.0
 */
import type {
  Chat,
  ChatId,
  Handle,
  InvalidChatId,
  InvalidHandle,
  InvalidOption,
  MembershipPending
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { ParticipantEvent } from "@linq-effect/webhooks"
import type { DateTime, Duration, Effect, Option } from "effect"
import * as internal from "./internal/await.js"

/**
 * The changes to wait for: handles that should become active (`added`) and
 * handles that should leave (`removed`). Either may be left out; a handle
 * may not be in both.
 *
 * @since 1.0.0
 * @category models
 */
export interface MembershipChanges {
  readonly added?: ReadonlyArray<string | Handle> | undefined
  readonly removed?: ReadonlyArray<string | Handle> | undefined
}

/**
 * The options of {@link awaitMembership}.
 *
 * @since 1.0.0
 * @category options
 */
export interface AwaitMembershipOptions {
  /**
   * How long to wait, in all: a finite duration above zero. Nothing is read
   * at or after it. Required.
   */
  readonly timeout: Duration.Input
  /**
   * When the changes were sent: an event whose change time (`at`) is earlier
   * tells an older state and is left out. Defaults to one minute before the
   * call (room for Linq's clock being behind ours and for the time since the
   * 202). Give the time you sent the changes when more time has passed since.
   */
  readonly since?: DateTime.DateTime | Date | number | undefined
  /** One read's own timeout, cut to the time left (default: the client's). Reads are never retried. */
  readonly requestTimeout?: Duration.Input | undefined
  /** Extra headers for the reads (they cannot replace `Authorization`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * What showed the changes: the participant events (the latest of each
 * handle whose change an event showed), and the read of the chat that
 * showed the rest: `chat` is none when the events showed every change
 * (nothing was read), and `events` empty when only reads were used (no
 * `LinqWebhooks` in context).
 *
 * @since 1.0.0
 * @category models
 */
export interface MembershipConfirmed {
  readonly chatId: ChatId
  readonly events: ReadonlyArray<ParticipantEvent>
  readonly chat: Option.Option<Chat>
}

/**
 * Everything {@link awaitMembership} can fail with: bad input (sent and
 * read nothing), or `MembershipPending` when the changes did not show in
 * time. A read that fails is one look missed, never the failure itself: it
 * is `MembershipPending`'s `readError`.
 *
 * @since 1.0.0
 * @category errors
 */
export type AwaitMembershipError = InvalidChatId | InvalidHandle | InvalidOption | MembershipPending

/**
 * Waits until the chat shows every change: each handle of `added` active,
 * each of `removed` gone. Succeeds with what showed it
 * ({@link MembershipConfirmed}); fails with `MembershipPending { chatId,
 * missing, unexpected }` when `timeout` passes first.
 *
 * **Details**
 *
 * - With a `LinqWebhooks` in context, it decides from the `participant.added`
 *   and `participant.removed` events: it subscribes, then takes in the latest
 *   event of each handle that `LinqWebhooks` remembers (so an event that came
 *   between the 202 and this call is not lost), then each new one. It reads
 *   no chat unless the time-out nears: Linq sends no event when a queued
 *   change fails, so 2 seconds before the deadline (half-way through a
 *   shorter wait) it reads the chat once, with the time left, and succeeds
 *   if that read shows the changes no event showed.
 * - Events decide per handle by the change time: the latest `at` wins
 *   (then `createdAt`), whatever order they came in. A duplicate changes
 *   nothing; a stale `removed` delivered after a newer `added` does not
 *   undo it; an event older than `since` is left out.
 * - Without `LinqWebhooks`, it reads the chat as `syncParticipants`' `wait`
 *   does: the first read after 250 ms, each next one after a wait twice as
 *   long (at most 5 s), a last one 250 ms before the deadline. Each read has
 *   the time left at most and no retry; a failed read is one look missed.
 * - Bad input (the chat id, a handle, a handle both added and removed,
 *   `timeout`, `since`) fails with `InvalidChatId`, `InvalidHandle` or
 *   `InvalidOption` before anything is read. No changes: success at once.
 * - Metered as `awaitMembership` (`callsTotal`, `callDuration`), with a span
 *   `Linq confirm membership` (its source, counts of changes, events and
 *   reads; never a handle).
 *
 * **Gotchas**
 *
 * A handle already in the chat before the change never gets an event: with
 * events, only the last read shows it. Wait for the changes you sent.
 *
 * **Example** (Add, then wait for the webhook)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { addParticipant, awaitMembership } from "@linq-effect/client"
 *
 * const chatId = "550e8400-e29b-41d4-a716-446655440000"
 *
 * const program = Effect.gen(function* () {
 *   yield* addParticipant(chatId, { handle: "+12223334444" })
 *   const confirmed = yield* awaitMembership(chatId, { added: ["+12223334444"] }, { timeout: "30 seconds" })
 *   yield* Effect.log(confirmed.events.length > 0 ? "confirmed by its webhook" : "confirmed by a read")
 * }).pipe(Effect.catchTag("MembershipPending", (e) => Effect.log(`not applied yet: ${e.message}`)))
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const awaitMembership = (
  chatId: string | ChatId,
  changes: MembershipChanges,
  options: AwaitMembershipOptions
): Effect.Effect<MembershipConfirmed, AwaitMembershipError, LinqHttpClient> =>
  internal.awaitMembership(chatId, changes, options)
