/**
 * Bringing a chat's members to a wanted set: read, plan (against the chat
 * plus the changes this client queued that it does not show yet), refuse
 * what cannot succeed, add, then remove (never below 3 on the way), and optionally wait
 * until the chat shows the result.
 */
import type { ChatId, Handle, SyncParticipantsError } from "@linq-effect/core"
import {
  CrossServiceAddition,
  GroupChatRules,
  MembershipPending,
  parseChatId,
  parseHandle
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect as E } from "effect"
import { Clock, Duration, Effect, Option } from "effect"
import type { SyncResult } from "../Sync.js"
import type { Concurrency } from "./batch.js"
import { concurrencyOf, loneString } from "./batch.js"
import { add, remove } from "./change.js"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"
import { callOptions } from "./options.js"
import { isEmpty, planFor, refusal } from "./plan.js"
import { projectedChat } from "./pending.js"
import { checkCapability } from "./reads.js"
import { serviceToCheck } from "./rules.js"
import { doneHandles, heldBack, step } from "./steps.js"
import { waitFor } from "./wait.js"

/** A sync's options. */
export interface SyncOptions extends CallOptions {
  readonly dryRun?: boolean
  readonly wait?: Duration.DurationInput
  readonly concurrency?: Concurrency | undefined
}

export const sync = (
  chatId: string | ChatId,
  desired: Iterable<string | Handle>,
  options: SyncOptions = {}
): E.Effect<SyncResult, SyncParticipantsError, LinqHttpClient> =>
  metered("syncParticipants")(
    Effect.gen(function* () {
      const id = yield* parseChatId(chatId)
      const concurrency = yield* concurrencyOf(options.concurrency)
      if (typeof desired === "string") {
        return yield* Effect.fail(loneString(desired))
      }
      const handles = yield* Effect.forEach(
        Array.from(desired, (h) => h),
        (h) => parseHandle(h)
      )
      const call = callOptions(options)
      // Planned against the chat as it will be once the changes this client queued apply (`ledger.ts`).
      const { chat: shown, projected: chat } = yield* projectedChat(id, call)
      const plan = planFor(chat, handles)
      const refused = refusal(chat, plan)
      if (Option.isSome(refused)) return yield* Effect.fail(refused.value)
      const service = serviceToCheck(chat)
      if (service !== undefined && plan.add.length > 0) {
        const able = yield* Effect.forEach(plan.add, (h) => checkCapability(h, service, call), {
          concurrency
        })
        const unable = plan.add.find((_, i) => !able[i])
        if (unable !== undefined) {
          return yield* Effect.fail(
            new CrossServiceAddition({ chatId: chat.id, handle: unable, chatService: service })
          )
        }
      }
      const dryRun = options.dryRun === true
      const outcome = (
        added: SyncResult["added"],
        removed: SyncResult["removed"],
        confirmed: boolean
      ): SyncResult => ({
        chatId: id,
        plan,
        dryRun,
        added,
        removed,
        complete: !dryRun && [...added, ...removed].every((s) => s.done),
        confirmed
      })
      if (dryRun) return outcome([], [], false)

      const deadline =
        options.wait === undefined
          ? undefined
          : (yield* Clock.currentTimeMillis) + Duration.toMillis(options.wait)
      if (isEmpty(plan)) {
        // Nothing to send; with a wait, changes queued earlier must still show in the chat.
        const still = planFor(shown, handles)
        if (deadline !== undefined && !isEmpty(still))
          yield* waitFor(id, plan.keep, still.remove, deadline, call)
        return outcome([], [], deadline !== undefined)
      }
      const changeOptions = { ...call, rules: "diagnose" } as const

      // Adds first, so the group only shrinks once the newcomers are in.
      const added = yield* Effect.forEach(
        plan.add,
        (h) => step(h, add(id, h, changeOptions), "ParticipantAlreadyInChat"),
        { concurrency }
      )
      const joined = doneHandles(added)
      if (deadline !== undefined && joined.length > 0 && plan.remove.length > 0) {
        // With a wait, removals go out only once the chat shows the newcomers.
        yield* Effect.catchTag(waitFor(id, joined, [], deadline, call), "MembershipPending", (e) =>
          // The removals were not sent: they are still to leave.
          Effect.fail(
            new MembershipPending({ chatId: e.chatId, missing: e.missing, unexpected: plan.remove })
          )
        )
      }
      // Never more removals than keep the group at 3, counting only the adds that went through.
      const members = plan.keep.length + joined.length + plan.remove.length
      const allowed = Math.max(0, members - GroupChatRules.MIN_GROUP_PARTICIPANTS)
      const sent = yield* Effect.forEach(
        plan.remove.slice(0, allowed),
        (h) => step(h, remove(id, h, changeOptions), "ParticipantNotInChat"),
        { concurrency }
      )
      const held = plan.remove.slice(allowed).map((handle) => heldBack(id, handle, members - allowed - 1))
      const removed = [...sent, ...held]
      if (deadline !== undefined) {
        yield* waitFor(id, [...plan.keep, ...joined], doneHandles(removed), deadline, call)
      }
      return outcome(added, removed, deadline !== undefined)
    })
  )
