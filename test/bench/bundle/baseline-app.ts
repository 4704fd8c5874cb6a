/**
 * Bundle-size app, the floor: the same job as sdk-app.ts written by hand with
 * effect 4.1 alone (`effect/http`: FetchHttpClient, HttpClientRequest,
 * a Schema decode of the answer). No validation of the inputs, no typed error
 * mapping, no timeout or retries: what any Effect SDK for this API stands on.
 * Bundled and minified by ../bundle.ts; never run by the bench.
 */
import { Console, Effect, flow, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"

const BASE_URL = "https://api.linqapp.com/api/partner"
const CHAT_ID = "550e8400-e29b-41d4-a716-446655440000"
const HANDLE = "+12223334444"

const Queued = Schema.Struct({
  message: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  trace_id: Schema.optional(Schema.String)
})
const decodeQueued = HttpClientResponse.schemaBodyJson(Queued)

const program = Effect.gen(function* () {
  const client = (yield* HttpClient.HttpClient).pipe(
    HttpClient.mapRequest(
      flow(
        HttpClientRequest.prependUrl(BASE_URL),
        HttpClientRequest.bearerToken("app-key"),
        HttpClientRequest.acceptJson
      )
    ),
    HttpClient.filterStatusOk
  )
  const participants = (method: "POST" | "DELETE", chatId: string, handle: string) =>
    HttpClientRequest.make(method)(`/v3/chats/${encodeURIComponent(chatId)}/participants`).pipe(
      HttpClientRequest.bodyJson({ handle }),
      Effect.flatMap(client.execute),
      Effect.flatMap(decodeQueued)
    )

  const added = yield* participants("POST", CHAT_ID, HANDLE)
  yield* Console.log("added", added.status, added.trace_id)
  const removed = yield* participants("DELETE", CHAT_ID, HANDLE)
  yield* Console.log("removed", removed.status, removed.trace_id)
})

void Effect.runPromise(program.pipe(Effect.provide(FetchHttpClient.layer)))
