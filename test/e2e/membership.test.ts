/**
 * Group membership end to end against FakeLinq: getChat and checkCapability
 * from the fake's state, the three rule modes under several wordings of each
 * violation (the fake's messages are configurable: the SDK must not depend on
 * them), a batch, a sync (dry run, applied, a no-op re-run), and a sync that
 * waits on the fake's queue (on the TestClock in-process, real time on
 * loopback).
 */
import { describe, expect, it } from "@effect/vitest"
import {
  addParticipant,
  addParticipants,
  checkCapability,
  getChat,
  type RuleMode,
  removeParticipant,
  syncParticipants
} from "@linq-effect/client"
import { type AddParticipantError, GroupChatRules, type RemoveParticipantError } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, type FakeLinqOptions, Fault } from "@linq-effect/testing"
import { Effect, Result, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { start, transports } from "./harness.js"

const C = FakeLinq.chats
const H = FakeLinq.handles

/** The SDK over an in-process FakeLinq (the fake's queue runs on the test's clock). */
const inProcess = (options: FakeLinqOptions = {}) =>
  LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
    Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, options))
  )

const routesOf = Effect.map(
  Effect.flatMap(FakeLinq, (fake) => fake.journal),
  (entries) => entries.map((e) => e.route)
)

describe("getChat and checkCapability from the fake's state", () => {
  it.effect("the chat's active members, and who can use which service", () =>
    Effect.gen(function* () {
      const chat = yield* getChat(C.iMessageGroup)
      expect(chat.service).toBe("iMessage")
      expect(GroupChatRules.activeParticipants(chat).map((h) => h.handle)).toEqual([
        H.alice,
        H.bob,
        H.carol,
        H.dave
      ])
      expect(yield* checkCapability(H.rcsOnly, "iMessage")).toBe(false)
      expect(yield* checkCapability(H.rcsOnly, "RCS")).toBe(true)
      expect(yield* checkCapability(H.iMessageCapable, "RCS")).toBe(false)
      expect((yield* Effect.flip(getChat(C.missing)))._tag).toBe("ChatNotFound")
    }).pipe(Effect.provide(inProcess()))
  )
})

type Call = Effect.Effect<unknown, AddParticipantError | RemoveParticipantError, LinqHttpClient>

/** Each violation, the call that breaks it, and what the diagnose mode reads to find it. */
const violations = [
  {
    tag: "CrossServiceAddition",
    call: (rules: RuleMode): Call => addParticipant(C.iMessageGroup, { handle: H.rcsOnly }, { rules }),
    reads: ["getChat", "checkImessage"],
    change: "add"
  },
  {
    tag: "TooFewParticipants",
    call: (rules: RuleMode): Call => removeParticipant(C.smallGroup, { handle: H.alice }, { rules }),
    reads: ["getChat"],
    change: "remove"
  },
  {
    tag: "ParticipantAlreadyInChat",
    call: (rules: RuleMode): Call => addParticipant(C.iMessageGroup, { handle: H.alice }, { rules }),
    reads: ["getChat"],
    change: "add"
  },
  {
    tag: "ParticipantNotInChat",
    call: (rules: RuleMode): Call => removeParticipant(C.iMessageGroup, { handle: H.frank }, { rules }),
    reads: ["getChat"],
    change: "remove"
  },
  {
    tag: "NotAGroupChat",
    call: (rules: RuleMode): Call => addParticipant(C.directMessage, { handle: H.carol }, { rules }),
    reads: ["getChat"],
    change: "add"
  }
] as const

/** Wordings Linq might use; the last ones say nothing of the rule. */
const wordings = ["Not permitted for this conversation", "Bad request", "Invalid parameter"]

