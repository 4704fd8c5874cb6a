/**
 * What the people example shows, checked: the listing, an offboarding whose
 * dry run sends only the listing and whose application removes bob from the
 * group of 4 alone, a run again that sends nothing, an onboarding with one
 * capability check per service, and the leave's rule.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Effect, Layer } from "effect"
import { leaveChats, leaving, listing, offboarding, onboardChats, onboarding, QUEUE_DELAY } from "./people.js"

const C = FakeLinq.chats
const H = FakeLinq.handles

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: QUEUE_DELAY }))
)

describe("people example", () => {
  it.live(
    "lists, offboards (dry run, applied, again), onboards and leaves, with the requests each sent",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const listed = yield* listing(fake)
        expect(listed.chats.map((c) => c.id)).toEqual([C.iMessageGroup, C.smallGroup, C.directMessage])
        expect(listed.routes).toEqual(["listChats", "listChats"])

        const { dryRun, applied, again } = yield* offboarding(fake)
        expect(dryRun.routes).toEqual(["listChats"])
        expect(dryRun.result.chats.map((c) => c.plan)).toEqual(["remove", "keptBack", "notAGroup"])
        expect(applied.routes.slice(0, 2)).toEqual(["listChats", "remove"])
        // The confirmation's reads, until the chat showed the removal.
        expect(applied.routes.slice(2).every((r) => r === "getChat")).toBe(true)
        expect(applied.result).toMatchObject({ summary: { sent: 1, accepted: 1 }, confirmed: true })
        expect(again.routes).toEqual(["listChats"])
        expect(again.result.chats.map((c) => c.plan)).toEqual(["alreadyGone", "keptBack", "notAGroup"])
        expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.bob)
        expect(yield* fake.participants(C.smallGroup)).toContain(H.bob)

        const onboarded = yield* onboarding(fake)
        expect(onboarded.result.chats.map((c) => c.plan)).toEqual([
          "add",
          "add",
          "keptBack",
          "add",
          "notAGroup"
        ])
        expect(onboarded.routes.filter((r) => r.startsWith("check"))).toEqual(["checkImessage", "checkRcs"])
        expect(onboarded.routes.filter((r) => r === "getChat")).toHaveLength(onboardChats.length)
        expect(onboarded.routes.filter((r) => r === "add")).toHaveLength(3)

        const left = yield* leaving(fake)
        expect(left.map((l) => [l.chatId, l.tag, l.routes])).toEqual([
          [leaveChats[0], "accepted", ["getChat", "leave"]],
          [leaveChats[1], "NotAnIMessageGroup", ["getChat"]],
          [leaveChats[2], "NotAGroupChat", ["getChat"]]
        ])
      }).pipe(Effect.provide(TestLinq))
  )
})
