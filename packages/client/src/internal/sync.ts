/**
 * Bringing a chat's members to a wanted set: read, plan (against the chat
 * plus the changes this client queued that it does not show yet), refuse
 * what cannot succeed, add, then remove (never below 3 on the way), and optionally wait
 * until the chat shows the result.
 */
import type { Chat, ChatId, Handle, SyncParticipantsError } from "@linq-effect/core"
import type { ParticipantEvent } from "@linq-effect/webhooks"
import { CrossServiceAddition, GroupChatRules, parseChatId, parseHandle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect as E } from "effect"
import { Clock, Duration, Effect, Option } from "effect"
import { handleKey } from "./batch.js"
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
import { notShown, showsWanted, showsWantedAfter } from "./confirm.js"
import { PENDING_BOUND } from "./ledger.js"
import { confirm, SINCE_SLACK } from "./membership.js"

/** A sync's options. */
export interface SyncOptions extends CallOptions {
  readonly dryRun?: boolean | undefined
  readonly wait?: Duration.Input | undefined
  readonly concurrency?: Concurrency | undefined
}

/** How far before the changes an event may date and still count (Linq's clock may be behind ours). */
const slack = Duration.toMillis(SINCE_SLACK)

/**
 * Whether a confirmation showed the whole wanted set: the read that ended it
 * does, or (confirmed by events, no read) the last read, `base`, with the
 * changes the events showed since (`earlier`, then the confirmation's own).
 */
const confirmedBy = (
  waited: { readonly chat: Option.Option<Chat>; readonly events: ReadonlyArray<ParticipantEvent> },
  base: Chat,
  earlier: ReadonlyArray<ParticipantEvent>,
  desired: ReadonlyArray<Handle>
) =>
  Option.match(waited.chat, {
    onSome: (chat) => showsWanted(chat, desired),
    onNone: () => showsWantedAfter(base, [...earlier, ...waited.events], desired)
  })

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
      const waiting = options.wait !== undefined
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
      const deadline = waiting
        ? (yield* Clock.currentTimeMillis) + Duration.toMillis(options.wait)
        : undefined
      if (isEmpty(plan)) {
        // Nothing to send. The read that planned may already show the wanted set; if not,
        // changes this client queued earlier (the ledger) are still to show: wait for them.
        if (deadline === undefined || showsWanted(shown, handles))
          return outcome([], [], deadline !== undefined)
        const still = planFor(shown, handles)
        const adding = new Set(still.add.map(handleKey))
        const waited = yield* confirm({
          chatId: id,
          changes: { added: still.add, removed: still.remove },
          keep: plan.keep.filter((h) => !adding.has(handleKey(h))),
          deadline,
          // The ledger holds changes sent up to its bound ago.
          since: (yield* Clock.currentTimeMillis) - Duration.toMillis(PENDING_BOUND) - slack,
          options: call
        })
        if (waited._tag === "NotShown") {
          return yield* Effect.fail(notShown(id, handles, shown, waited, Option.none(), [], []))
        }
        return outcome([], [], confirmedBy(waited, shown, [], handles))
      }
      // Events of changes before these were sent tell an earlier state.
      const since = (yield* Clock.currentTimeMillis) - slack
      const changeOptions = { ...call, rules: "diagnose" } as const
      // Adds first, so the group only shrinks once the newcomers are in.
      const added = yield* Effect.forEach(
        plan.add,
        (h) => step(h, add(id, h, changeOptions), "ParticipantAlreadyInChat"),
        { concurrency }
      )
      const joined = doneHandles(added)
      let seenBefore = Option.none<Chat>()
      // The events that showed changes since the last read (`seenBefore`, else the planning one).
      let shownSince: ReadonlyArray<ParticipantEvent> = []
      let newcomersShown = false
      if (deadline !== undefined && joined.length > 0 && plan.remove.length > 0) {
        // With a wait, removals go out only once the chat shows the newcomers.
        const waited = yield* confirm({
          chatId: id,
          changes: { added: joined, removed: [] },
          keep: [],
          deadline,
          since,
          options: call
        })
        // Not shown in time: the removals were not sent.
        if (waited._tag === "NotShown")
          return yield* Effect.fail(notShown(id, handles, shown, waited, seenBefore, added, plan.remove))
        newcomersShown = true
        if (Option.isSome(waited.chat)) seenBefore = waited.chat
        else shownSince = waited.events
      }
      // Never more removals than keep the group at 3, counting only the adds that went through.
      const members = plan.keep.length + joined.length + plan.remove.length
      const allowed = Math.max(0, members - GroupChatRules.MIN_GROUP_PARTICIPANTS)
      const sent = yield* Effect.forEach(
        plan.remove.slice(0, allowed),
        (h) => step(h, remove(id, h, changeOptions), "ParticipantNotInChat"),
        { concurrency }
      )
      const heldHandles = plan.remove.slice(allowed)
      const held = heldHandles.map((handle) => heldBack(id, handle, members - allowed - 1))
      const removed = [...sent, ...held]
      if (deadline === undefined) return outcome(added, removed, false)
      // Waits for what was accepted; confirmed only if that read shows the whole wanted set.
      // Newcomers already shown are only kept (a read checks them, no event is awaited).
      const waited = yield* confirm({
        chatId: id,
        changes: { added: newcomersShown ? [] : joined, removed: doneHandles(sent) },
        keep: newcomersShown ? [...plan.keep, ...joined] : plan.keep,
        deadline,
        since,
        options: call
      })
      if (waited._tag === "NotShown") {
        const steps = [...added, ...sent]
        return yield* Effect.fail(notShown(id, handles, shown, waited, seenBefore, steps, heldHandles))
      }
      return outcome(
        added,
        removed,
        confirmedBy(
          waited,
          Option.getOrElse(seenBefore, () => shown),
          shownSince,
          handles
        )
      )
    })
  )