describe("rule modes against the fake's configurable wording", () => {
  for (const v of violations) {
    for (const message of wordings) {
      const options: FakeLinqOptions = {
        // No code either (a 1006 would make NotAGroupChat precise on its own).
        violations: { [v.tag]: { status: 400, code: undefined, message } }
      }
      it.effect(
        `${v.tag} worded ${JSON.stringify(message)}: server InvalidRequest; diagnose and preflight the rule`,
        () =>
          Effect.gen(function* () {
            const fake = yield* FakeLinq
            const server = yield* Effect.flip(v.call("server"))
            expect(server).toMatchObject({ _tag: "InvalidRequest", status: 400, message })
            expect(yield* routesOf).toEqual([v.change])

            yield* fake.clearJournal
            const diagnosed = yield* Effect.flip(v.call("diagnose"))
            expect(diagnosed).toMatchObject({ _tag: v.tag, status: 400 })
            expect(yield* routesOf).toEqual([v.change, ...v.reads])

            yield* fake.clearJournal
            const refused = yield* Effect.flip(v.call("preflight"))
            expect(refused._tag).toBe(v.tag)
            expect(refused).not.toHaveProperty("status")
            expect(yield* routesOf).toEqual(v.reads)
          }).pipe(Effect.provide(inProcess(options)))
      )
    }
  }

  it.effect("a 403 stays PermissionDenied in every mode, and is never diagnosed", () =>
    Effect.gen(function* () {
      for (const rules of ["server", "diagnose"] as const) {
        const error = yield* Effect.flip(addParticipant(C.iMessageGroup, { handle: H.alice }, { rules }))
        expect(error._tag).toBe("PermissionDenied")
      }
      expect(yield* routesOf).toEqual(["add", "add"])
    }).pipe(
      Effect.provide(
        inProcess({
          violations: {
            ParticipantAlreadyInChat: {
              status: 403,
              code: undefined,
              message: "Participant is already in this chat"
            }
          }
        })
      )
    )
  )
})

describe("batch", () => {
  it.effect("one outcome per input in order, duplicates sent once, invalid handles not sent", () =>
    Effect.gen(function* () {
      const outcomes = yield* addParticipants(C.iMessageGroup, [
        H.newcomer,
        H.rcsOnly,
        "555",
        H.newcomer,
        H.alice
      ])
      expect(outcomes.map((o) => (Result.isSuccess(o.result) ? "ok" : o.result.failure._tag))).toEqual([
        "ok",
        "CrossServiceAddition",
        "InvalidHandle",
        "ok",
        "ParticipantAlreadyInChat"
      ])
      expect((yield* routesOf).filter((r) => r === "add")).toHaveLength(3)
      expect(yield* Effect.flatMap(FakeLinq, (f) => f.participants(C.iMessageGroup))).toContain(H.newcomer)
    }).pipe(Effect.provide(inProcess({ queueDelay: 0 })))
  )
})

