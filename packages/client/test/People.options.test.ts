/**
 * A bad per-call option (timeout, maxRetries, headers) on the operations on
 * one person is `InvalidOption` for the whole call, and nothing is sent:
 * never a failed page, an "unchecked" chat or a defect.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Effect, Layer, Stream } from "effect"
import { chatsOf, leaveChat, listChats, offboardParticipant, onboardParticipant } from "../src/index.js"
import { requestsSent } from "./fake.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key" }).pipe(Layer.provideMerge(FakeLinq.layer()))

describe("a bad per-call option is InvalidOption, and nothing is sent", () => {
  for (const [name, options, option] of [
    ["timeout: -1", { timeout: -1 }, "timeout"],
    ["maxRetries: NaN", { maxRetries: Number.NaN }, "maxRetries"],
    ["a header with a line break", { headers: { "x-request-id": "a\nb" } }, "headers"]
  ] as const) {
    it.effect(name, () =>
      Effect.gen(function* () {
        const errors = [
          yield* Effect.flip(Stream.runDrain(listChats(options))),
          yield* Effect.flip(Stream.runDrain(chatsOf(H.bob, options))),
          yield* Effect.flip(offboardParticipant(H.bob, options)),
          yield* Effect.flip(onboardParticipant(H.newcomer, [C.iMessageGroup, C.smsGroup], options)),
          yield* Effect.flip(leaveChat(C.iMessageGroup, options))
        ]
        expect(errors.map((e) => [e._tag, "option" in e ? e.option : undefined])).toEqual(
          Array(5).fill(["InvalidOption", option])
        )
        expect(yield* requestsSent).toEqual([])
      }).pipe(Effect.provide(TestLinq))
    )
  }
})
