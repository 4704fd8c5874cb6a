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
 * Effect 3's platform kept a global registry of unread responses, which
 * `release()` here told that a body was being read (else the request was
 * aborted when the response was collected). Effect 4's registry is private to
 * its module, so that is gone: a fetch response is handed over through
 * `HttpClientResponse.toWeb` (which unregisters it; see `body.ts`), and an
 * undici or node:http one stays registered, its (finished) request aborted at
 * GC, a no-op for the connection. `HttpClient.withScope` with a scope per
 * attempt avoids the registry, but aborts every request as the scope closes:
 * measured on this 2-core machine (4000 calls at concurrency 32, loopback
 * server), 360-460 µs of CPU per call against 260-320 µs over undici, 750 µs
 * against 550-600 µs over node:http, about the same over fetch.
 *
 * @internal
 */
import type { HttpClientResponse } from "effect/http"

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
