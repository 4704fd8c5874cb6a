/**
 * syncParticipants: the plan, refusals before anything is sent, adds before
 * removals (never below 3), idempotency, dry runs, waiting on a queue (on the
 * TestClock), and a chat that changes under the sync.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Result } from "effect"
import { TestClock } from "effect/testing"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import { advanceUntil, awaitRequests, CHAT_ID, linqLayer } from "../../http/test/testkit.js"
import { syncParticipants } from "../src/index.js"
import type { Routes } from "./membership.js"
import {
  ALICE,
  BOB,
  CAROL,
  capability,
  chatBody,
  DAVE,
  ERIN,
  group,
  handleOf,
  liveChat,
  ME,
  removed,
  routes,
  routesSent
} from "./membership.js"

const sent = Effect.map(
  Effect.flatMap(Recorder, (r) => r.requests),
  routesSent
)
const layer = (table: Routes) => linqLayer(routes(table), { maxRetries: 0 })

describe("the plan", () => {
  it.effect(
    "from the active members: is_me kept and never requested, duplicates once; a dry run sends no change",
    () =>
      Effect.gen(function* () {
        const result = yield* syncParticipants(CHAT_ID, [ALICE, DAVE, ERIN, "DAVE@example.com", ME], {
          dryRun: true
        })
        expect(result.plan).toEqual({ add: [DAVE, ERIN], remove: [BOB, CAROL], keep: [ME, ALICE] })
        expect(result).toMatchObject({
          dryRun: true,
          added: [],
          removed: [],
          complete: false,
          confirmed: false
        })
        // The chat read, and the newcomers' capability (an iMessage group): no change.
        expect(yield* sent).toEqual(["chat", "imessage", "imessage"])
      }).pipe(
        Effect.provide(
          layer({
            chat: [
              Answer.json(
                200,
                chatBody([
                  { handle: ME, isMe: true },
                  ALICE,
                  BOB,
                  CAROL,
                  { handle: "+15550000099", status: "left" }
                ])
              )
            ],
            imessage: capability(true)
          })
        )
      )
  )
})

describe("refused before anything is sent", () => {
  const refusals = [
    {
      name: "a direct message",
      chat: chatBody([{ handle: ME, isMe: true }, ALICE], { isGroup: false }),
      desired: [ALICE, BOB],
      tag: "NotAGroupChat",
      reads: ["chat"]
    },
    {
      name: "fewer than 3 at the end",
      chat: group([ALICE, BOB, CAROL]),
      desired: [ALICE],
      tag: "TooFewParticipants",
      reads: ["chat"]
    },
    {
      name: "too few to add to",
      chat: group([ALICE]),
      desired: [ALICE, BOB, CAROL],
      tag: "TooFewParticipants",
      reads: ["chat"]
    },
    {
      name: "a newcomer without the group's service",
      chat: group([ALICE, BOB]),
      desired: [ALICE, BOB, CAROL, DAVE],
      tag: "CrossServiceAddition",
      reads: ["chat", "imessage", "imessage"]
    }
  ] as const
  for (const r of refusals) {
    it.effect(r.name, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(syncParticipants(CHAT_ID, r.desired))
        expect(error._tag).toBe(r.tag)
        if (error._tag === "CrossServiceAddition")
          expect(error).toMatchObject({ handle: DAVE, chatService: "iMessage" })
        expect(yield* sent).toEqual(r.reads)
      }).pipe(
        Effect.provide(
          layer({
            chat: [Answer.json(200, r.chat)],
            imessage: (request) =>
              capability((request.body as { address: string }).address !== DAVE)(request),
            add: [Answer.accepted()],
            remove: [removed()]
          })
        )
      )
    )
  }

  it.effect("an invalid handle or chat id: not even the chat is read", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(syncParticipants(CHAT_ID, [ALICE, "+1 555 0100"])))._tag).toBe(
        "InvalidHandle"
      )
      expect((yield* Effect.flip(syncParticipants("", [ALICE])))._tag).toBe("InvalidChatId")
      expect(yield* sent).toEqual([])
    }).pipe(Effect.provide(layer({ chat: [Answer.json(200, group([ALICE, BOB]))] })))
  )

  it.effect("a plan with nothing to change is not refused, even on a direct message", () =>
    Effect.gen(function* () {
      const result = yield* syncParticipants(CHAT_ID, [ALICE])
      expect(result.plan).toEqual({ add: [], remove: [], keep: [ME, ALICE] })
      expect(yield* sent).toEqual(["chat"])
    }).pipe(
      Effect.provide(
        layer({ chat: [Answer.json(200, chatBody([{ handle: ME, isMe: true }, ALICE], { isGroup: false }))] })
      )
    )
  )
})

describe("applying", () => {
  it.effect("adds before removals, never below 3 members; idempotent on a second run", () => {
    const chat = liveChat([ALICE, BOB], { service: "SMS" })
    return Effect.gen(function* () {
      const result = yield* syncParticipants(CHAT_ID, [CAROL, DAVE], { concurrency: 4 })
      expect(result.plan).toEqual({ add: [CAROL, DAVE], remove: [ALICE, BOB], keep: [ME] })
      expect(result.complete).toBe(true)
      expect(result.added.map((s) => [s.handle, Result.isSuccess(s.result), s.done])).toEqual([
        [CAROL, true, true],
        [DAVE, true, true]
      ])
      expect(result.removed.map((s) => [s.handle, s.done])).toEqual([
        [ALICE, true],
        [BOB, true]
      ])
      expect(yield* sent).toEqual(["chat", "add", "add", "remove", "remove"])
      expect(Math.min(...chat.counts)).toBeGreaterThanOrEqual(3)
      expect([...chat.active].sort()).toEqual([CAROL, DAVE].sort())
      // Again: the chat is read, and no change is sent.
      const again = yield* syncParticipants(CHAT_ID, [CAROL, DAVE])
      expect(again.plan).toEqual({ add: [], remove: [], keep: [ME, CAROL, DAVE] })
      expect((yield* sent).slice(5)).toEqual(["chat"])
    }).pipe(Effect.provide(linqLayer(chat.script, { maxRetries: 0 })))
  })

  it.effect("'already in' and 'not in' answers count as done", () =>
    Effect.gen(function* () {
      const result = yield* syncParticipants(CHAT_ID, [ALICE, BOB, DAVE])
      expect(
        result.added.map((s) => [s.handle, Result.isFailure(s.result) && s.result.failure._tag, s.done])
      ).toEqual([[DAVE, "ParticipantAlreadyInChat", true]])
      expect(
        result.removed.map((s) => [s.handle, Result.isFailure(s.result) && s.result.failure._tag, s.done])
      ).toEqual([[CAROL, "ParticipantNotInChat", true]])
      expect(result.complete).toBe(true)
    }).pipe(
      Effect.provide(
        layer({
          // The plan's read, then what the diagnoses read: Dave in (an add that raced ours), Carol out.
          chat: [
            Answer.json(200, group([ALICE, BOB, CAROL], "SMS")),
            Answer.json(200, group([ALICE, BOB, DAVE], "SMS"))
          ],
          add: [Answer.envelope(409, { message: "Participant is already in this chat" })],
          remove: [Answer.envelope(400, { message: "Participant is not in this chat" })]
        })
      )
    )
  )

  it.effect("an add that fails holds back the removals that would take the group below 3", () => {
    const chat = liveChat([ALICE, BOB], {
      service: "SMS",
      answer: (route, handle) =>
        route === "add" && handle === DAVE
          ? Answer.envelope(400, { code: 1005, message: "Bad request" })
          : undefined
    })
    return Effect.gen(function* () {
      const result = yield* syncParticipants(CHAT_ID, [CAROL, DAVE])
      expect(result.added.map((s) => [s.handle, s.done])).toEqual([
        [CAROL, true],
        [DAVE, false]
      ])
      const [first, second] = result.removed
      expect(first).toMatchObject({ handle: ALICE, done: true })
      expect(second).toMatchObject({ handle: BOB, done: false })
      expect(Result.isFailure(second!.result) && second!.result.failure).toMatchObject({
        _tag: "TooFewParticipants",
        participants: 2
      })
      expect(result.complete).toBe(false)
      // BOB's removal was never sent.
      expect((yield* (yield* Recorder).requests).filter((r) => handleOf(r) === BOB)).toEqual([])
      expect(Math.min(...chat.counts)).toBeGreaterThanOrEqual(3)
      expect([...chat.active].sort()).toEqual([BOB, CAROL].sort())
    }).pipe(Effect.provide(linqLayer(chat.script, { maxRetries: 0 })))
  })

  it.effect("a chat changed under the sync gives the rules' outcome, not a defect", () => {
    // Read: me, ALICE, BOB, CAROL. Then BOB leaves, and the removal of CAROL would leave 2.
    let reads = 0
    return Effect.gen(function* () {
      const result = yield* syncParticipants(CHAT_ID, [ALICE, BOB])
      expect(result.removed).toHaveLength(1)
      const [step] = result.removed
      expect(step!.done).toBe(false)
      expect(Result.isFailure(step!.result) && step!.result.failure).toMatchObject({
        _tag: "TooFewParticipants",
        status: 400,
        handle: CAROL
      })
      expect(yield* sent).toEqual(["chat", "remove", "chat"])
    }).pipe(
      Effect.provide(
        layer({
          chat: () =>
            Answer.json(
              200,
              reads++ === 0 ? group([ALICE, BOB, CAROL], "SMS") : group([ALICE, CAROL], "SMS")
            ),
          remove: [Answer.envelope(400, { message: "Bad request" })]
        })
      )
    )
  })

  it.effect("interrupted while adding: no removal was sent", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(syncParticipants(CHAT_ID, [CAROL, DAVE]))
      yield* awaitRequests(recorder, 3)
      yield* Fiber.interrupt(fiber)
      expect(yield* sent).toEqual(["chat", "add", "add"])
    }).pipe(
      Effect.provide(layer({ chat: [Answer.json(200, group([ALICE, BOB], "SMS"))], add: [Answer.never] }))
    )
  )
})

describe("wait", () => {
  it.effect("polls until the queued changes show: confirmed", () => {
    const chat = liveChat([ALICE, BOB], { service: "SMS", delay: 3_000 })
    return Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(syncParticipants(CHAT_ID, [CAROL, DAVE], { wait: "1 minute" }))
      yield* advanceUntil(
        Effect.sync(() => fiber.pollUnsafe() !== undefined),
        "the sync ending"
      )
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ complete: true, confirmed: true })
      const requests = yield* (yield* Recorder).requests
      const firstRemoval = requests.findIndex((r) => r.method === "DELETE")
      // The removals went out only after a read showed the newcomers.
      expect(requests[firstRemoval - 1]!.method).toBe("GET")
      expect(Math.min(...chat.counts)).toBeGreaterThanOrEqual(3)
    }).pipe(Effect.provide(linqLayer(chat.script, { maxRetries: 0 })))
  })

  it.effect("MembershipPending when the chat does not show the change in time, polled on the clock", () => {
    const chat = liveChat([ALICE, BOB, CAROL], { service: "SMS", delay: 3_600_000 })
    return Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(syncParticipants(CHAT_ID, [ALICE, BOB], { wait: "10 seconds" }))
      // The chat read and the removal; the first poll comes 250 ms later.
      yield* awaitRequests(recorder, 2)
      let polls = 0
      // Waits of 250 ms, doubling (0.25, 0.75, 1.75, 3.75, 7.75 s); the next (5 s) would pass the
      // deadline, so a last read comes 250 ms before it, at 9.75 s.
      for (const step of [250, 500, 1000, 2000, 4000, 2000]) {
        yield* TestClock.adjust(step - 1)
        expect(yield* recorder.count).toBe(2 + polls)
        yield* TestClock.adjust(1)
        polls++
        yield* awaitRequests(recorder, 2 + polls)
      }
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({
        _tag: "MembershipPending",
        chatId: CHAT_ID,
        missing: [],
        unexpected: [CAROL],
        sent: [CAROL],
        notSent: [],
        failed: [],
        seen: true
      })
      expect(yield* recorder.count).toBe(2 + 6)
    }).pipe(Effect.provide(linqLayer(chat.script, { maxRetries: 0 })))
  })

  it.effect("newcomers that never show: the removals are not sent, and are what is still to leave", () => {
    const chat = liveChat([ALICE, BOB], { service: "SMS", delay: 3_600_000 })
    return Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(syncParticipants(CHAT_ID, [CAROL, DAVE], { wait: "5 seconds" }))
      yield* advanceUntil(
        Effect.sync(() => fiber.pollUnsafe() !== undefined),
        "the sync ending"
      )
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({
        _tag: "MembershipPending",
        missing: [CAROL, DAVE],
        unexpected: [ALICE, BOB],
        sent: [CAROL, DAVE],
        notSent: [ALICE, BOB],
        seen: true
      })
      expect((yield* sent).filter((r) => r === "remove")).toEqual([])
    }).pipe(Effect.provide(linqLayer(chat.script, { maxRetries: 0 })))
  })
})
