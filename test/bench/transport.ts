/**
 * The `HttpClient` layers the Effect clients of the bench (this SDK and the
 * hand-written `effect/http` floor) run over, the way a user would set
 * them up, with or without asking for compressed answers.
 *
 * - `fetch`: `FetchHttpClient.layer`. `fetch` always sends
 *   `accept-encoding: gzip, deflate, br` (zstd too on newer Node) and
 *   decompresses by itself, keeping `Content-Encoding` and the compressed
 *   `Content-Length` on the response; nothing to set up.
 * - `undici`: `NodeHttpClient.layerUndici` (undici 8), which sends no
 *   `accept-encoding` and hands the body over as it came (compressed bytes
 *   would fail to parse). With `gzip`, the dispatcher is an undici `Agent`
 *   composed with undici's `decompress` interceptor (which drops
 *   `Content-Encoding` and `Content-Length` from the headers it passes on, so
 *   the answer reaches the client as one without a length), and every request
 *   gets `accept-encoding: gzip` through `HttpClient.mapRequest`.
 *
 * Compiled with linq-effect.ts (see sdk-build.ts).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Agent, interceptors } from "@effect/platform-node/Undici"
import { Effect, Layer } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"

export type Transport = "fetch" | "undici"

/** What the transport is asked for: `gzip` only matters over undici (fetch always asks). */
export interface TransportOptions {
  readonly gzip: boolean
}

/** An undici `Agent` that decompresses, closed with the layer. */
const decompressingDispatcher = Layer.effect(
  NodeHttpClient.Dispatcher,
  Effect.acquireRelease(
    Effect.sync(() => new Agent().compose(interceptors.decompress())),
    (dispatcher) => Effect.promise(() => dispatcher.close())
  )
)

/** Every request asks for a gzipped answer. */
const askForGzip = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(
    HttpClient.HttpClient,
    HttpClient.mapRequest(HttpClientRequest.setHeader("accept-encoding", "gzip"))
  )
)

/** The `HttpClient` over `transport`, decompressing over undici when `gzip` is asked. */
export const transportLayer = (
  transport: Transport,
  options: TransportOptions
): Layer.Layer<HttpClient.HttpClient> => {
  if (transport === "fetch") return FetchHttpClient.layer
  if (!options.gzip) return NodeHttpClient.layerUndici
  return askForGzip.pipe(
    Layer.provide(NodeHttpClient.layerUndiciNoDispatcher),
    Layer.provide(decompressingDispatcher)
  )
}

/** Whether a client over `transport` asks for (and can read) a gzipped answer. */
export const asksForGzip = (transport: Transport, options: TransportOptions): boolean =>
  transport === "fetch" || options.gzip
