/**
 * Example: group membership. Read a chat, add a batch, bring a group to a
 * wanted membership (dry run, applied with a wait, a re-run that sends
 * nothing), and the three rule modes on one refusal whose text says nothing.
 *
 * These steps count the requests that went out, so they run against FakeLinqs
 * of their own, served on loopback (even when `pnpm demo` targets the real
 * API): one that queues changes for `QUEUE_DELAY`, as Linq does, and one
 * whose rule-violation answers say only "Bad request" with no code.
 * `membership.test.ts` checks what they print.
 */
import {
  addParticipants,
  getChat,
  type RuleMode,
  removeParticipant,
  type SyncResult,
  syncParticipants
} from "@linq-effect/client"
import { type Chat, GroupChatRules } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, type FakeLinqService } from "@linq-effect/testing"
import { Console, Duration, Effect, Result } from "effect"
import {
  describeError,
  describeQueued,
  maskHandle,
  printOutcome,
  printStep,
  shortChatId,
  step
} from "./Step.js"

/** How long the membership fake keeps an accepted change on its queue. */
export const QUEUE_DELAY = "150 millis"

const H = FakeLinq.handles
const C = FakeLinq.chats

/** The requests a fake received since its journal was last cleared, by route: `remove, getChat`. */
export const requestsSent = (fake: FakeLinqService) =>
  Effect.map(fake.journal, (entries) => entries.map((entry) => entry.route))

/** How many of those requests asked for a change (an add or a removal). */
export const changesIn = (routes: ReadonlyArray<string>): number =>
  routes.filter((route) => route === "add" || route === "remove").length

const requestsLine = (routes: ReadonlyArray<string>): string => {
  const changes = routes.filter((route) => route === "add" || route === "remove")
  const reads = routes.filter((route) => route !== "add" && route !== "remove")
  const part = (n: number, what: string, list: ReadonlyArray<string>) =>
    `${n} ${what}${n === 1 ? "" : "s"}${list.length === 0 ? "" : ` (${list.join(", ")})`}`
  return `${part(changes.length, "change", changes)} + ${part(reads.length, "read", reads)} sent`
}

const members = (chat: Chat): string => {
  const active = GroupChatRules.activeParticipants(chat)
  return `"${chat.display_name ?? "unnamed"}", ${chat.service ?? "no service"}, ${active.length} active: ${active.map((h) => maskHandle(h.handle)).join(", ")}`
}

/** Who is in the group. */
export const showChat = (chatId: string) => step({ op: "members", chatId }, getChat(chatId), members)

/** A batch with an invalid handle and a duplicate: one outcome per input handle, in input order. */
export const batchHandles: ReadonlyArray<string> = [
  H.newcomer,
  "(202) 555-01",
  H.iMessageCapable,
  H.newcomer,
  H.frank
]

/** Adds the batch, prints each outcome in input order and what went out. */
export const batch = (fake: FakeLinqService, chatId: string, handles: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    yield* fake.clearJournal
    const outcomes = yield* addParticipants(chatId, handles, { concurrency: 2 })
    for (const { handle, result } of outcomes) {
      yield* printOutcome({ op: "add", handle, chatId }, result, describeQueued)
    }
    const routes = yield* requestsSent(fake)
    yield* Console.log(
      `  ${handles.length} handles: ${requestsLine(routes)}; the duplicate went once, the invalid one never`
    )
    return { outcomes, routes }
  })

const plan = (result: SyncResult): string => {
  const list = (hs: ReadonlyArray<string>) => (hs.length === 0 ? "nobody" : hs.map(maskHandle).join(", "))
  return `add ${list(result.plan.add)}; remove ${list(result.plan.remove)}; keep ${list(result.plan.keep)}`
}

/** The sync's wanted members, and what its three runs show. */
export const syncDesired: ReadonlyArray<string> = [H.alice, H.bob, H.newcomer, H.iMessageCapable]

/** One sync run: its result and the requests it sent. */
export interface SyncRun {
  readonly result: Result.Result<SyncResult, { readonly _tag: string; readonly message: string }>
  readonly routes: ReadonlyArray<string>
}

