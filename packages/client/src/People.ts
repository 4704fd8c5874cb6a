/**
 * One person across many chats: take a handle out of every group it is in
 * (`offboardParticipant`), or into many chats at once (`onboardParticipant`).
 *
 * @since 1.0.0
 */
import type { ChatId, Handle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect } from "effect"
import type * as offboarding from "./internal/offboard.js"
import { offboard } from "./internal/offboard.js"
import type * as onboarding from "./internal/onboard.js"
import { onboard } from "./internal/onboard.js"
import type * as person from "./internal/person.js"

/**
 * What became of one chat: its `plan` (decided before anything was sent),
 * the `reason` nothing is sent to it where a rule or a failed read says so
 * (a typed value, never sent), the change's `result` where one was sent, and
 * whether the chat is as wanted (`done`).
 *
 * @since 1.0.0
 * @category models
 */
export interface ChatOutcome<Plan extends string, A, E, R> extends person.ChatOutcome<Plan, A, E, R> {}

/**
 * The counts of a change of one person: chats per plan, and the changes
 * sent, accepted and failed.
 *
 * @since 1.0.0
 * @category models
 */
export interface PersonSummary<Plan extends string> extends person.PersonSummary<Plan> {}

/**
 * What {@link offboardParticipant} or {@link onboardParticipant} did: the
 * handle, every chat's {@link ChatOutcome} in a stable order, the
 * {@link PersonSummary}, and whether every change sent was accepted
 * (`complete`).
 *
 * @since 1.0.0
 * @category models
 */
export interface PersonChangeResult<Plan extends string, A, E, R>
  extends person.PersonChangeResult<Plan, A, E, R> {}

/**
 * An offboarding's plan for one chat:
 *
 * - `"remove"`: the handle is an active member of a group that keeps 3 or
 *   more members without it: the removal is sent;
 * - `"keptBack"`: the group would fall below 3 (`reason` is
 *   `TooFewParticipants`): never sent;
 * - `"notAGroup"`: a direct message (`reason` is `NotAGroupChat`): untouched;
 * - `"alreadyGone"`: the handle is not an active member (it left, was
 *   removed, or this client's removal of it is queued): nothing to send.
 *
 * @since 1.0.0
 * @category models
 */
export type OffboardPlan = offboarding.OffboardPlan

/**
 * What an offboarding did (a {@link PersonChangeResult} of removals).
 *
 * @since 1.0.0
 * @category models
 */
export type OffboardResult = offboarding.OffboardResult

/**
 * Everything {@link offboardParticipant} can fail with: a bad handle
 * (`InvalidHandle`) or `concurrency` (`InvalidOption`), before anything is
 * sent, or a page of the chat list that could not be read
 * (`ChatsPageFailed`: then no change was sent). A single removal failing is
 * an outcome, not a failure.
 *
 * @since 1.0.0
 * @category models
 */
export type OffboardParticipantError = offboarding.OffboardError

/**
 * An offboarding's options: the per-call options of every request, a dry
 * run and a concurrency.
 *
 * @since 1.0.0
 * @category options
 */
export interface OffboardOptions extends offboarding.OffboardOptions {}

