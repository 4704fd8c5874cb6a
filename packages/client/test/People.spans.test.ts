/**
 * The spans of the operations on one person: each runs in an internal span
 * of its own, the parent of its calls' client spans, with counts and no
 * handle or chat id.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Effect, Layer, Stream } from "effect"
import { captureSpans } from "../../http/test/testkit.js"
import { chatsOf, leaveChat, offboardParticipant, onboardParticipant } from "../src/index.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer())
)

describe("spans of listChats, offboardParticipant, onboardParticipant, leaveChat", () => {
  it.effect(
    "one internal span per operation, above its calls' client spans; counts, never a handle or chat id",
    () => {
      const spans = captureSpans()
      return Effect.gen(function* () {
        yield* offboardParticipant(H.bob)
        yield* onboardParticipant(H.newcomer, [C.rcsGroup, C.smsGroup], { dryRun: true })
        yield* Stream.runDrain(chatsOf(H.carol))
        // On a fake of its own: bob's removal above, still queued, leaves the group too small to leave.
        yield* leaveChat(C.iMessageGroup).pipe(
          Effect.provide(LinqHttpClient.layer({ apiKey: "other" }).pipe(Layer.provideMerge(FakeLinq.layer())))
        )
        const byName = (name: string) => spans.spans.filter((s) => s.name === name)
        const [offboard] = byName("Linq offboardParticipant")
        expect(offboard?.kind).toBe("internal")
        expect(Object.fromEntries(offboard?.attributes ?? [])).toEqual({
          "linq.chats": 3,
          "linq.changes_sent": 1,
          "linq.changes_failed": 0,
          "linq.dry_run": false
        })
        const [onboard] = byName("Linq onboardParticipant")
        expect(Object.fromEntries(onboard?.attributes ?? [])).toMatchObject({
          "linq.chats": 2,
          "linq.dry_run": true
        })
        expect(byName("Linq listChats")).toHaveLength(2)
        expect(byName("Linq leaveChat")).toHaveLength(1)
        // The offboarding's listing and removal are its children.
        const children = spans.spans.filter(
          (s) => s.parent._tag === "Some" && s.parent.value.spanId === offboard?.spanId
        )
        expect(children.map((s) => s.name)).toEqual([
          "Linq listChats",
          "Linq DELETE /v3/chats/{chatId}/participants"
        ])
        const [listing] = children
        const pages = spans.spans.filter(
          (s) => s.parent._tag === "Some" && s.parent.value.spanId === listing?.spanId
        )
        expect(pages.map((s) => s.name)).toEqual(["Linq GET /v3/chats"])
        for (const line of spans.dump()) {
          for (const secret of [H.bob, H.newcomer, H.carol, C.iMessageGroup, C.rcsGroup])
            expect(line).not.toContain(secret)
        }
      }).pipe(Effect.provide(TestLinq), Effect.provide(spans.layer))
    }
  )
})
