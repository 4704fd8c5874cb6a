/**
 * Offboarding: every chat of a handle listed (`GET /v3/chats?to=`), each
 * planned against the chat as it will be once this client's queued changes
 * apply (`GroupChatRules.checkRemove`): removed, kept back (the group would
 * fall below 3), not a group (a direct message, untouched), already gone;
 * then the removals sent.
 */
import type {
  Chat,
  Handle,
  InvalidHandle,
  InvalidOption,
  ListChatsError,
  NotAGroupChat,
  ParticipantRemoveResponse,
  RemoveParticipantError,
  TooFewParticipants
} from "@linq-effect/core"
import { GroupChatRules, MAX_PAGE_SIZE, parseHandle } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { Effect, Option, Stream } from "effect"
import { concurrencyOf } from "./batch.js"
import { remove } from "./change.js"
import { ledgerOf, project } from "./ledger.js"
import { list } from "./list.js"
import { metered } from "./metrics.js"
import { callOptions, confirmOf } from "./options.js"
import type { ChatPlan, PersonChangeResult, PersonOptions } from "./person.js"
import { carryOut } from "./person.js"

/** What an offboarding decides for one chat. */
export type OffboardPlan = "remove" | "keptBack" | "notAGroup" | "alreadyGone"

const PLANS: ReadonlyArray<OffboardPlan> = ["remove", "keptBack", "notAGroup", "alreadyGone"]

/** Why a chat is left alone. */
export type OffboardReason = NotAGroupChat | TooFewParticipants

/** What an offboarding did. */
export type OffboardResult = PersonChangeResult<
  OffboardPlan,
  ParticipantRemoveResponse,
  RemoveParticipantError,
  OffboardReason
>

/** An offboarding's options (see `PersonOptions`: `dryRun` lists the chats only, `concurrency` bounds the removals). */
export interface OffboardOptions extends PersonOptions {}

/** Everything an offboarding can fail with. */
export type OffboardError = InvalidHandle | InvalidOption | ListChatsError

/** The plan for one chat: the removal rule, against the chat as it will be. */
export const planRemoval = (
  chat: Chat,
  handle: Handle
): Omit<ChatPlan<OffboardPlan, OffboardReason>, "chatId"> =>
  Option.match(GroupChatRules.checkRemove(chat, handle), {
    onNone: () => ({ plan: "remove" as const }),
    onSome: (violation) => {
      switch (violation._tag) {
        case "NotAGroupChat":
          return { plan: "notAGroup" as const, reason: violation }
        case "ParticipantNotInChat":
          return { plan: "alreadyGone" as const }
        case "TooFewParticipants":
          return { plan: "keptBack" as const, reason: violation }
      }
    }
  })

/** The chats in the order listed, each once (a chat may move between pages while they are read). */
const distinct = (chats: ReadonlyArray<Chat>): ReadonlyArray<Chat> => {
  const seen = new Set<string>()
  return chats.filter((chat) => {
    if (seen.has(chat.id)) return false
    seen.add(chat.id)
    return true
  })
}

const meteredOffboard = metered("offboardParticipant")

export const offboard = (
  handle: string | Handle,
  options: OffboardOptions = {}
): Effect.Effect<OffboardResult, OffboardError, LinqHttpClient> =>
  meteredOffboard(
    Effect.gen(function* () {
      const person = yield* parseHandle(handle)
      const concurrency = yield* concurrencyOf(options.concurrency)
      const confirm = yield* confirmOf(options.confirm)
      const call = callOptions(options)
      const ledger = ledgerOf(yield* LinqHttpClient)
      // Every chat first, 100 a page: nothing is sent before the whole plan is made.
      const chats = distinct(yield* Stream.runCollect(list({ ...call, to: person, pageSize: MAX_PAGE_SIZE })))
      const planned = yield* Effect.forEach(chats, (chat) =>
        Effect.map(ledger.observe(chat.id, chat), (queued) => {
          const planned = planRemoval(project(chat, queued), person)
          // Gone by a removal this client queued that the chat does not show yet.
          const pending = planned.plan === "alreadyGone" && GroupChatRules.isParticipant(chat, person)
          return { chatId: chat.id, ...planned, pending }
        })
      )
      return yield* carryOut(person, planned, {
        plans: PLANS,
        change: "remove",
        already: "alreadyGone",
        send: (chatId) => remove(chatId, person, { ...call, rules: "diagnose" }),
        alreadySo: "ParticipantNotInChat",
        dryRun: options.dryRun === true,
        concurrency,
        confirm,
        shows: { removed: [person] },
        call
      })
    })
  ).pipe(Effect.withSpan("Linq offboardParticipant", { kind: "internal" }, { captureStackTrace: false }))
