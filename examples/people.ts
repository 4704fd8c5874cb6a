/**
 * Example: one person across many chats. List bob's chats, offboard him as a
 * dry run and then for real, confirmed (the group of 3 kept back, the direct
 * message untouched), run it again (nothing to send), onboard a newcomer into chats
 * on mixed services (one capability check per service), and leave a group.
 *
 * These steps count the requests that went out, so they run against a
 * FakeLinq of their own, served on loopback (even when `pnpm demo` targets
 * the real API), which queues changes for `QUEUE_DELAY` as Linq does.
 * `people.test.ts` checks what they print.
 */
import {
  chatsOf,
  leaveChat,
  type OffboardResult,
  type OnboardResult,
  offboardParticipant,
  onboardParticipant
} from "@linq-effect/client"
import { FakeLinq, type FakeLinqService } from "@linq-effect/testing"
import { Console, Duration, Effect, Stream } from "effect"
import { against, requestsSent as sentSoFar } from "./membership.js"
import { describeError, describeQueued, maskHandle, printStep, shortChatId } from "./Step.js"

/** How long this example's fake keeps an accepted change on its queue. */
export const QUEUE_DELAY = "150 millis"

const H = FakeLinq.handles
const C = FakeLinq.chats

/** The requests the fake received since the last look, by route (the journal cleared). */
const requestsSent = (fake: FakeLinqService) => Effect.tap(sentSoFar(fake), () => fake.clearJournal)

/** `3 requests (listChats, remove, remove)`. */
const requestsLine = (routes: ReadonlyArray<string>): string =>
  `${routes.length} request${routes.length === 1 ? "" : "s"}${routes.length === 0 ? "" : ` (${routes.join(", ")})`}`

/** One line per chat: its plan, why nothing is sent where a rule says so, and whether it is done. */
const printChats = (result: OffboardResult | OnboardResult) =>
  Effect.forEach(result.chats, (chat) => {
    const why = chat.reason === undefined ? "" : ` (${chat.reason._tag})`
    const sent = chat.result === undefined ? "" : chat.result._tag === "Success" ? ", accepted" : ", failed"
    return Console.log(`    chat ${shortChatId(chat.chatId)}: ${chat.plan}${why}${sent}`)
  })

/** One offboarding run, printed, with the requests it sent. */
export interface Run<R> {
  readonly result: R
  readonly routes: ReadonlyArray<string>
}

const offboard = (fake: FakeLinqService, about: string, options: Parameters<typeof offboardParticipant>[1]) =>
  Effect.gen(function* () {
    const result = yield* offboardParticipant(H.bob, options)
    const routes = yield* requestsSent(fake)
    const { planned, sent, accepted } = result.summary
    yield* printStep(
      { op: "offboard", handle: H.bob, about },
      `${planned.remove} to remove, ${planned.keptBack} kept back, ${planned.notAGroup} not a group, ${planned.alreadyGone} already gone; ${sent} sent, ${accepted} accepted${options?.confirm === undefined ? "" : `, confirmed ${result.confirmed}`}; ${requestsLine(routes)}`
    )
    yield* printChats(result)
    return { result, routes } satisfies Run<OffboardResult>
  })

/** The chats bob is in, two a page. */
export const listing = (fake: FakeLinqService) =>
  Effect.gen(function* () {
    const chats = yield* Stream.runCollect(chatsOf(H.bob, { pageSize: 2 }))
    const routes = yield* requestsSent(fake)
    yield* printStep(
      { op: "list chats of", handle: H.bob },
      `${chats.map((c) => c.display_name ?? (c.is_group ? "a group" : "a direct message")).join(", ")}; ${requestsLine(routes)}`
    )
    return { chats, routes }
  })

/** Offboarding bob: dry run, applied, then again once the fake applied the removal. */
export const offboarding = (fake: FakeLinqService) =>
  Effect.gen(function* () {
    const dryRun = yield* offboard(fake, "dry run", { dryRun: true })
    // Confirmed: the removal waited for until the chat shows it (by reads here; by webhooks with LinqWebhooks).
    const applied = yield* offboard(fake, "applied, confirm 10 s", { concurrency: 2, confirm: "10 seconds" })
    const again = yield* offboard(fake, "again", {})
    return { dryRun, applied, again }
  })

/** The newcomer into groups on iMessage, RCS and SMS, and a direct message. */
export const onboardChats: ReadonlyArray<string> = [
  C.iMessageGroup,
  C.smallGroup,
  C.rcsGroup,
  C.smsGroup,
  C.directMessage
]

/** iMessageCapable (iMessage and SMS, not RCS) into chats on mixed services. */
export const onboarding = (fake: FakeLinqService) =>
  Effect.gen(function* () {
    const result = yield* onboardParticipant(H.iMessageCapable, onboardChats)
    const routes = yield* requestsSent(fake)
    const checks = routes.filter((r) => r.startsWith("check")).length
    yield* printStep(
      { op: "onboard", handle: H.iMessageCapable, about: `${onboardChats.length} chats` },
      `${result.summary.planned.add} added, ${result.summary.planned.keptBack} kept back; ${checks} capability checks for ${onboardChats.length} chats; ${requestsLine(routes)}`
    )
    yield* printChats(result)
    return { result, routes }
  })

/** Where our number tries to leave: the iMessage group (4 again with the newcomer), the RCS group, the DM. */
export const leaveChats: ReadonlyArray<string> = [C.iMessageGroup, C.rcsGroup, C.directMessage]

/** Our number leaves each of {@link leaveChats}, once the fake applied the onboarding. */
export const leaving = (fake: FakeLinqService) =>
  Effect.andThen(
    fake.awaitQueue,
    Effect.forEach(leaveChats, (chatId) =>
      Effect.gen(function* () {
        const outcome = yield* Effect.result(leaveChat(chatId))
        const routes = yield* requestsSent(fake)
        yield* printStep(
          { op: "leave", chatId },
          `${outcome._tag === "Success" ? describeQueued(outcome.success) : describeError(outcome.failure)}; ${requestsLine(routes)}`
        )
        return { chatId, tag: outcome._tag === "Success" ? "accepted" : outcome.failure._tag, routes }
      })
    )
  )

/** The steps of `pnpm demo` on one person, against a fake of their own. */
export const program = Effect.scoped(
  Effect.gen(function* () {
    const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: QUEUE_DELAY })
    yield* Console.log(
      `  (against a FakeLinq of its own that queues changes for ${Duration.format(Duration.fromInputUnsafe(QUEUE_DELAY))}; ${maskHandle(H.bob)} is in a group of 4, a group of 3 and a direct message)`
    )
    yield* against(
      fake,
      Effect.gen(function* () {
        yield* listing(fake)
        yield* offboarding(fake)
        yield* onboarding(fake)
        yield* leaving(fake)
      })
    )
  })
)
