/**
 * What offboarding and onboarding share once each chat has its plan: send
 * the change to the chats planned for it (bounded concurrency, each as a
 * sync's step), keep every chat's outcome in plan order, and sum it up.
 */
import type { Handle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect as E, Result } from "effect"
import { Clock, Duration, Effect } from "effect"
import type { MembershipChanges } from "../Membership.js"
import { awaitMembership } from "./await.js"
import type { Concurrency } from "./batch.js"
import type { CallOptions } from "./options.js"
import { step } from "./steps.js"

/** The options of a change of one person across chats (offboarding, onboarding). */
export interface PersonOptions extends CallOptions {
  /** Plan only: read what the plan needs (the chat list, the chats, the capabilities) and send no change. */
  readonly dryRun?: boolean | undefined
  /**
   * Requests in flight at most (an offboarding's removals; an onboarding's
   * reads, capability checks and adds): a whole number >= 1, or
   * `"unbounded"` (`Infinity` means the same). Defaults to 4. Any other value
   * is `InvalidOption`, and nothing is sent. The layer's `rateLimit` holds
   * whatever this is.
   */
  readonly concurrency?: Concurrency | undefined
  /**
   * Wait up to this long (one deadline for every chat, counted from when the
   * changes go out) for each change this client queued to show, as
   * `awaitMembership` waits (the participant webhooks when a `LinqWebhooks`
   * is in context, else reads of the chat): each such chat's `confirmed`, and
   * the result's. A chat that does not show it in time is `confirmed: false`,
   * not a failure. A finite duration above zero, else `InvalidOption` with
   * nothing sent.
   */
  readonly confirm?: Duration.Input | undefined
}

/** What became of one chat. */
export interface ChatOutcome<Plan extends string, A, E, R> {
  readonly chatId: string
  /** What the plan decided for this chat, before anything was sent. */
  readonly plan: Plan
  /**
   * Why the plan sends nothing to this chat, as a typed value that was never
   * sent: the rule that keeps it back (`TooFewParticipants`, `NotAGroupChat`,
   * `CrossServiceAddition`…) or the read that failed. Absent where the change
   * is planned, or the chat is already as wanted.
   */
  readonly reason?: R | undefined
  /** The change's own result, for a chat it was sent to (absent in a dry run and everywhere else). */
  readonly result?: Result.Result<A, E> | undefined
  /**
   * The chat is as wanted: the change was accepted (or answered that it was
   * already so), or the plan found it so. False for a dry run's changes.
   */
  readonly done: boolean
  /**
   * With `confirm`, for a chat whose change this client queued (now, or
   * earlier and not shown yet): whether the chat showed it in time
   * (`awaitMembership`: the participant webhooks, else reads).
   */
  readonly confirmed?: boolean | undefined
}

/** How many chats got each plan, and what became of the changes sent. */
export interface PersonSummary<Plan extends string> {
  /** Chats per plan (every plan listed, 0 included). */
  readonly planned: Readonly<Record<Plan, number>>
  /** Changes sent (none in a dry run). */
  readonly sent: number
  /** Changes accepted (or answered that they were already so). */
  readonly accepted: number
  /** Changes answered with an error. */
  readonly failed: number
}

/** What a change of one person across chats did. */
export interface PersonChangeResult<Plan extends string, A, E, R> {
  /** The handle, validated. */
  readonly handle: Handle
  /** The plan only: no change was sent. */
  readonly dryRun: boolean
  /** One outcome per chat, in a stable order (the chats' order as listed or given), whatever the concurrency. */
  readonly chats: ReadonlyArray<ChatOutcome<Plan, A, E, R>>
  readonly summary: PersonSummary<Plan>
  /** Every change the plan sent was accepted (false for a dry run). Chats kept back do not count. */
  readonly complete: boolean
  /**
   * With `confirm`: every change this client queued showed in time (true
   * when there was none). False without `confirm`, and for a dry run.
   */
  readonly confirmed: boolean
}

/** One chat's plan: what to do there, and why nothing is sent where a rule or a failed check says so. */
export interface ChatPlan<Plan extends string, R> {
  readonly chatId: string
  readonly plan: Plan
  readonly reason?: R | undefined
  /** Done by a change this client queued that the chat does not show yet (to confirm, with `confirm`). */
  readonly pending?: boolean | undefined
}

