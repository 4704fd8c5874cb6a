/**
 * The request-handling core of FakeLinq, shared by the in-process
 * `HttpClient` and the loopback server: routing, auth, body validation, the
 * group-chat rules (through the state), fault injection and the journal.
 *
 * A transport turns what it received into a {@link FakeRequest}, runs the
 * handler, and sends the {@link FakeAnswer} (or drops the connection). A
 * handler may take time (a `Fault.delay`) or never answer (a `Fault.hang`): a
 * transport must interrupt it when its client goes away.
 *
 * @since 0.1.0
 */
import { Chat, isHandle } from "@linq-effect/core"
import { Effect, Either, Option, Redacted, Schema } from "effect"
import * as ApiAnswers from "./ApiAnswers.js"
import type { FakeState } from "./FakeState.js"
import type { Fault } from "./Fault.js"
import type { FaultScript } from "./FaultScript.js"
import * as Ids from "./internal/ids.js"
import type { JournalStore, RouteName } from "./Journal.js"
import { redactHeaders } from "./Journal.js"

/**
 * A request as a transport received it. `url` may be absolute or a path with
 * a query; header names may be in any case; `body` is the raw body text (`""`
 * when there is none).
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * What a transport must do: send a response, or drop the connection.
 *
 * @since 0.1.0
 * @category models
 */
export type FakeAnswer = ApiAnswers.WireResponse | { readonly _tag: "Disconnect" }

/**
 * A request handler: never fails; may take time or never answer.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (request: FakeRequest) => Effect.Effect<FakeAnswer>

/**
 * Options of the handler.
 *
 * - `apiKey`: the only bearer token accepted (default: any non-empty token);
 * - `basePath`: the path prefix the API lives under (default
 *   `"/api/partner"`); requests with or without it are accepted.
 *
 * @since 0.1.0
 * @category models
 */
export interface HandlerOptions extends ApiAnswers.ViolationOverrides {
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly basePath?: string | undefined
}

/**
 * The default path prefix of the API (`https://api.linqapp.com/api/partner`).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_PATH = "/api/partner"

/**
 * Where a request goes: its route, its percent-decoded chat id for the chat
 * routes, and its pathname.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedRoute {
  readonly route: RouteName
  readonly chatId: string | undefined
  readonly path: string
}

const normalizeBasePath = (basePath: string): string => {
  const trimmed = basePath.replace(/\/+$/, "")
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`
}

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * Routes a request (any origin; with or without the base path; query
 * ignored):
 *
 * | method and path | route |
 * |---|---|
 * | `POST /v3/chats/{chatId}/participants` | `add` |
 * | `DELETE /v3/chats/{chatId}/participants` | `remove` |
 * | `GET /v3/chats/{chatId}` | `getChat` |
 * | `POST /v3/capability/check_imessage` | `checkImessage` |
 * | `POST /v3/capability/check_rcs` | `checkRcs` |
 *
 * @since 0.1.0
 * @category routing
 */
export const parseRoute = (
  method: string,
  url: string,
  basePath: string = DEFAULT_BASE_PATH
): ParsedRoute => {
  let path: string
  try {
    path = new URL(url, "http://fake-linq.invalid").pathname
  } catch {
    return { route: "unknown", chatId: undefined, path: url }
  }
  const base = normalizeBasePath(basePath)
  const rest = base !== "" && (path === base || path.startsWith(`${base}/`)) ? path.slice(base.length) : path
  const segments = rest.split("/")
  const m = method.toUpperCase()
  const unknown: ParsedRoute = { route: "unknown", chatId: undefined, path }
  if (segments[0] !== "" || segments[1] !== "v3") return unknown
  const [, , resource, id, sub, ...more] = segments
  if (more.length > 0) return unknown
  if (resource === "chats" && id !== undefined && id !== "") {
    const chatId = decodeSegment(id)
    if (sub === "participants") {
      if (m === "POST") return { route: "add", chatId, path }
      if (m === "DELETE") return { route: "remove", chatId, path }
      return unknown
    }
    if (sub === undefined && m === "GET") return { route: "getChat", chatId, path }
    return unknown
  }
  if (resource === "capability" && sub === undefined && m === "POST") {
    if (id === "check_imessage") return { route: "checkImessage", chatId: undefined, path }
    if (id === "check_rcs") return { route: "checkRcs", chatId: undefined, path }
  }
  return unknown
}

const lowerCaseHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

const parseJson = (text: string): Option.Option<unknown> => {
  if (text.trim() === "") return Option.none()
  try {
    return Option.some(JSON.parse(text) as unknown)
  } catch {
    return Option.none()
  }
}

const encodeChat = Schema.encodeSync(Chat)

const guessContentType = (body: string | Uint8Array): string | undefined => {
  if (body.length === 0) return undefined
  const first = typeof body === "string" ? body.trimStart().slice(0, 1) : String.fromCharCode(body[0] ?? 0)
  return first === "<" ? "text/html; charset=utf-8" : ApiAnswers.jsonContentType
}

/**
 * Builds the answer of a `Respond` fault.
 *
 * @since 0.1.0
 * @category faults
 */
export const faultResponse = (
  fault: Extract<Fault, { readonly _tag: "Respond" }>,
  traceId: string
): ApiAnswers.WireResponse => {
  if (fault.body._tag === "Envelope") {
    return ApiAnswers.envelope(fault.status, fault.body.code, fault.body.message, traceId, fault.headers)
  }
  const contentType = fault.body.contentType ?? guessContentType(fault.body.body)
  return {
    _tag: "Response",
    status: fault.status,
    headers: { ...(contentType === undefined ? {} : { "content-type": contentType }), ...fault.headers },
    body: fault.body.body
  }
}

