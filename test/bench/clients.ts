/**
 * The clients under test. Each one adds the same participant to the same chat
 * on the loopback server, the way a user of that client would write it, and
 * reads the whole answer (parsed JSON) before the call counts as done.
 */
import LinqAPIV3 from "@linqapp/sdk"
import { Agent, request } from "undici"
import { loadLinqEffect } from "./sdk-build.js"
import { ADD_PATH, API_KEY, CHAT_ID, HANDLE } from "./shared.js"

/** One client under test. */
export interface BenchClient {
  /** Stable key used in the JSON results. */
  readonly id: ClientId
  /** What the table shows. */
  readonly label: string
  /** One add-participant call; resolves with the decoded answer. */
  readonly call: () => Promise<unknown>
  readonly close: () => Promise<void>
}

/** Every client the bench knows, in table order. */
export const CLIENT_IDS = [
  "undici",
  "fetch",
  "official",
  "platform-undici",
  "effect-fetch",
  "effect-undici",
  "platform-fetch"
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

/** Raw `undici.request` on its own `Agent` (as `NodeHttpClient.layerUndici` has): the floor. */
const rawUndici = (baseUrl: string): BenchClient => {
  const agent = new Agent()
  const url = baseUrl + ADD_PATH
  return {
    id: "undici",
    label: "undici.request (raw)",
    call: async () => {
      const res = await request(url, {
        method: "POST",
        headers,
        body: JSON.stringify({ handle: HANDLE }),
        dispatcher: agent
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
    call: () => client.chats.participants.add(CHAT_ID, { handle: HANDLE }),
    close: async () => {}
  }
}

/** Builds the selected clients; this SDK's are loaded only when selected. */
export const makeClients = async (baseUrl: string, ids: ReadonlyArray<ClientId>): Promise<BenchClient[]> => {
  const clients: BenchClient[] = []
  for (const id of ids) {
    switch (id) {
      case "undici":
        clients.push(rawUndici(baseUrl))
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
        clients.push(linqEffect(baseUrl, id === "effect-fetch" ? "fetch" : "undici"))
        break
      }
      case "platform-fetch":
      case "platform-undici": {
        const { platformBaseline } = await loadLinqEffect()
        clients.push(platformBaseline(baseUrl, id === "platform-fetch" ? "fetch" : "undici"))
        break
      }
    }
  }
  return clients
}

/**
 * What `pnpm bench` runs by default: the floors, the official SDK, this SDK
 * over both transports, and the hand-written @effect/platform floor over
 * undici (what an Effect SDK stands on). `platform-fetch` only on request.
 */
export const DEFAULT_CLIENT_IDS: ReadonlyArray<ClientId> = CLIENT_IDS.filter((id) => id !== "platform-fetch")

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
