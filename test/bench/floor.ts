/**
 * The floor an Effect SDK stands on, as a bench client: the same call written
 * by hand with `effect` 4.1 alone (its `effect/http` client: base URL, bearer
 * token, `Accept`, status check, a Schema decode of the answer), no input
 * validation, typed error mapping, timeout, retries or span of its own. It is
 * the job bundle/baseline-app.ts does, over the same transports as this SDK
 * (transport.ts, the same set-up for a gzipped answer).
 *
 * Compiled with linq-effect.ts (see sdk-build.ts), so both pay the same.
 */
import { Context, Effect, flow, Layer, ManagedRuntime, Schema } from "effect"
import { HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"
import type { BenchClient } from "./clients.js"
import { ADD_PATH, API_KEY, HANDLE } from "./shared.js"
import { type Transport, type TransportOptions, asksForGzip, transportLayer } from "./transport.js"

const Queued = Schema.Struct({
  message: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  trace_id: Schema.optional(Schema.String)
})
const decodeQueued = HttpClientResponse.schemaBodyJson(Queued)

class Api extends Context.Service<Api, HttpClient.HttpClient>()("bench/Floor/Api") {}

const apiLayer = (baseUrl: string) =>
  Layer.effect(
    Api,
    Effect.map(HttpClient.HttpClient, (client) =>
      client.pipe(
        HttpClient.mapRequest(
          flow(
            HttpClientRequest.prependUrl(baseUrl),
            HttpClientRequest.bearerToken(API_KEY),
            HttpClientRequest.acceptJson
          )
        ),
        HttpClient.filterStatusOk
      )
    )
  )

export const floor = (baseUrl: string, transport: Transport, options: TransportOptions): BenchClient => {
  const runtime = ManagedRuntime.make(
    apiLayer(baseUrl).pipe(Layer.provide(transportLayer(transport, options)))
  )
  const add = Effect.flatMap(Api, (api) =>
    HttpClientRequest.post(ADD_PATH).pipe(
      HttpClientRequest.bodyJsonUnsafe({ handle: HANDLE }),
      api.execute,
      Effect.flatMap(decodeQueued)
    )
  )
  return {
    id: transport === "fetch" ? "floor-fetch" : "floor-undici",
    asksForGzip: asksForGzip(transport, options),
    label: `effect/http by hand (${transport === "fetch" ? "FetchHttpClient" : "layerUndici"})`,
    call: () => runtime.runPromise(add),
    close: () => runtime.dispose()
  }
}