describe("sync", () => {
  const desired = [H.alice, H.bob, H.newcomer, H.iMessageCapable]

  it.effect("dry run, then applied (adds before removals), then a re-run that sends no change", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const preview = yield* syncParticipants(C.iMessageGroup, desired, { dryRun: true })
      expect(preview.plan).toEqual({
        add: [H.newcomer, H.iMessageCapable],
        remove: [H.carol, H.dave],
        keep: [H.alice, H.bob]
      })
      expect(yield* routesOf).toEqual(["getChat", "checkImessage", "checkImessage"])

      yield* fake.clearJournal
      const applied = yield* syncParticipants(C.iMessageGroup, desired)
      expect(applied.complete).toBe(true)
      const routes = yield* routesOf
      expect(routes.lastIndexOf("add")).toBeLessThan(routes.indexOf("remove"))
      expect([...(yield* fake.participants(C.iMessageGroup))].sort()).toEqual([...desired].sort())

      yield* fake.clearJournal
      const again = yield* syncParticipants(C.iMessageGroup, desired)
      expect(again.plan.add).toEqual([])
      expect(again.plan.remove).toEqual([])
      expect(yield* routesOf).toEqual(["getChat"])
    }).pipe(Effect.provide(inProcess({ queueDelay: 0 })))
  )

  it.effect("refused before sending: an RCS-only newcomer in the iMessage group", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(syncParticipants(C.iMessageGroup, [...desired, H.rcsOnly]))
      expect(error).toMatchObject({ _tag: "CrossServiceAddition", handle: H.rcsOnly })
      expect((yield* routesOf).filter((r) => r === "add" || r === "remove")).toEqual([])
    }).pipe(Effect.provide(inProcess()))
  )

  it.effect("with the fake's queue delay: waits until the chat shows the members (TestClock)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const fiber = yield* Effect.forkChild(
        syncParticipants(C.iMessageGroup, desired, { wait: "30 seconds" })
      )
      // Let the adds go out and the polls begin, then let the queue apply them.
      for (let i = 0; i < 20 && fiber.pollUnsafe() === undefined; i++) {
        yield* TestClock.adjust("1 second")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
      }
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ complete: true, confirmed: true })
      expect([...(yield* fake.participants(C.iMessageGroup))].sort()).toEqual([...desired].sort())
      const routes = yield* routesOf
      // The removals went out only after a read showed the newcomers.
      expect(routes[routes.indexOf("remove") - 1]).toBe("getChat")
    }).pipe(Effect.provide(inProcess({ queueDelay: "3 seconds" })))
  )

  it.effect("a queue slower than the wait: MembershipPending, and no removal sent", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, desired, { wait: "5 seconds" }))
      for (let i = 0; i < 20 && fiber.pollUnsafe() === undefined; i++) {
        yield* TestClock.adjust("1 second")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
      }
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({
        _tag: "MembershipPending",
        chatId: C.iMessageGroup,
        missing: [H.newcomer, H.iMessageCapable],
        unexpected: [H.carol, H.dave]
      })
      expect(yield* routesOf).not.toContain("remove")
    }).pipe(Effect.provide(inProcess({ queueDelay: "1 minute" })))
  )
})

for (const transport of transports) {
  describe(`sync over loopback with ${transport.name}`, () => {
    it.live("applied with a short queue delay and a wait, then a no-op re-run", () =>
      Effect.gen(function* () {
        const { fake, sdk } = yield* start({ fake: { queueDelay: "50 millis" } })
        const desired = [H.alice, H.bob, H.newcomer]
        const result = yield* sdk(syncParticipants(C.iMessageGroup, desired, { wait: "10 seconds" }))
        expect(result).toMatchObject({ complete: true, confirmed: true })
        expect([...(yield* fake.participants(C.iMessageGroup))].sort()).toEqual([...desired].sort())
        yield* fake.clearJournal
        yield* sdk(syncParticipants(C.iMessageGroup, desired))
        expect((yield* fake.journal).map((e) => e.route)).toEqual(["getChat"])
      }).pipe(Effect.provide(transport.layer))
    )

    it.live("reads that fail during the wait are retried on its schedule: removals sent, confirmed", () =>
      Effect.gen(function* () {
        const { fake, sdk } = yield* start({ fake: { queueDelay: "30 millis" }, client: { maxRetries: 0 } })
        // The planning read passes; the next two reads answer 503.
        yield* fake.inject(Fault.delay("0 millis"), { route: "getChat" })
        yield* fake.inject(Fault.status(503), { route: "getChat", times: 2 })
        const desired = [H.alice, H.bob, H.newcomer, H.iMessageCapable]
        const result = yield* sdk(syncParticipants(C.iMessageGroup, desired, { wait: "5 seconds" }))
        expect(result).toMatchObject({ complete: true, confirmed: true })
        const journal = yield* fake.journal
        const refused = journal.filter(
          (e) => e.route === "getChat" && e.outcome._tag === "Responded" && e.outcome.status === 503
        )
        expect(refused).toHaveLength(2)
        expect(journal.filter((e) => e.route === "remove")).toHaveLength(2)
        const members = yield* fake.participants(C.iMessageGroup)
        expect(members).toEqual(expect.arrayContaining(desired))
        expect(members).not.toContain(H.carol)
      }).pipe(Effect.provide(transport.layer))
    )

    it.live("a read slower than the wait is cut at the deadline, not retried: MembershipPending", () =>
      Effect.gen(function* () {
        // The layer's defaults: a 60 s timeout and 2 retries per call.
        const { fake, sdk } = yield* start({ fake: { queueDelay: "1 minute" } })
        yield* fake.inject(Fault.delay("0 millis"), { route: "getChat" })
        yield* fake.inject(Fault.delay("20 seconds"), { route: "getChat", times: "always" })
        const error = yield* Effect.flip(
          sdk(syncParticipants(C.iMessageGroup, [H.alice, H.bob, H.carol], { wait: "600 millis" }))
        )
        expect(error).toMatchObject({
          _tag: "MembershipPending",
          sent: [H.dave],
          notSent: [],
          unexpected: [H.dave],
          seen: false
        })
        expect(error._tag === "MembershipPending" && error.readError?._tag).toBe("RequestTimeout")
        // The planning read and one poll (started at 250 ms, cut at 600 ms): no retry, no other read.
        expect((yield* fake.journal).filter((e) => e.route === "getChat")).toHaveLength(2)
      }).pipe(Effect.provide(transport.layer))
    )
  })
}

