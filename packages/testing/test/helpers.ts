import type { HttpClientError } from "effect/http"
import { HttpClient, HttpClientRequest } from "effect/http"
import { expect } from "@effect/vitest"
import { Effect } from "effect"

/** The default base URL of the API (what in-process requests are sent to). */
export const BASE_URL = "https://api.linqapp.com/api/partner"

/** The token the helpers send unless told otherwise. */
export const TOKEN = "sk_test_secret_token_123"

export interface SendOptions {
  /** A JSON body. */
  readonly json?: unknown
  /** A raw body, sent as `application/json`. */
  readonly raw?: string
  /** The bearer token (`null`: no Authorization header). */
  readonly token?: string | null
  /** A whole Authorization header value. */
  readonly authorization?: string
  /** Defaults to {@link BASE_URL}. */
  readonly baseUrl?: string
  readonly headers?: Record<string, string>
}

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly json: unknown
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Sends a request through the platform `HttpClient` and reads the whole answer. */
export const send = (
  method: "GET" | "POST" | "DELETE" | "PUT" | "HEAD",
  path: string,
  options: SendOptions = {}
): Effect.Effect<Answer, HttpClientError.HttpClientError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(`${options.baseUrl ?? BASE_URL}${path}`)
    const token = options.token === undefined ? TOKEN : options.token
    if (options.authorization !== undefined) {
      request = HttpClientRequest.setHeader(request, "authorization", options.authorization)
    } else if (token !== null) {
      request = HttpClientRequest.bearerToken(request, token)
    }
    if (options.headers !== undefined) request = HttpClientRequest.setHeaders(request, options.headers)
    if (options.json !== undefined) request = HttpClientRequest.bodyJsonUnsafe(request, options.json)
    if (options.raw !== undefined)
      request = HttpClientRequest.bodyText(request, options.raw, "application/json")
    const response = yield* client.execute(request)
    const text = yield* response.text
    return { status: response.status, headers: response.headers, text, json: parse(text) }
  })

/** The error envelope the fake answers with. */
export const envelope = (status: number, code: number | undefined, message: string) => ({
  success: false,
  error: code === undefined ? { status, message } : { status, code, message },
  trace_id: expect.stringMatching(/^trace_[0-9a-f]{32}$/)
})

export const participantsPath = (chatId: string) => `/v3/chats/${encodeURIComponent(chatId)}/participants`
export const chatPath = (chatId: string) => `/v3/chats/${encodeURIComponent(chatId)}`
