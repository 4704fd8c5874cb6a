/**
 * Helpers of the tests written against FakeLinq: what the fake received.
 */
import { FakeLinq } from "@linq-effect/testing"
import { Effect } from "effect"

/** Each request the fake received since the last look, as `route` or `route chatId`; the journal cleared. */
export const requestsSent = Effect.gen(function* () {
  const fake = yield* FakeLinq
  const entries = yield* fake.journal
  yield* fake.clearJournal
  return entries.map((e) => (e.chatId === undefined ? e.route : `${e.route} ${e.chatId}`))
})
