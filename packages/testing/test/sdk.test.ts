/**
 * The fake's answers through the real SDK stack: every rule violation comes
 * back as its tagged error; a client without the base path gets a 404.
 */
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { describe, expect, it } from "@effect/vitest"
import { HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { Context, Effect, Layer } from "effect"
import { FakeLinq } from "../src/index.js"

const TestLinq = LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer())
)
const C = FakeLinq.chats
const H = FakeLinq.handles

describe("rule violations through @linq-effect/client", () => {
  const cases = [
    ["add", C.directMessage, H.newcomer, "NotAGroupChat", 400, 1006],
    ["remove", C.directMessage, H.bob, "NotAGroupChat", 400, 1006],
    ["add", C.iMessageGroup, H.rcsOnly, "CrossServiceAddition", 400, 1005],
    ["add", C.rcsGroup, H.iMessageCapable, "CrossServiceAddition", 400, 1005],
    ["remove", C.smallGroup, H.alice, "TooFewParticipants", 400, 1005],
    ["add", C.iMessageGroup, H.alice, "ParticipantAlreadyInChat", 409, 1005],
    ["remove", C.iMessageGroup, H.newcomer, "ParticipantNotInChat", 400, 1005],
    ["add", C.missing, H.newcomer, "ChatNotFound", 404, 2001]
  ] as const

  for (const [op, chatId, handle, tag, status, code] of cases) {
    it.effect(`${op} ${handle} in ${chatId} → ${tag}`, () =>
      Effect.gen(function* () {
        const error =
          op === "add"
            ? yield* Effect.flip(addParticipant(chatId, { handle }))
            : yield* Effect.flip(removeParticipant(chatId, { handle }))
        expect(error._tag).toBe(tag)
        expect(error).toMatchObject({ status, code })
      }).pipe(Effect.provide(TestLinq))
    )
  }

  it.effect("a wrong key is Unauthorized", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
      expect(error._tag).toBe("Unauthorized")
    }).pipe(
      Effect.provide(
        LinqHttpClient.layer({ apiKey: "wrong" }).pipe(
          Layer.provide(FakeLinq.layer(FakeLinq.defaultSeed, { apiKey: "right" }))
        )
      )
    )
  )
})

describe("the base path is enforced, as on Linq", () => {
  for (const baseUrl of [
    "https://api.linqapp.com",
    "https://api.linqapp.com/api",
    "https://api.linqapp.com/partner"
  ]) {
    it.effect(`a client configured with ${baseUrl} gets a 404 (ChatNotFound), and nothing changes`, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
        expect(error._tag).toBe("ChatNotFound")
        expect(error).toMatchObject({ status: 404 })
        const fake = yield* FakeLinq
        expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
        expect((yield* fake.journal).map((e) => [e.route, e.outcome])).toEqual([
          ["unknown", { _tag: "Responded", status: 404 }]
        ])
      }).pipe(
        Effect.provide(
          LinqHttpClient.layer({ apiKey: "test", maxRetries: 0, baseUrl }).pipe(
            Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 }))
          )
        )
      )
    )
  }
})

describe("the base path is enforced over real HTTP too", () => {
  it.live("a client aimed at the served fake's origin (no /api/partner) gets ChatNotFound (404)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
      const platform = Context.get(yield* Layer.build(NodeHttpClient.layerUndici), HttpClient.HttpClient)
      const linq = yield* LinqHttpClient.make({ apiKey: "test", maxRetries: 0, baseUrl: fake.origin }).pipe(
        Effect.provideService(HttpClient.HttpClient, platform)
      )
      const error = yield* Effect.flip(
        Effect.provideService(addParticipant(C.iMessageGroup, { handle: H.newcomer }), LinqHttpClient, linq)
      )
      expect(error).toMatchObject({ _tag: "ChatNotFound", status: 404 })
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
      expect((yield* fake.journal).map((e) => [e.route, e.path])).toEqual([
        ["unknown", `/v3/chats/${C.iMessageGroup}/participants`]
      ])
    })
  )
})
