/**
 * Where a platform response keeps its body, transport by transport. The
 * platform's responses keep what the transport gave them as `source` (behind
 * the `original` of the platform's interruptible wrapper):
 * - `fetch` (`FetchHttpClient`, `HttpClientResponse.fromWeb`): a web
 *   `Response`, whose `body` is a `ReadableStream` (null for a 204);
 * - undici (`NodeHttpClient.layerUndici`): `{ body }`, a Node `Readable`;
 * - `node:http` (`NodeHttpClient.layer`): the `IncomingMessage` itself.
 * Only own properties are followed: a response a user's client rebuilt or
 * wrapped (say, with a `stream` of its own) is unknown, and read through its
 * own API.
 *
 * @internal
 */
import type { HttpClientResponse } from "@effect/platform"

export interface WebStream {
  readonly getReader: () => ReadableStreamDefaultReader<Uint8Array>
}
export interface NodeStream {
  readonly on: (event: string, listener: (value: never) => void) => unknown
  readonly off: (event: string, listener: (value: never) => void) => unknown
  readonly destroy: () => unknown
  readonly readableEnded?: boolean
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && name in value ? Reflect.get(value, name) : undefined

/** An own property only: a response wrapped by `Object.create` (overriding its body) is not looked through. */
const own = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && Object.hasOwn(value, name)
    ? Reflect.get(value, name)
    : undefined

export const isWebStream = (u: unknown): u is WebStream => typeof field(u, "getReader") === "function"
export const isNodeStream = (u: unknown): u is NodeStream =>
  typeof field(u, "on") === "function" && typeof field(u, "off") === "function"

/** What the transport holds: `undefined` when unknown, `null` when there is no body. */
export const bodyOf = (
  response: HttpClientResponse.HttpClientResponse
): WebStream | NodeStream | null | undefined => {
  let current: unknown = response
  while (own(current, "original") !== undefined) current = own(current, "original")
  const source = own(current, "source")
  const body = field(source, "body")
  if (isWebStream(body) || isNodeStream(body)) return body
  if (body === null && typeof Response === "function" && source instanceof Response) return null
  if (isNodeStream(source)) return source
  return undefined
}

/** The platform's registry of responses whose body nobody has started to read (see `release`). */
interface ResponseRegistry {
  readonly unregister: (response: object) => void
}

const REGISTRY_ID = "@effect/platform/HttpClient/responseRegistry"

const isRegistry = (u: unknown): u is ResponseRegistry => typeof field(u, "unregister") === "function"

let registry: ResponseRegistry | undefined

/** The registry, read from effect's global store without ever creating it; `undefined` if not found. */
const responseRegistry = (): ResponseRegistry | undefined => {
  if (registry !== undefined) return registry
  const store: unknown = Reflect.get(globalThis, "effect/GlobalValue")
  const found: unknown = store instanceof Map ? store.get(REGISTRY_ID) : undefined
  if (isRegistry(found)) registry = found
  return registry
}

/**
 * Tells the platform that this response's body is being read here, as its
 * own `text` / `json` / `stream` do before reading. The platform registers
 * every response it hands out in a `FinalizationRegistry` that aborts the
 * request when the response is collected unread; a body read straight from
 * the transport (as `readBody` does) stayed registered, so every response
 * was aborted at GC time, long after it was read: a `DOMException` and an
 * abort event per call, ~3% of the CPU at concurrency 64. The wait for an
 * interrupted read is `readBody`'s own (it destroys or cancels the body). A
 * platform without the registry (or a response it never registered) is left
 * as it is.
 */
export const release = (response: HttpClientResponse.HttpClientResponse): void => {
  const original = own(response, "original")
  if (typeof original !== "object" || original === null) return
  responseRegistry()?.unregister(original)
}