/**
 * Makes the handler over a state, a fault script and a journal.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (deps: {
  readonly state: FakeState
  readonly faults: FaultScript
  readonly journal: JournalStore
  readonly options?: HandlerOptions | undefined
}): Handler => {
  const { state, faults, journal } = deps
  const basePath = deps.options?.basePath ?? DEFAULT_BASE_PATH
  const apiKey = deps.options?.apiKey
  const expectedToken =
    apiKey === undefined ? undefined : Redacted.isRedacted(apiKey) ? Redacted.value(apiKey) : apiKey

  interface Ctx {
    readonly method: string
    readonly route: ParsedRoute
    readonly headers: Readonly<Record<string, string>>
    readonly json: Option.Option<unknown>
    readonly text: string
    readonly traceId: string
  }

  const fail = (ctx: Ctx, status: number, code: number | undefined, message: string) =>
    ApiAnswers.envelope(status, code, message, ctx.traceId)

  const authorize = (ctx: Ctx): Option.Option<ApiAnswers.WireResponse> => {
    const value = ctx.headers.authorization
    if (value === undefined || value.trim() === "") {
      return Option.some(fail(ctx, 401, ApiAnswers.ErrorCode.Unauthorized, "Missing Authorization header"))
    }
    const match = /^\s*Bearer\s+(\S.*?)\s*$/i.exec(value)
    const token = match?.[1]
    if (token === undefined) {
      return Option.some(
        fail(
          ctx,
          401,
          ApiAnswers.ErrorCode.Unauthorized,
          "Invalid Authorization header; expected Bearer <token>"
        )
      )
    }
    if (expectedToken !== undefined && token !== expectedToken) {
      return Option.some(fail(ctx, 401, ApiAnswers.ErrorCode.Unauthorized, "Invalid API key"))
    }
    return Option.none()
  }

  /** Reads a handle field (`handle` or `address`) from the JSON body. */
  const readHandle = (ctx: Ctx, field: string): Either.Either<string, ApiAnswers.WireResponse> => {
    const C = ApiAnswers.ErrorCode
    if (Option.isNone(ctx.json)) {
      return Either.left(fail(ctx, 400, C.InvalidRequestBody, "Request body must be valid JSON"))
    }
    const body = ctx.json.value
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return Either.left(fail(ctx, 400, C.InvalidRequestBody, "Request body must be a JSON object"))
    }
    const value: unknown = (body as Record<string, unknown>)[field]
    if (value === undefined || value === null || value === "") {
      return Either.left(fail(ctx, 400, C.MissingRequiredField, `Missing required field: ${field}`))
    }
    if (typeof value !== "string") {
      return Either.left(
        fail(
          ctx,
          400,
          C.InvalidPhoneFormat,
          `${field} must be a string: an E.164 phone number or an email address`
        )
      )
    }
    if (!isHandle(value)) {
      const message = value.includes("@")
        ? "Invalid email address format"
        : "Phone number must be in E.164 format"
      return Either.left(fail(ctx, 400, C.InvalidPhoneFormat, message))
    }
    return Either.right(value)
  }

  const chatNotFound = (ctx: Ctx) => fail(ctx, 404, ApiAnswers.ErrorCode.ChatNotFound, "Chat not found")

  const participants = (ctx: Ctx, op: "add" | "remove", chatId: string): Effect.Effect<FakeAnswer> =>
    Either.match(readHandle(ctx, "handle"), {
      onLeft: Effect.succeed,
      onRight: (handle) =>
        Effect.map(op === "add" ? state.add(chatId, handle) : state.remove(chatId, handle), (result) => {
          switch (result._tag) {
            case "ChatNotFound":
              return chatNotFound(ctx)
            case "Refused": {
              const answer = ApiAnswers.ruleViolationAnswer(result.violation, deps.options)
              return fail(ctx, answer.status, answer.code, answer.message)
            }
            case "Accepted":
              return op === "add"
                ? ApiAnswers.additionQueued(ctx.traceId)
                : ApiAnswers.removalQueued(ctx.traceId)
          }
        })
    })

  const capability = (ctx: Ctx, service: "iMessage" | "RCS"): Effect.Effect<FakeAnswer> =>
    Either.match(readHandle(ctx, "address"), {
      onLeft: Effect.succeed,
      onRight: (address) =>
        Effect.map(state.capabilities(address), (services) =>
          ApiAnswers.json(200, { address, available: services.includes(service) })
        )
    })

  const normal = (ctx: Ctx): Effect.Effect<FakeAnswer> => {
    const refused = authorize(ctx)
    if (Option.isSome(refused)) return Effect.succeed(refused.value)
    const { route, chatId } = ctx.route
    switch (route) {
      case "add":
      case "remove":
        return participants(ctx, route, chatId ?? "")
      case "getChat":
        return Effect.map(state.chat(chatId ?? ""), (chat) =>
          Option.match(chat, {
            onNone: () => chatNotFound(ctx),
            onSome: (c) => ApiAnswers.json(200, encodeChat(c))
          })
        )
      case "checkImessage":
        return capability(ctx, "iMessage")
      case "checkRcs":
        return capability(ctx, "RCS")
      case "unknown":
        return Effect.succeed(fail(ctx, 404, undefined, `Not found: ${ctx.method} ${ctx.route.path}`))
    }
  }

  const runFault = (ctx: Ctx, fault: Fault): Effect.Effect<FakeAnswer> => {
    switch (fault._tag) {
      case "Respond":
        return Effect.succeed(faultResponse(fault, ctx.traceId))
      case "Delay":
        return Effect.zipRight(
          Effect.sleep(fault.duration),
          fault.then === undefined ? normal(ctx) : runFault(ctx, fault.then)
        )
      case "Hang":
        return Effect.never
      case "Disconnect":
        return Effect.succeed({ _tag: "Disconnect" })
    }
  }

  return (request) =>
    Effect.gen(function* () {
      const method = request.method.toUpperCase()
      const headers = lowerCaseHeaders(request.headers)
      const route = parseRoute(method, request.url, basePath)
      const json = parseJson(request.body)
      const traceId = yield* Ids.traceId
      const ctx: Ctx = { method, route, headers, json, text: request.body, traceId }
      const fault = yield* faults.take(route.route)
      const seq = yield* journal.open({
        method,
        url: request.url,
        path: route.path,
        route: route.route,
        ...(route.chatId === undefined ? {} : { chatId: route.chatId }),
        headers: redactHeaders(headers),
        text: request.body,
        ...(Option.isSome(json) ? { json: json.value } : {}),
        ...(Option.isSome(fault) ? { fault: fault.value } : {}),
        traceId
      })
      const answer = yield* Option.match(fault, {
        onNone: () => normal(ctx),
        onSome: (f) => runFault(ctx, f)
      }).pipe(Effect.onInterrupt(() => journal.close(seq, { _tag: "Interrupted" })))
      yield* journal.close(
        seq,
        answer._tag === "Disconnect" ? { _tag: "Disconnected" } : { _tag: "Responded", status: answer.status }
      )
      return answer
    })
}