/** How to carry a plan out. */
export interface Carry<Plan extends string, A, Err extends { readonly _tag: string }> {
  /** Every plan value, in the order the summary lists them. */
  readonly plans: ReadonlyArray<Plan>
  /** The plan that sends the change. */
  readonly change: Plan
  /** The plan of a chat already as wanted (done without a request). */
  readonly already: Plan
  /** The change, for one chat. */
  readonly send: (chatId: string) => E.Effect<A, Err, LinqHttpClient>
  /** The answer that says the chat was already as wanted (a retried call can see it): done. */
  readonly alreadySo: Err["_tag"]
  readonly dryRun: boolean
  readonly concurrency: Concurrency
  /** How long to wait for the queued changes to show (ms), if at all. */
  readonly confirm: number | undefined
  /** The change to wait for, in one chat (`awaitMembership`'s). */
  readonly shows: MembershipChanges
  /** The per-call options, for the confirmation's reads. */
  readonly call: CallOptions
}

const summarize = <Plan extends string>(
  plans: ReadonlyArray<Plan>,
  outcomes: ReadonlyArray<ChatOutcome<Plan, unknown, unknown, unknown>>
): PersonSummary<Plan> => {
  const planned = Object.fromEntries(plans.map((p) => [p, 0])) as Record<Plan, number>
  let sent = 0
  let accepted = 0
  for (const outcome of outcomes) {
    planned[outcome.plan]++
    if (outcome.result === undefined) continue
    sent++
    if (outcome.done) accepted++
  }
  return { planned, sent, accepted, failed: sent - accepted }
}

/**
 * Sends the change to every chat planned for it (at most `concurrency` at
 * once; none in a dry run) and answers every chat's outcome, in plan order.
 */
export const carryOut = <Plan extends string, A, Err extends { readonly _tag: string }, R>(
  handle: Handle,
  planned: ReadonlyArray<ChatPlan<Plan, R>>,
  carry: Carry<Plan, A, Err>
): E.Effect<PersonChangeResult<Plan, A, Err, R>, never, LinqHttpClient> =>
  Effect.gen(function* () {
    const since = yield* Clock.currentTimeMillis
    const sent = yield* Effect.forEach(
      planned,
      ({ chatId, plan, reason }): E.Effect<ChatOutcome<Plan, A, Err, R>, never, LinqHttpClient> => {
        const base = { chatId, plan, ...(reason === undefined ? {} : { reason }) }
        if (plan !== carry.change || carry.dryRun)
          return Effect.succeed({ ...base, done: plan === carry.already })
        return Effect.map(step(chatId, carry.send(chatId), carry.alreadySo), (s) => ({
          ...base,
          result: s.result,
          done: s.done
        }))
      },
      { concurrency: carry.concurrency }
    )
    const confirming = carry.confirm !== undefined && !carry.dryRun
    const chats = confirming ? yield* confirmAll(sent, planned, since, carry) : sent
    const summary = summarize(carry.plans, chats)
    yield* Effect.annotateCurrentSpan({
      "linq.chats": chats.length,
      "linq.changes_sent": summary.sent,
      "linq.changes_failed": summary.failed,
      "linq.dry_run": carry.dryRun
    })
    return {
      handle,
      dryRun: carry.dryRun,
      chats,
      summary,
      complete: !carry.dryRun && chats.every((c) => c.plan !== carry.change || c.done),
      confirmed: confirming && chats.every((c) => c.confirmed !== false)
    }
  })

/**
 * Waits, every chat at once, until each chat whose change this client
 * queued shows it (`awaitMembership`, within `confirm` of `since`): a chat
 * that does not in time is `confirmed: false`, never a failure.
 */
const confirmAll = <Plan extends string, A, Err extends { readonly _tag: string }, R>(
  chats: ReadonlyArray<ChatOutcome<Plan, A, Err, R>>,
  planned: ReadonlyArray<ChatPlan<Plan, R>>,
  since: number,
  carry: Carry<Plan, A, Err>
) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const left = (carry.confirm ?? 0) - (now - since)
    return Effect.forEach(
      chats,
      (chat, i) => {
        const queued = (chat.result !== undefined && chat.done) || planned[i]?.pending === true
        if (!queued) return Effect.succeed(chat)
        if (left <= 0) return Effect.succeed({ ...chat, confirmed: false })
        return awaitMembership(chat.chatId, carry.shows, {
          timeout: Duration.millis(left),
          since,
          ...(carry.call.timeout === undefined ? {} : { requestTimeout: carry.call.timeout }),
          ...(carry.call.headers === undefined ? {} : { headers: carry.call.headers })
        }).pipe(
          Effect.match({
            onSuccess: () => ({ ...chat, confirmed: true }),
            onFailure: () => ({ ...chat, confirmed: false })
          })
        )
      },
      { concurrency: "unbounded" }
    )
  })
