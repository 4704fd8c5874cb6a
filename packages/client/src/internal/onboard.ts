/**
 * Onboarding: a handle added to each of the given chats. Every chat is read
 * and planned against the chat as it will be once this client's queued
 * changes apply (`GroupChatRules.checkAdd`); then one capability check per
 * service the remaining chats need (iMessage, RCS), not one per chat; a chat
 * on a service the handle cannot use is kept back (`CrossServiceAddition`)
 * before anything is sent; then the adds.
 */
import type {
  AddParticipantError,
  AddRuleViolation,
  Chat,
  ChatId,
  CheckCapabilityError,
  GetChatError,
  Handle,
  InvalidChatId as InvalidChatIdT,
  InvalidHandle,
  InvalidOption,
  ParticipantAddResponse
} from "@linq-effect/core"
import {
  CrossServiceAddition,
  GroupChatRules,
  InvalidChatId,
  parseChatId,
  parseHandle
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Effect, Option, Result } from "effect"
import { concurrencyOf } from "./batch.js"
import { add } from "./change.js"
import { metered } from "./metrics.js"
import { callOptions, confirmOf } from "./options.js"
import { projectedChat } from "./pending.js"
import type { ChatPlan, PersonChangeResult, PersonOptions } from "./person.js"
import { carryOut } from "./person.js"
import { checkCapability } from "./reads.js"
import { serviceToCheck } from "./rules.js"

/** What an onboarding decides for one chat. */
export type OnboardPlan = "add" | "keptBack" | "notAGroup" | "alreadyIn" | "unchecked"

const PLANS: ReadonlyArray<OnboardPlan> = ["add", "keptBack", "notAGroup", "alreadyIn", "unchecked"]

/** Why nothing is sent to a chat: the rule that keeps it back, or the read or check that failed. */
export type OnboardReason = AddRuleViolation | GetChatError | CheckCapabilityError

/** What an onboarding did. */
export type OnboardResult = PersonChangeResult<
  OnboardPlan,
  ParticipantAddResponse,
  AddParticipantError,
  OnboardReason
>

/** An onboarding's options (see `PersonOptions`: `dryRun` reads and checks only, `concurrency` bounds the reads, checks and adds). */
export interface OnboardOptions extends PersonOptions {}

/** Everything an onboarding can fail with. */
export type OnboardError = InvalidHandle | InvalidChatIdT | InvalidOption

type Plan = ChatPlan<OnboardPlan, OnboardReason>

/** The plan from the rules alone: a chat that passes them still needs its service checked. */
const byRules = (chat: Chat, handle: Handle): Omit<Plan, "chatId"> =>
  Option.match(GroupChatRules.checkAdd(chat, handle), {
    onNone: () => ({ plan: "add" as const }),
    onSome: (violation) => {
      switch (violation._tag) {
        case "NotAGroupChat":
          return { plan: "notAGroup" as const, reason: violation }
        case "ParticipantAlreadyInChat":
          return { plan: "alreadyIn" as const }
        default:
          return { plan: "keptBack" as const, reason: violation }
      }
    }
  })

/** The chat ids, validated (one invalid id refuses the whole, nothing sent), each once, in the order given. */
const chatIdsOf = (chatIds: Iterable<string | ChatId>) =>
  Effect.gen(function* () {
    if (typeof chatIds === "string") {
      return yield* Effect.fail(
        new InvalidChatId({ input: chatIds, reason: "expected a list of chat ids, got a single string" })
      )
    }
    const ids = yield* Effect.forEach(
      Array.from(chatIds, (id) => id),
      (id) => parseChatId(id)
    )
    return [...new Set(ids)]
  })

const meteredOnboard = metered("onboardParticipant")

export const onboard = (
  handle: string | Handle,
  chatIds: Iterable<string | ChatId>,
  options: OnboardOptions = {}
): Effect.Effect<OnboardResult, OnboardError, LinqHttpClient> =>
  meteredOnboard(
    Effect.gen(function* () {
      const person = yield* parseHandle(handle)
      const ids = yield* chatIdsOf(chatIds)
      const concurrency = yield* concurrencyOf(options.concurrency)
      const confirm = yield* confirmOf(options.confirm)
      const call = callOptions(options)
      const reads = yield* Effect.forEach(ids, (id) => Effect.result(projectedChat(id, call)), {
        concurrency
      })
      // A per-call option the client cannot send fails every read alike, before anything is sent: bad input.
      for (const read of reads) {
        if (Result.isFailure(read) && read.failure._tag === "InvalidOption")
          return yield* Effect.fail(read.failure)
      }
      const first = ids.map((chatId, i): Plan & { readonly chat?: Chat } => {
        const read = reads[i]
        if (read === undefined || Result.isFailure(read)) {
          return { chatId, plan: "unchecked", ...(read === undefined ? {} : { reason: read.failure }) }
        }
        const { chat, projected } = read.success
        const planned = byRules(projected, person)
        // In by an add this client queued that the chat does not show yet.
        const pending = planned.plan === "alreadyIn" && !GroupChatRules.isParticipant(chat, person)
        return { chatId, chat: projected, ...planned, pending }
      })
      // One check per service the chats to add to need, whatever their number.
      const services = [
        ...new Set(
          first.flatMap((p) => (p.plan === "add" && p.chat !== undefined ? [serviceToCheck(p.chat)] : []))
        )
      ].filter((s) => s !== undefined)
      const checks = new Map(
        yield* Effect.forEach(
          services,
          (service) =>
            Effect.map(Effect.result(checkCapability(person, service, call)), (r) => [service, r] as const),
          { concurrency }
        )
      )
      const planned = first.map(({ chat, ...plan }): Plan => {
        const service = plan.plan === "add" && chat !== undefined ? serviceToCheck(chat) : undefined
        const check = service === undefined ? undefined : checks.get(service)
        if (service === undefined || check === undefined) return plan
        if (Result.isFailure(check)) return { chatId: plan.chatId, plan: "unchecked", reason: check.failure }
        return check.success
          ? plan
          : {
              chatId: plan.chatId,
              plan: "keptBack",
              reason: new CrossServiceAddition({ chatId: plan.chatId, handle: person, chatService: service })
            }
      })
      return yield* carryOut(person, planned, {
        plans: PLANS,
        change: "add",
        already: "alreadyIn",
        send: (chatId) => add(chatId, person, { ...call, rules: "diagnose" }),
        alreadySo: "ParticipantAlreadyInChat",
        dryRun: options.dryRun === true,
        concurrency,
        confirm,
        shows: { added: [person] },
        call
      })
    })
  ).pipe(Effect.withSpan("Linq onboardParticipant", { kind: "internal" }, { captureStackTrace: false }))
