/**
 * This SDK as a bench client: one `ManagedRuntime` built once from the layers,
 * then `runtime.runPromise(addParticipant(...))` per call, the way a Promise-land
 * caller (or an HTTP handler) would use it.
 *
 * The bench does not import this module directly: sdk-build.ts compiles it
 * with the SDK's sources (as `tsc` would emit them) and loads that, so that
 * the dev-time `tsx` transform is not measured. See sdk-build.ts.
 */
import { addParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { Layer, ManagedRuntime } from "effect"
import type { BenchClient } from "./clients.js"
import { API_KEY, CHAT_ID, HANDLE } from "./shared.js"
import { type Transport, type TransportOptions, asksForGzip, transportLayer } from "./transport.js"

export type { Transport, TransportOptions } from "./transport.js"

/** The SDK's layer over the chosen transport, retries off (as for the official SDK). */
export const linqLayer = (baseUrl: string, transport: Transport, options: TransportOptions) =>
  LinqHttpClient.layer({ apiKey: API_KEY, baseUrl, maxRetries: 0 }).pipe(
    Layer.provide(transportLayer(transport, options))
  )

/** The SDK as a bench client: a runtime built once; every call goes through it. */
export const linqEffect = (baseUrl: string, transport: Transport, options: TransportOptions): BenchClient => {
  const runtime = ManagedRuntime.make(linqLayer(baseUrl, transport, options))
  return {
    id: transport === "fetch" ? "effect-fetch" : "effect-undici",
    asksForGzip: asksForGzip(transport, options),
    label: `linq-effect (${transport === "fetch" ? "FetchHttpClient" : "layerUndici"})`,
    call: () => runtime.runPromise(addParticipant(CHAT_ID, { handle: HANDLE })),
    close: () => runtime.dispose()
  }
}