/** Dry run, then applied (waiting for the chat to show it), then a re-run that has nothing to do. */
export const sync = (fake: FakeLinqService, chatId: string, desired: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const run = (
      about: string,
      options: Parameters<typeof syncParticipants>[2],
      describe: (r: SyncResult) => string
    ) =>
      Effect.gen(function* () {
        yield* fake.clearJournal
        const result = yield* Effect.result(syncParticipants(chatId, desired, options))
        const routes = yield* requestsSent(fake)
        yield* printOutcome(
          { op: "sync", chatId, about },
          result,
          (r) => `${describe(r)}; ${requestsLine(routes)}`
        )
        return { result, routes } satisfies SyncRun
      })
    const dryRun = yield* run("dry run", { dryRun: true }, (r) => `plan: ${plan(r)}`)
    const applied = yield* run(
      "applied, wait 10 s",
      { wait: "10 seconds" },
      (r) =>
        `${r.added.filter((s) => s.done).length} added, ${r.removed.filter((s) => s.done).length} removed, complete ${r.complete}, confirmed ${r.confirmed}`
    )
    yield* showChat(chatId)
    const rerun = yield* run("re-run", {}, (r) =>
      r.plan.add.length + r.plan.remove.length === 0
        ? `nothing to change (keep ${r.plan.keep.length})`
        : plan(r)
    )
    return { dryRun, applied, rerun }
  })

/** One mode's outcome on the refusal, and the requests it cost. */
export interface ModeRun {
  readonly rules: RuleMode
  readonly tag: string
  readonly routes: ReadonlyArray<string>
}

/** The same removal, refused by a fake whose answer says only "Bad request", in each rule mode. */
export const ruleModes = (fake: FakeLinqService, chatId: string, handle: string) =>
  Effect.forEach(["server", "diagnose", "preflight"] as const, (rules) =>
    Effect.gen(function* () {
      yield* fake.clearJournal
      const result = yield* Effect.result(removeParticipant(chatId, { handle }, { rules }))
      const routes = yield* requestsSent(fake)
      const outcome = Result.match(result, { onFailure: describeError, onSuccess: describeQueued })
      yield* printStep(
        { op: "remove", handle, chatId, about: `rules: "${rules}"` },
        `${outcome}; ${requestsLine(routes)}`
      )
      return {
        rules,
        tag: Result.match(result, { onFailure: (e) => e._tag, onSuccess: () => "accepted" }),
        routes
      }
    })
  )

/** The options of the fake that queues changes, as Linq does. */
export const queueing = { queueDelay: QUEUE_DELAY } as const
/** The options of the fake whose rule-violation answer says nothing useful (it applies changes at once). */
export const saysNothing = {
  queueDelay: 0,
  violations: { TooFewParticipants: { code: undefined, message: "Bad request" } }
} as const

/** Runs a part against a fake over loopback, through the given HttpClient. */
export const against = <A, E>(
  fake: { readonly baseUrl: string },
  part: Effect.Effect<A, E, LinqHttpClient>
) =>
  Effect.scoped(
    Effect.flatMap(
      LinqHttpClient.make({ apiKey: "demo-key", baseUrl: fake.baseUrl, maxRetries: 1 }),
      (client) => Effect.provideService(part, LinqHttpClient, client)
    )
  )

/** The membership steps of `pnpm demo`, each against the fake it needs. */
export const program = Effect.scoped(
  Effect.gen(function* () {
    const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, queueing)
    const strict = yield* FakeLinq.serve(FakeLinq.defaultSeed, saysNothing)
    yield* Console.log(
      `  (against two FakeLinqs of its own: one queues changes for ${Duration.format(Duration.fromInputUnsafe(QUEUE_DELAY))}, one answers a rule violation "Bad request")`
    )
    yield* against(fake, showChat(C.iMessageGroup))
    yield* against(fake, batch(fake, C.rcsGroup, batchHandles))
    yield* against(fake, sync(fake, C.iMessageGroup, syncDesired))
    yield* Console.log(
      `  the same refusal in chat ${shortChatId(C.smallGroup)} (a group of 3), told three ways:`
    )
    yield* against(strict, ruleModes(strict, C.smallGroup, H.alice))
  })
)