/**
 * Removes `handle` from every group chat it is an active member of.
 *
 * **Details**
 *
 * 1. Lists the handle's chats (`GET /v3/chats?to=…`, 100 a page, every
 *    page) before sending anything.
 * 2. Plans each chat against the chat as it will be once the changes this
 *    client queued apply ({@link OffboardPlan}): `"remove"`, `"keptBack"`
 *    (a group of 3: `TooFewParticipants`, never sent), `"notAGroup"` (a
 *    direct message, untouched) or `"alreadyGone"`.
 * 3. Unless `dryRun`, sends the removals (`"diagnose"` rule mode), at most
 *    `concurrency` at once, through the layer (its retries and rate limit).
 * 4. With `confirm`, waits (one deadline for all) for every removal this
 *    client queued to show, as `awaitMembership` does (the participant
 *    webhooks when a `LinqWebhooks` is in context, else reads): each such
 *    chat's `confirmed`, and the result's.
 *
 * Succeeds with one outcome per chat in the order Linq listed them (each
 * chat once), whatever the concurrency, and the summary. Run again after
 * success, it sends no change: the chats show the handle gone, or this
 * client's ledger knows the removals are queued.
 *
 * **Gotchas**
 *
 * Success means queued: Linq applies each removal later.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { offboardParticipant } from "@linq-effect/client"
 *
 * const program = Effect.gen(function* () {
 *   const plan = yield* offboardParticipant("+12025550102", { dryRun: true })
 *   yield* Effect.log(`would leave ${plan.summary.planned.remove} groups; kept back ${plan.summary.planned.keptBack}`)
 *   const done = yield* offboardParticipant("+12025550102", { concurrency: 2 })
 *   for (const chat of done.chats) yield* Effect.log(`${chat.chatId}: ${chat.plan}${chat.done ? "" : " (not done)"}`)
 * })
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const offboardParticipant = (
  handle: string | Handle,
  options?: OffboardOptions
): Effect.Effect<OffboardResult, OffboardParticipantError, LinqHttpClient> => offboard(handle, options)

/**
 * An onboarding's plan for one chat:
 *
 * - `"add"`: the add is sent;
 * - `"keptBack"`: a rule keeps it back before sending (`reason`:
 *   `CrossServiceAddition` when the handle cannot use the group's iMessage or
 *   RCS, `TooFewParticipants` for a group of fewer than 3);
 * - `"notAGroup"`: a direct message (`reason`: `NotAGroupChat`);
 * - `"alreadyIn"`: the handle is already an active member (or this client's
 *   add of it is queued);
 * - `"unchecked"`: the chat could not be read, or the capability check its
 *   service needs failed (`reason`: that error); nothing sent.
 *
 * @since 1.0.0
 * @category models
 */
export type OnboardPlan = onboarding.OnboardPlan

/**
 * What an onboarding did (a {@link PersonChangeResult} of adds).
 *
 * @since 1.0.0
 * @category models
 */
export type OnboardResult = onboarding.OnboardResult

/**
 * Everything {@link onboardParticipant} can fail with, before anything is
 * sent: a bad handle, a bad chat id (one refuses the whole) or a bad
 * `concurrency`. Everything after is a chat's outcome.
 *
 * @since 1.0.0
 * @category models
 */
export type OnboardParticipantError = onboarding.OnboardError

/**
 * An onboarding's options: the per-call options of every request, a dry
 * run and a concurrency (as for {@link OffboardOptions}).
 *
 * @since 1.0.0
 * @category options
 */
export interface OnboardOptions extends onboarding.OnboardOptions {}

/**
 * Adds `handle` to each of `chatIds`.
 *
 * **Details**
 *
 * 1. Validates the handle, every chat id and `concurrency` (nothing sent on
 *    a bad one), and takes each chat once.
 * 2. Reads every chat and plans it against the rules ({@link OnboardPlan}),
 *    counting the changes this client queued.
 * 3. Checks the handle's capability once per service the chats to add to
 *    need (iMessage, RCS; SMS has no check), not once per chat; a chat on a
 *    service it cannot use is kept back (`CrossServiceAddition`), before
 *    any add is sent.
 * 4. Unless `dryRun`, sends the adds (`"diagnose"` rule mode), at most
 *    `concurrency` at once; with `confirm`, waits for them to show, as
 *    {@link offboardParticipant} does.
 *
 * Succeeds with one outcome per chat, in the order given, and the summary
 * (the same shape as {@link offboardParticipant}'s). Run again after
 * success, it sends no change.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { onboardParticipant } from "@linq-effect/client"
 *
 * const accounts = ["550e8400-e29b-41d4-a716-446655440000", "6ba7b810-9dad-41d1-80b4-00c04fd430c8"]
 * const program = onboardParticipant("ana@example.com", accounts).pipe(
 *   Effect.tap((result) =>
 *     Effect.forEach(result.chats, (chat) =>
 *       Effect.log(`${chat.chatId}: ${chat.plan}${chat.reason === undefined ? "" : ` (${chat.reason._tag})`}`)
 *     )
 *   )
 * )
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const onboardParticipant = <C extends Iterable<string | ChatId>>(
  handle: string | Handle,
  /** The chats; a lone string is refused (a string is an iterable of characters): at run time it is `InvalidChatId`. */
  chatIds: C & (C extends string ? never : unknown),
  options?: OnboardOptions
): Effect.Effect<OnboardResult, OnboardParticipantError, LinqHttpClient> => onboard(handle, chatIds, options)
