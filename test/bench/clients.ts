/**
 * The clients under test. Each one adds the same participant to the same chat
 * on the loopback server, the way a user of that client would write it, and
 * reads the whole answer (parsed JSON) before the call counts as done.
 *
 * One set of clients per kind of answer (see `KINDS` in shared.ts), each with
 * the base URL of its kind. For the `gzip` kind, a client whose transport
 * asks for compression by itself (`fetch`, and so the official SDK and
 * `FetchHttpClient`) is left as it is; the undici clients (`undici.request`,
 * `NodeHttpClient.layerUndici`), which neither ask nor decompress, are set
 * up the way undici documents it (its `decompress` interceptor on the
 * `Agent`, plus `accept-encoding: gzip`) unless `BENCH_GZIP=default`, in
 * which case they get the identity answer a real server sends a client that
 * did not ask. Which clients really got gzip is counted by the server.
 */
import LinqAPIV3 from "@linqapp/sdk"
import { Agent, type Dispatcher, interceptors, request } from "undici"
import { loadFloor, loadLinqEffect } from "./sdk-build.js"
import { ADD_PATH, API_KEY, CHAT_ID, gzipEverywhere, HANDLE, type Kind } from "./shared.js"

/** One client under test. */
export interface BenchClient {
  /** Stable key used in the JSON results. */
  readonly id: ClientId
  /** What the table shows. */
  readonly label: string
  /** Whether it asks for a compressed answer (sends `accept-encoding: gzip` and decompresses). */
  readonly asksForGzip: boolean
  /** One add-participant call; resolves with the decoded answer. */
  readonly call: () => Promise<unknown>
  readonly close: () => Promise<void>
}

/** Every client the bench knows, in table order. */
export const CLIENT_IDS = [
  "undici",
  "fetch",
  "official",
  "floor-undici",
  "effect-undici",
  "floor-fetch",
  "effect-fetch"
] as const
export type ClientId = (typeof CLIENT_IDS)[number]

const headers = {
  authorization: `Bearer ${API_KEY}`,
  "content-type": "application/json",
  accept: "application/json"
}

const expectOk = (status: number): void => {
  if (status < 200 || status >= 300) throw new Error(`unexpected status ${status}`)
}

/**
 * Raw `undici.request` on its own `Agent` (as `NodeHttpClient.layerUndici` has): the floor.
 * With `gzip`, the agent is composed with undici's `decompress` interceptor and
 * the request asks for gzip.
 */
const rawUndici = (baseUrl: string, gzip: boolean): BenchClient => {
  const agent = new Agent()
  const dispatcher: Dispatcher = gzip ? agent.compose(interceptors.decompress()) : agent
  const requestHeaders = gzip ? { ...headers, "accept-encoding": "gzip" } : headers
  const url = baseUrl + ADD_PATH
  return {
    id: "undici",
    label: "undici.request (raw)",
    asksForGzip: gzip,
    call: async () => {
      const res = await request(url, {
        method: "POST",
        headers: requestHeaders,
        body: JSON.stringify({ handle: HANDLE }),
        dispatcher
      })
      expectOk(res.statusCode)
      return res.body.json()
    },
    close: () => agent.close()
  }
}

/** Raw global `fetch` (Node's bundled undici). */
const rawFetch = (baseUrl: string): BenchClient => {
  const url = baseUrl + ADD_PATH
  return {
    id: "fetch",
    label: "fetch (raw)",
    asksForGzip: true,
    call: async () => {
      const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ handle: HANDLE }) })
      expectOk(res.status)
      return res.json()
    },
    close: async () => {}
  }
}

/**
 * The official SDK, `client.chats.participants.add` (resources/chats/participants
 * in `@linqapp/sdk`), over its default transport (global `fetch`), retries off
 * so a failure could not hide behind a retry.
 */
const official = (baseUrl: string): BenchClient => {
  const client = new LinqAPIV3({ apiKey: API_KEY, baseURL: baseUrl, maxRetries: 0 })
  return {
    id: "official",
    label: "@linqapp/sdk",
    asksForGzip: true,
    call: () => client.chats.participants.add(CHAT_ID, { handle: HANDLE }),
    close: async () => {}
  }
}

/**
 * Builds the selected clients for one kind of answer, against `baseUrl` (that
 * kind's); this SDK's are loaded only when selected.
 */
export const makeClients = async (
  baseUrl: string,
  ids: ReadonlyArray<ClientId>,
  kind: Kind
): Promise<BenchClient[]> => {
  const gzip = kind === "gzip" && gzipEverywhere()
  const clients: BenchClient[] = []
  for (const id of ids) {
    switch (id) {
      case "undici":
        clients.push(rawUndici(baseUrl, gzip))
        break
      case "fetch":
        clients.push(rawFetch(baseUrl))
        break
      case "official":
        clients.push(official(baseUrl))
        break
      case "effect-fetch":
      case "effect-undici": {
        const { linqEffect } = await loadLinqEffect()
        clients.push(linqEffect(baseUrl, id === "effect-fetch" ? "fetch" : "undici", { gzip }))
        break
      }
      case "floor-fetch":
      case "floor-undici": {
        const { floor } = await loadFloor()
        clients.push(floor(baseUrl, id === "floor-fetch" ? "fetch" : "undici", { gzip }))
        break
      }
    }
  }
  return clients
}

/**
 * What `pnpm bench` runs by default: all of them (the floors, the official
 * SDK, this SDK over both transports, and the hand-written effect 4.1
 * `effect/http` floor over both, which the SDK is held to on each transport).
 */
export const DEFAULT_CLIENT_IDS: ReadonlyArray<ClientId> = CLIENT_IDS

/** `BENCH_CLIENTS=undici,official` runs a subset (default: {@link DEFAULT_CLIENT_IDS}). */
export const selectedClientIds = (): ClientId[] => {
  const raw = process.env.BENCH_CLIENTS
  if (raw === undefined || raw.trim() === "") return [...DEFAULT_CLIENT_IDS]
  const wanted = raw.split(",").map((s) => s.trim())
  for (const w of wanted) {
    if (!(CLIENT_IDS as ReadonlyArray<string>).includes(w)) {
      throw new Error(`unknown client "${w}" in BENCH_CLIENTS (known: ${CLIENT_IDS.join(", ")})`)
    }
  }
  return CLIENT_IDS.filter((id) => wanted.includes(id))
}
