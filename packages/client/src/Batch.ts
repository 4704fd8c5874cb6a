/**
 * Adding or removing many participants of one chat at once.
 *
 * @since 0.2.0
 */
import type {
  AddParticipantError,
  ChatId,
  Handle,
  InvalidChatId,
  InvalidOption,
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  RemoveParticipantError
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect, Result } from "effect"
import * as internal from "./internal/batch.js"
import { add as addOne, remove as removeOne } from "./internal/change.js"
import type { ParticipantRequestOptions } from "./Participants.js"

/**
 * How many changes a batch (or a sync) has in flight at most when
 * `concurrency` is not given: 4.
 *
 * @since 0.2.0
 * @category constants
 */
export const DEFAULT_CONCURRENCY: number = internal.DEFAULT_CONCURRENCY

/**
 * What became of one input handle: its single call's success or error, as a
 * `Result` (`result.success` or `result.failure`; an `Either` on the 0.x line).
 *
 * @since 0.2.0
 * @category models
 */
export interface ParticipantOutcome<A, E> {
  /** The handle as given. */
  readonly handle: string
  readonly result: Result.Result<A, E>
}

/**
 * A batch's options: the per-call options and rule mode of every change, and
 * how many changes may be in flight at once.
 *
 * @since 0.2.0
 * @category models
 */
export interface BatchOptions extends ParticipantRequestOptions {
  /**
   * Changes in flight at most, as Effect's `concurrency` takes it: a whole
   * number >= 1, or `"unbounded"` (`Infinity` means the same) for no limit.
   * Defaults to {@link DEFAULT_CONCURRENCY}. Any other value (0, a negative,
   * `NaN`, a fraction) fails the whole call with `InvalidOption`, and nothing
   * is sent.
   */
  readonly concurrency?: number | "unbounded" | undefined
}

/**
 * A list of handles, refusing a lone string: a string is itself an iterable
 * of strings (its characters), so without this guard
 * `addParticipants(chatId, "+442071234567")` would compile and give one
 * `InvalidHandle` per character. `H` is the argument's type; when it is a
 * string the parameter becomes `never` and the call does not compile.
 * At run time (a JS caller), a string given as the list is one
 * `InvalidHandle` outcome for the whole string, and nothing is sent.
 *
 * @since 0.2.0
 * @category models
 */
export type HandleList<H> = H & (H extends string ? never : unknown)

const add = internal.batch("addParticipants", addOne)
const remove = internal.batch("removeParticipants", removeOne)

/**
 * Adds many participants to one chat. Every handle is validated before
 * anything is sent: an invalid one is its own outcome (`InvalidHandle`) and
 * the others go ahead. A handle given twice (an email in two cases, say) is
 * sent once and both entries get its outcome. At most `concurrency` calls are
 * in flight. Succeeds with one outcome per input handle, in input order; a
 * single call's failure never fails the batch, only an invalid chat id
 * (`InvalidChatId`) or `concurrency` (`InvalidOption`) does, with nothing sent.
 * Each call is an {@link addParticipant}, under the given rule mode.
 *
 * @example
 * ```ts
 * import { Effect, Result } from "effect"
 * import { addParticipants } from "@linq-effect/client"
 *
 * const program = addParticipants(
 *   "550e8400-e29b-41d4-a716-446655440000",
 *   ["+12052499136", "ana@example.com", "not a phone"],
 *   { concurrency: 2 }
 * ).pipe(
 *   Effect.tap((outcomes) =>
 *     Effect.forEach(outcomes, ({ handle, result }) =>
 *       Effect.log(Result.isSuccess(result) ? `${handle}: queued` : `${handle}: ${result.failure._tag}`)
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const addParticipants = <H extends Iterable<string | Handle>>(
  chatId: string | ChatId,
  handles: HandleList<H>,
  options?: BatchOptions
): Effect.Effect<
  ReadonlyArray<ParticipantOutcome<ParticipantAddResponse, AddParticipantError>>,
  InvalidChatId | InvalidOption,
  LinqHttpClient
> => add(chatId, handles, options)

/**
 * Removes many participants from one chat, as {@link addParticipants} adds
 * them: validated first, duplicates sent once, bounded concurrency, one
 * outcome per input in input order, `concurrency` as there. Removals are checked against the group's
 * minimum one by one (by the server, or per call in the chosen rule mode): to
 * bring a group to a wanted membership without going below 3, use
 * {@link syncParticipants}.
 *
 * @example
 * ```ts
 * import { Effect, Result } from "effect"
 * import { removeParticipants } from "@linq-effect/client"
 *
 * const program = removeParticipants("550e8400-e29b-41d4-a716-446655440000", [
 *   "+12052499136",
 *   "+12223334444"
 * ]).pipe(Effect.map((outcomes) => outcomes.filter((o) => Result.isFailure(o.result)).length))
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const removeParticipants = <H extends Iterable<string | Handle>>(
  chatId: string | ChatId,
  handles: HandleList<H>,
  options?: BatchOptions
): Effect.Effect<
  ReadonlyArray<ParticipantOutcome<ParticipantRemoveResponse, RemoveParticipantError>>,
  InvalidChatId | InvalidOption,
  LinqHttpClient
> => remove(chatId, handles, options)
