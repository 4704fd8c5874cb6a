/**
 * What the membership example shows, checked: the batch's outcomes in input
 * order, a sync that plans, applies and then has nothing to send, and the
 * three rule modes on a refusal whose text says nothing useful.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Effect, Result, Layer } from "effect"
import { batch, batchHandles, queueing, ruleModes, saysNothing, sync, syncDesired } from "./membership.js"

const against = (options: typeof queueing | typeof saysNothing) =>
  LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
    Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, options))
  )

const C = FakeLinq.chats
const H = FakeLinq.handles

describe("membership example", () => {
  it.live(
    "the batch: one outcome per input handle, in input order; the duplicate sent once, the invalid one never",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const { outcomes, routes } = yield* batch(fake, C.rcsGroup, batchHandles)
        expect(outcomes.map((o) => o.handle)).toEqual(batchHandles)
        expect(
          outcomes.map((o) =>
            Result.match(o.result, { onFailure: (e) => e._tag, onSuccess: () => "accepted" })
          )
        ).toEqual([
          "accepted",
          "InvalidHandle",
          "CrossServiceAddition",
          "accepted",
          "ParticipantAlreadyInChat"
        ])
        const adds = (yield* fake.journal).filter((e) => e.route === "add").map((e) => e.json)
        expect(adds).toHaveLength(3)
        expect(adds).toEqual(
          expect.arrayContaining([{ handle: H.newcomer }, { handle: H.iMessageCapable }, { handle: H.frank }])
        )
        expect(routes.filter((r) => r === "add")).toHaveLength(3)
      }).pipe(Effect.provide(against(queueing)))
  )

  it.live(
    "the sync: the dry run sends nothing, the applied run reaches the wanted members, the re-run sends nothing",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const { dryRun, applied, rerun } = yield* sync(fake, C.iMessageGroup, syncDesired)
        const preview = Result.getOrThrow(dryRun.result)
        expect(preview.plan.add).toEqual([H.newcomer, H.iMessageCapable])
        expect(preview.plan.remove).toEqual([H.carol, H.dave])
        expect(dryRun.routes.filter((r) => r === "add" || r === "remove")).toEqual([])

        expect(Result.getOrThrow(applied.result)).toMatchObject({ complete: true, confirmed: true })
        expect([...(yield* fake.participants(C.iMessageGroup))].sort()).toEqual([...syncDesired].sort())

        const again = Result.getOrThrow(rerun.result)
        expect(again.plan.add).toEqual([])
        expect(again.plan.remove).toEqual([])
        expect(rerun.routes).toEqual(["getChat"])
      }).pipe(Effect.provide(against(queueing)))
  )

  it.live(
    'the rule modes on "Bad request": server guesses nothing, diagnose reads the chat, preflight sends no change',
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const runs = yield* ruleModes(fake, C.smallGroup, H.alice)
        expect(runs).toEqual([
          { rules: "server", tag: "InvalidRequest", routes: ["remove"] },
          { rules: "diagnose", tag: "TooFewParticipants", routes: ["remove", "getChat"] },
          { rules: "preflight", tag: "TooFewParticipants", routes: ["getChat"] }
        ])
        // Nobody left the group of 3: the server refused, preflight never asked.
        expect(yield* fake.participants(C.smallGroup)).toContain(H.alice)
      }).pipe(Effect.provide(against(saysNothing)))
  )
})
