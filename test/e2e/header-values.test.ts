/**
 * Header values over the real transports: what `fetch` and undici can carry
 * (tab, space, visible ASCII, Latin-1) reaches the server as given; what they
 * refuse (a character above U+00FF, DEL, a control character) is refused by
 * the SDK before anything is sent, on a layer's `headers` and on a call's,
 * instead of every call failing as a retryable `ConnectionError`.
 */
import { expect, layer } from "@effect/vitest"
import { addParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Cause, Effect, Exit } from "effect"
import { start, TOKEN, transports } from "./harness.js"

const C = FakeLinq.chats
const H = FakeLinq.handles

const carried = ["café", "Zürich team", "a\tb", "ÿ~!", "plain-ascii_1.2"]
const refused = ["Жена", "ok 😀", "a\u007fb", "a\u0001b", "東京"]

for (const transport of transports) {
  layer(transport.layer, { excludeTestServices: true })(`header values over ${transport.name}`, (it) => {
    for (const value of carried) {
      it.effect(`${JSON.stringify(value)} is sent as given, on the layer and on the call`, () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({
            client: { headers: { "X-Team": value } },
            fake: { queueDelay: 0 }
          })
          yield* sdk(
            addParticipant(C.iMessageGroup, { handle: H.newcomer }, { headers: { "X-Call": value } })
          )
          const [entry] = yield* fake.journal
          expect(entry?.headers["x-team"]).toBe(value)
          expect(entry?.headers["x-call"]).toBe(value)
        })
      )
    }

    for (const value of refused) {
      it.effect(`${JSON.stringify(value)} on the layer fails the layer's build, sending nothing`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
          const exit = yield* Effect.exit(
            LinqHttpClient.make({ apiKey: TOKEN, baseUrl: fake.baseUrl, headers: { "X-Team": value } })
          )
          expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
          if (Exit.isFailure(exit))
            expect(Cause.pretty(exit.cause)).toMatch(/header X-Team must be text a header can carry/)
          expect(yield* fake.journal).toHaveLength(0)
        })
      )

      it.effect(`${JSON.stringify(value)} on a call is refused before sending, once`, () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          const error = yield* Effect.flip(
            sdk(addParticipant(C.iMessageGroup, { handle: H.newcomer }, { headers: { "X-Call": value } }))
          )
          expect(error._tag).toBe("InvalidOption")
          if (error._tag === "InvalidOption") {
            expect(error.option).toBe("headers")
            expect(error.reason).toMatch(/header X-Call must be text a header can carry/)
          }
          expect(yield* fake.journal).toHaveLength(0)
        })
      )
    }
  })
}
