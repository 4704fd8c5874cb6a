/**
 * Bringing a chat's members to a wanted set, without breaking a group-chat
 * rule on the way.
 *
 * @since 0.2.0
 */
import type {
  AddParticipantError,
  ChatId,
  Handle,
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  RemoveParticipantError,
  SyncParticipantsError
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Duration, Effect } from "effect"
import type { HandleList, ParticipantOutcome } from "./Batch.js"
import type { RequestOptions } from "./Chats.js"
import * as internal from "./internal/sync.js"

/**
 * Who joins (`add`), who leaves (`remove`) and who stays (`keep`, the chat's
 * own number included): from the chat's active members to the wanted set.
 *
 * @since 0.2.0
 * @category models
 */
export interface SyncPlan {
  readonly add: ReadonlyArray<Handle>
  readonly remove: ReadonlyArray<string>
  readonly keep: ReadonlyArray<string>
}

/**
 * One change a sync sent (or held back), and its outcome. `done` is true on
 * success, and also when the answer says it was already so (an add answered
 * `ParticipantAlreadyInChat`, a removal `ParticipantNotInChat`: a retried
 * call can see either).
 *
 * @since 0.2.0
 * @category models
 */
export interface SyncStep<A, E> extends ParticipantOutcome<A, E> {
  readonly done: boolean
}

/**
 * What a sync did: the plan, and every step's outcome (adds, then removals).
 *
 * @since 0.2.0
 * @category models
 */
export interface SyncResult {
  readonly chatId: ChatId
  readonly plan: SyncPlan
  /** The plan only: nothing was sent. */
  readonly dryRun: boolean
  readonly added: ReadonlyArray<SyncStep<ParticipantAddResponse, AddParticipantError>>
  /**
   * Removals, in plan order. One that would have taken the group below 3
   * (because an add failed) is not sent: its outcome is `TooFewParticipants`.
   */
  readonly removed: ReadonlyArray<SyncStep<ParticipantRemoveResponse, RemoveParticipantError>>
  /** Every step is done (false for a dry run). */
  readonly complete: boolean
  /**
   * With `wait`: a read of the chat showed the whole wanted set (every wanted
   * handle active, every other member gone), or, confirmed by participant
   * webhooks (a `LinqWebhooks` in context), the last read with the changes
   * the events showed since does. False without a wait, and
   * whenever neither showed it: a change that failed leaves it false unless
   * the chat shows the wanted set anyway (an add whose answer was lost but
   * that was applied). `complete` says what Linq answered; `confirmed`, what
   * the chat showed.
   */
  readonly confirmed: boolean
}

/**
 * A sync's options: the per-call options of its requests (timeout, retries, headers), a dry run, a wait and a concurrency.
 *
 * @since 0.2.0
 * @category models
 */
export interface SyncOptions extends RequestOptions {
  /** Plan, check and return the plan, sending no change. */
  readonly dryRun?: boolean | undefined
  /**
   * Wait up to this long (a deadline, counted from the first change sent) for
   * the chat to show the changes Linq accepted (it queues them): the first read
   * comes 250 ms after the changes, each next one after a wait twice as long
   * (at most 5 s); when the next would come at or after the deadline, a last
   * one comes 250 ms before it. Each read gets the time left at most (the
   * call's `timeout`, cut to it) and no retry of its own: a read that fails
   * (a 5xx, a timeout, a dropped connection) is one look missed, and the
   * next read comes on the schedule. The wait never outlasts the deadline.
   * With a wait, removals go out only once the newcomers show. Fails with
   * `MembershipPending` if the accepted changes do not show in time (its
   * `sent`, `notSent`, `failed` and `seen` say what went out and what was seen).
   *
   * With a `LinqWebhooks` (`@linq-effect/webhooks`) in context, the wait is
   * `awaitMembership`'s: the changes show by their participant events, and
   * the chat is read only once, 2 s before the deadline, if an event is
   * still missing (Linq sends none when a queued change fails).
   */
  readonly wait?: Duration.Input | undefined
  /**
   * Changes (and capability checks) in flight at most: a whole number >= 1,
   * or `"unbounded"` (`Infinity` means the same); default 4. Any other value
   * (0, a negative, `NaN`, a fraction) fails the sync with `InvalidOption`
   * before anything is sent (the chat is not even read).
   */
  readonly concurrency?: number | "unbounded" | undefined
}

/**
 * Brings `chatId`'s active members to `desired`. The chat's own number
 * (`is_me`) is always kept and never counted as a request.
 *
 * 1. Validates the chat id, `concurrency` and every handle
 *    (`InvalidChatId`, `InvalidOption`, `InvalidHandle`: nothing sent), reads the chat and plans `{ add, remove,
 *    keep }` against the chat as it will be once the changes this client sent
 *    and Linq accepted but the chat does not show yet apply (a handle whose
 *    add is queued is kept, not added again; one whose removal is queued is
 *    neither removed again nor counted among the members; see `RuleMode` for
 *    how long such a change counts).
 * 2. Refuses, sending no change, a plan that cannot succeed: a direct message
 *    (`NotAGroupChat`), fewer than 3 members to add to or at the end
 *    (`TooFewParticipants`), a newcomer that cannot use the group's iMessage
 *    or RCS (`CrossServiceAddition`, one capability check per newcomer).
 * 3. Adds, then removes (never more removals than keep 3 members, counting
 *    only adds that went through), each change in the `"diagnose"` rule mode.
 *    A change that fails is a step's outcome, not a failure of the sync; a
 *    chat that changed under the sync gives the outcome the rules give.
 * 4. With `wait`, waits until the chat shows the accepted changes (also
 *    when nothing was left to send but changes this client queued earlier
 *    do not show yet): as `awaitMembership` does, by participant events when
 *    a `LinqWebhooks` is in context, else by reading the chat. It reports
 *    `confirmed` if what showed them shows the whole wanted set;
 *    `MembershipPending` if the changes do not show in time, also when
 *    every read failed: once a change went out, the sync never fails with
 *    the read's own error.
 *
 * Run again after success, it sends no change. `dryRun: true` stops after
 * step 2.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { syncParticipants } from "@linq-effect/client"
 *
 * const chatId = "550e8400-e29b-41d4-a716-446655440000"
 * const desired = ["+12052499136", "+12223334444", "ana@example.com"]
 *
 * const program = Effect.gen(function* () {
 *   const preview = yield* syncParticipants(chatId, desired, { dryRun: true })
 *   yield* Effect.log(`would add ${preview.plan.add.length}, remove ${preview.plan.remove.length}`)
 *   const applied = yield* syncParticipants(chatId, desired, { wait: "30 seconds" })
 *   yield* Effect.log(applied.complete ? "in sync" : "some changes failed")
 * }).pipe(Effect.catchTag("MembershipPending", (e) => Effect.log(`still pending: ${e.message}`)))
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const syncParticipants = <H extends Iterable<string | Handle>>(
  chatId: string | ChatId,
  /** The wanted members; a lone string is refused (see {@link HandleList}): at run time it is one `InvalidHandle`. */
  desired: HandleList<H>,
  options?: SyncOptions
): Effect.Effect<SyncResult, SyncParticipantsError, LinqHttpClient> => internal.sync(chatId, desired, options)
