/**
 * A sync's steps: one change and its outcome, done also when the answer says
 * it was already so; and a removal held back to keep the group at 3.
 */
import type { ChatId, ParticipantRemoveResponse, RemoveParticipantError } from "@linq-effect/core"
import { TooFewParticipants } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect as E } from "effect"
import { Effect, Result } from "effect"
import type { SyncStep as Step } from "../Sync.js"

/** Runs one change; `done` on success or on the answer `alreadySo` (a retried call can see it). */
export const step = <A, Err extends { readonly _tag: string }>(
  handle: string,
  call: E.Effect<A, Err, LinqHttpClient>,
  alreadySo: Err["_tag"]
): E.Effect<Step<A, Err>, never, LinqHttpClient> =>
  Effect.map(Effect.result(call), (result) => ({
    handle,
    result,
    done: Result.isSuccess(result) || result.failure._tag === alreadySo
  }))

export const doneHandles = (steps: ReadonlyArray<Step<unknown, unknown>>) =>
  steps.filter((s) => s.done).map((s) => s.handle)

/** A removal not sent because it would leave the group `participants` members. */
export const heldBack = (
  chatId: ChatId,
  handle: string,
  participants: number
): Step<ParticipantRemoveResponse, RemoveParticipantError> => ({
  handle,
  result: Result.fail(new TooFewParticipants({ chatId, handle, participants })),
  done: false
})