/** Issue 13, #1 and #11, against the fake: the chat's state decides, and the diagnosis is one bounded read. */
describe("diagnose: the state decides, one bounded read", () => {
  /** The SDK with the client's usual retries over an in-process FakeLinq that applies changes at once. */
  const retrying = (options: FakeLinqOptions = {}) =>
    LinqHttpClient.layer({ apiKey: "test", maxRetries: 2, timeout: "1 hour" }).pipe(
      Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0, ...options }))
    )
  /** Runs `effect` forked, moving the test clock until it ends (retry waits). */
  const settled = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(Effect.result(effect))
      for (let i = 0; i < 200 && fiber.pollUnsafe() === undefined; i++) {
        yield* TestClock.adjust("1 second")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
      }
      return yield* Fiber.join(fiber)
    })
  const IN_PROGRESS = [
    "Another change to this chat is already in progress; try again",
    "Another change to this chat is already in progress",
    "Change already in the queue for this chat"
  ]
  const busy = (message: string) => Fault.status(409, { code: 1005, message })

  for (const message of IN_PROGRESS) {
    it.effect(`a 409 ${JSON.stringify(message)} on an add is retried; the retry adds the newcomer`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.inject(busy(message), { route: "add", times: 1 })
        const result = yield* settled(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
        expect(Result.isSuccess(result)).toBe(true)
        expect(yield* routesOf).toEqual(["add", "add"])
        expect(yield* fake.participants(C.iMessageGroup)).toContain(H.newcomer)
      }).pipe(Effect.provide(retrying()))
    )

    it.effect(`a 409 ${JSON.stringify(message)} every time: ApiError after the retries and one read`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.inject(busy(message), { route: "add", times: "always" })
        const result = yield* settled(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
        expect(result).toMatchObject({ _tag: "Failure", failure: { _tag: "ApiError", status: 409, message } })
        // Retried as a 409 is, then one diagnosis (the chat, and the newcomer's iMessage) finds no rule.
        expect(yield* routesOf).toEqual(["add", "add", "add", "getChat", "checkImessage"])
        // In "server" mode too, it is no rule.
        yield* fake.clearJournal
        const server = yield* settled(
          addParticipant(C.iMessageGroup, { handle: H.newcomer }, { rules: "server" })
        )
        expect(server).toMatchObject({ _tag: "Failure", failure: { _tag: "ApiError", status: 409 } })
        expect(yield* routesOf).toEqual(["add", "add", "add"])
      }).pipe(Effect.provide(retrying()))
    )

    it.effect(`a sync whose add meets 409 ${JSON.stringify(message)} every time is not complete`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.inject(busy(message), { route: "add", times: "always" })
        const desired = [H.alice, H.bob, H.carol, H.dave, H.newcomer]
        const result = yield* settled(syncParticipants(C.iMessageGroup, desired))
        expect(result._tag).toBe("Success")
        if (result._tag !== "Success") return
        expect(result.success.complete).toBe(false)
        expect(result.success.added).toMatchObject([
          {
            handle: H.newcomer,
            done: false,
            result: { _tag: "Failure", failure: { _tag: "ApiError", status: 409 } }
          }
        ])
        expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
      }).pipe(Effect.provide(retrying()))
    )

    it.effect(`a sync whose add meets 409 ${JSON.stringify(message)} once: the retry adds, complete`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.inject(busy(message), { route: "add", times: 1 })
        const desired = [H.alice, H.bob, H.carol, H.dave, H.newcomer]
        const result = yield* settled(syncParticipants(C.iMessageGroup, desired))
        expect(result).toMatchObject({ _tag: "Success", success: { complete: true } })
        expect(yield* fake.participants(C.iMessageGroup)).toContain(H.newcomer)
      }).pipe(Effect.provide(retrying()))
    )
  }

  const WAIT = [
    "Please wait at least 3 seconds between changes to this chat",
    "wait at least 3 seconds",
    "Rejected after at least 3 attempts"
  ]
  for (const message of WAIT) {
    for (const status of [400, 422]) {
      it.effect(`a ${status} ${JSON.stringify(message)} removing from a group of 4: InvalidRequest`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          for (const rules of ["diagnose", "server"] as const) {
            yield* fake.clearJournal
            yield* fake.inject(Fault.status(status, { code: undefined, message }), { route: "remove" })
            const error = yield* Effect.flip(removeParticipant(C.iMessageGroup, { handle: H.bob }, { rules }))
            expect(error).toMatchObject({ _tag: "InvalidRequest", status, message })
            expect(yield* routesOf).toEqual(rules === "diagnose" ? ["remove", "getChat"] : ["remove"])
          }
          // The state shows the rule in a group of 3: still TooFewParticipants.
          yield* fake.clearJournal
          yield* fake.inject(Fault.status(status, { code: undefined, message }), { route: "remove" })
          const few = yield* Effect.flip(removeParticipant(C.smallGroup, { handle: H.bob }))
          expect(few).toMatchObject({ _tag: "TooFewParticipants", status })
          expect(yield* routesOf).toEqual(["remove", "getChat"])
        }).pipe(Effect.provide(retrying()))
      )
    }
  }

  const vague = {
    violations: { TooFewParticipants: { status: 400, code: undefined, message: "Bad request" } }
  }

  for (const read of [Fault.status(500), Fault.status(503), Fault.html(502), Fault.disconnect]) {
    it.effect(
      `a vague 400, the chat read answering ${read._tag === "Respond" ? read.status : read._tag}: POST then one GET`,
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* fake.inject(read, { route: "getChat", times: "always" })
          const result = yield* settled(removeParticipant(C.smallGroup, { handle: H.bob }))
          expect(result).toMatchObject({
            _tag: "Failure",
            failure: { _tag: "InvalidRequest", message: "Bad request" }
          })
          expect(yield* routesOf).toEqual(["remove", "getChat"])
        }).pipe(Effect.provide(retrying(vague)))
    )
  }

  for (const [delay, timeout, budget] of [
    ["3 seconds", "1 second", 1000],
    ["3 seconds", undefined, 2000],
    ["1 minute", "700 millis", 700]
  ] as const) {
    it.effect(
      `a chat read taking ${delay}, timeout ${timeout ?? "the client's"}: the refusal at ${budget} ms`,
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* fake.inject(Fault.delay(delay), { route: "getChat", times: "always" })
          const fiber = yield* Effect.forkChild(
            Effect.flip(
              removeParticipant(C.smallGroup, { handle: H.bob }, timeout === undefined ? {} : { timeout })
            )
          )
          const breathe = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
          yield* breathe
          yield* TestClock.adjust(budget - 1)
          yield* breathe
          expect(fiber.pollUnsafe()).toBeUndefined()
          yield* TestClock.adjust(1)
          yield* breathe
          expect(fiber.pollUnsafe()).toBeDefined()
          expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "InvalidRequest", message: "Bad request" })
          expect(yield* routesOf).toEqual(["remove", "getChat"])
        }).pipe(Effect.provide(retrying(vague)))
    )
  }
})
