/**
 * onboardParticipant against FakeLinq, over chats on mixed services: one
 * capability check per service the chats need (not one per chat), chats on
 * a service the handle cannot use kept back before any add is sent, the
 * outcome shape of offboarding, a re-run that sends nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Effect, Layer } from "effect"
import { onboardParticipant } from "../src/index.js"
import { requestsSent } from "./fake.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer())
)

const requests = requestsSent

/** Two iMessage groups, an RCS group, an SMS group, a DM and a chat that does not exist. */
const mixed = [C.iMessageGroup, C.smallGroup, C.rcsGroup, C.smsGroup, C.directMessage, C.missing]

const plans = (result: {
  readonly chats: ReadonlyArray<{ readonly chatId: string; readonly plan: string }>
}) => result.chats.map((c) => [c.chatId, c.plan])

describe("onboardParticipant", () => {
  it.effect(
    "mixed services: one check per service the chats need; the RCS group kept back before anything is sent",
    () =>
      Effect.gen(function* () {
        // iMessageCapable can use iMessage and SMS, not RCS.
        const result = yield* onboardParticipant(H.iMessageCapable, mixed)
        expect(plans(result)).toEqual([
          [C.iMessageGroup, "add"],
          [C.smallGroup, "add"],
          [C.rcsGroup, "keptBack"],
          [C.smsGroup, "add"],
          [C.directMessage, "notAGroup"],
          [C.missing, "unchecked"]
        ])
        expect(result.chats[2]).toMatchObject({
          reason: { _tag: "CrossServiceAddition", chatService: "RCS", handle: H.iMessageCapable },
          done: false
        })
        expect(result.chats[2]).not.toHaveProperty("result")
        expect(result.chats[4]).toMatchObject({ reason: { _tag: "NotAGroupChat" }, done: false })
        expect(result.chats[5]).toMatchObject({ reason: { _tag: "ChatNotFound" }, done: false })
        expect(result.summary).toEqual({
          planned: { add: 3, keptBack: 1, notAGroup: 1, alreadyIn: 0, unchecked: 1 },
          sent: 3,
          accepted: 3,
          failed: 0
        })
        expect(result.complete).toBe(true)
        const sent = yield* requests
        // Six reads, one iMessage check for two iMessage groups, one RCS check, none for SMS.
        expect(sent.filter((r) => r.startsWith("check"))).toEqual(["checkImessage", "checkRcs"])
        expect(sent.filter((r) => r.startsWith("getChat"))).toHaveLength(6)
        expect(sent.filter((r) => r.startsWith("add"))).toEqual([
          `add ${C.iMessageGroup}`,
          `add ${C.smallGroup}`,
          `add ${C.smsGroup}`
        ])
        // The checks come before every add.
        const lastCheck = Math.max(sent.indexOf("checkImessage"), sent.indexOf("checkRcs"))
        expect(sent.findIndex((r) => r.startsWith("add"))).toBeGreaterThan(lastCheck)
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "SMS has no capability check: Linq's refusal of an SMS add is that chat's result, not a failure of the whole",
    () =>
      Effect.gen(function* () {
        // rcsOnly cannot use SMS either, but only Linq can tell.
        const result = yield* onboardParticipant(H.rcsOnly, [C.iMessageGroup, C.smsGroup])
        expect(plans(result)).toEqual([
          [C.iMessageGroup, "keptBack"],
          [C.smsGroup, "add"]
        ])
        const sms = result.chats[1]
        expect(sms?.done).toBe(false)
        expect(sms?.result?._tag).toBe("Failure")
        expect(result.summary).toMatchObject({ sent: 1, accepted: 0, failed: 1 })
        expect(result.complete).toBe(false)
        const sent = (yield* requests).filter((r) => !r.startsWith("getChat"))
        expect(sent).toEqual(["checkImessage", `add ${C.smsGroup}`])
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "a handle that can use every service joins every group; already in is done; a re-run sends no add",
    () =>
      Effect.gen(function* () {
        const first = yield* onboardParticipant(H.newcomer, mixed, { concurrency: 2 })
        expect(plans(first).map(([, plan]) => plan)).toEqual([
          "add",
          "add",
          "add",
          "add",
          "notAGroup",
          "unchecked"
        ])
        expect((yield* requests).filter((r) => r.startsWith("check"))).toEqual(["checkImessage", "checkRcs"])
        // Queued, not applied yet: the ledger counts the adds.
        const again = yield* onboardParticipant(H.newcomer, mixed)
        expect(again.summary).toMatchObject({ planned: { add: 0, alreadyIn: 4 }, sent: 0 })
        expect(again.chats.filter((c) => c.plan === "alreadyIn").every((c) => c.done)).toBe(true)
        const sent = yield* requests
        expect(sent.filter((r) => r.startsWith("add") || r.startsWith("check"))).toEqual([])
        // alice is in three of them already.
        const alice = yield* onboardParticipant(H.alice, [C.iMessageGroup, C.rcsGroup, C.smallGroup])
        expect(plans(alice)).toEqual([
          [C.iMessageGroup, "alreadyIn"],
          [C.rcsGroup, "add"],
          [C.smallGroup, "alreadyIn"]
        ])
        expect((yield* requests).filter((r) => !r.startsWith("getChat"))).toEqual([
          "checkRcs",
          `add ${C.rcsGroup}`
        ])
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect("dryRun reads and checks but sends no add", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const plan = yield* onboardParticipant(H.iMessageCapable, mixed, { dryRun: true })
      expect(plans(plan).map(([, p]) => p)).toEqual([
        "add",
        "add",
        "keptBack",
        "add",
        "notAGroup",
        "unchecked"
      ])
      expect(plan).toMatchObject({ dryRun: true, complete: false, summary: { sent: 0 } })
      expect((yield* requests).filter((r) => r.startsWith("add"))).toEqual([])
      expect(yield* fake.pendingChanges).toBe(0)
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("a failed capability check leaves its service's chats unchecked; the others go on", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503), { route: "capability", times: "always" })
      const result = yield* onboardParticipant(H.newcomer, [C.iMessageGroup, C.smsGroup])
      expect(plans(result)).toEqual([
        [C.iMessageGroup, "unchecked"],
        [C.smsGroup, "add"]
      ])
      expect(result.chats[0]?.reason?._tag).toBe("ServerError")
      expect((yield* requests).filter((r) => !r.startsWith("getChat"))).toEqual([
        "checkImessage",
        `add ${C.smsGroup}`
      ])
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "bad input sends nothing: a bad handle, a bad chat id among good ones, a lone string, a bad concurrency",
    () =>
      Effect.gen(function* () {
        expect((yield* Effect.flip(onboardParticipant("nope", [C.iMessageGroup])))._tag).toBe("InvalidHandle")
        expect((yield* Effect.flip(onboardParticipant(H.newcomer, [C.iMessageGroup, "a/b"])))._tag).toBe(
          "InvalidChatId"
        )
        const lone = C.iMessageGroup as unknown as ReadonlyArray<string>
        expect(yield* Effect.flip(onboardParticipant(H.newcomer, lone))).toMatchObject({
          _tag: "InvalidChatId",
          reason: "expected a list of chat ids, got a single string"
        })
        expect(
          (yield* Effect.flip(onboardParticipant(H.newcomer, [C.iMessageGroup], { concurrency: 0 })))._tag
        ).toBe("InvalidOption")
        expect(yield* requests).toEqual([])
        // A chat given twice is read and changed once.
        const twice = yield* onboardParticipant(H.newcomer, [C.smsGroup, C.smsGroup])
        expect(twice.chats).toHaveLength(1)
        expect(yield* requests).toEqual([`getChat ${C.smsGroup}`, `add ${C.smsGroup}`])
      }).pipe(Effect.provide(TestLinq))
  )
})
