/**
 * Bundle-size app, this SDK: add then remove a participant over `fetch`.
 * Bundled and minified by ../bundle.ts; never run by the bench.
 */
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { Console, Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"

const CHAT_ID = "550e8400-e29b-41d4-a716-446655440000"
const HANDLE = "+12223334444"

const program = Effect.gen(function* () {
  const added = yield* addParticipant(CHAT_ID, { handle: HANDLE })
  yield* Console.log("added", added.status, added.trace_id)
  const removed = yield* removeParticipant(CHAT_ID, { handle: HANDLE })
  yield* Console.log("removed", removed.status, removed.trace_id)
})

const LinqLive = LinqHttpClient.layer({ apiKey: "app-key" }).pipe(Layer.provide(FetchHttpClient.layer))

void Effect.runPromise(program.pipe(Effect.provide(LinqLive)))
