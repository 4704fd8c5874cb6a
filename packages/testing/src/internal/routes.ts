/**
 * The routes of the fake, declared with Effect's `HttpRouter` under the
 * base path (a request without it is an unknown route: 404, as on Linq).
 *
 * @internal
 */
import { Chat, isHandle } from "@linq-effect/core"
import type { Scope } from "effect"
import { Effect, Option, Result, Schema } from "effect"
import { HttpRouter, type HttpServerRequest, type HttpServerResponse } from "effect/http"
import {
  type Answer,
  chatNotFound as notFoundAnswer,
  ErrorCode,
  envelope,
  json,
  type ViolationOverrides,
  violationAnswer
} from "./answers.js"
import type { ConnectionDropped } from "./faults.js"
import { leaveChat } from "./leave.js"
import { listChats } from "./listing.js"
import { type Deps, type Incoming, notFound, route } from "./middleware.js"
import type { ChangeResult, State } from "./state.js"
import type { Subscriptions } from "./subscriptions.js"

const encodeChat = Schema.encodeSync(Chat)

/** `"/linq/"` → `"/linq"`, `"api"` → `"/api"`, `""` → `""` (default `"/api/partner"`). */
export const normalizeBasePath = (basePath: string = "/api/partner"): string => {
  const trimmed = basePath.replace(/\/+$/, "")
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`
}

/** Reads a handle field (`handle` or `address`) from the JSON body. */
const readHandle = (request: Incoming, field: string): Result.Result<string, Answer> => {
  const fail = (code: number, message: string) => Result.fail(envelope(400, code, message, request.traceId))
  const body = Option.getOrUndefined(request.json)
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const what = Option.isNone(request.json) ? "valid JSON" : "a JSON object"
    return fail(ErrorCode.InvalidRequestBody, `Request body must be ${what}`)
  }
  const value: unknown = (body as Record<string, unknown>)[field]
  if (value === undefined || value === null || value === "") {
    return fail(ErrorCode.MissingRequiredField, `Missing required field: ${field}`)
  }
  if (typeof value !== "string") {
    return fail(
      ErrorCode.InvalidPhoneFormat,
      `${field} must be a string: an E.164 phone number or an email address`
    )
  }
  if (isHandle(value)) return Result.succeed(value)
  const message = value.includes("@")
    ? "Invalid email address format"
    : "Phone number must be in E.164 format"
  return fail(ErrorCode.InvalidPhoneFormat, message)
}

const chatNotFound = (request: Incoming) => notFoundAnswer(request.traceId)

const changeAnswer =
  (op: "add" | "remove", request: Incoming, overrides: ViolationOverrides) =>
  (result: ChangeResult): Answer => {
    switch (result._tag) {
      case "ChatNotFound":
        return chatNotFound(request)
      case "Refused": {
        const { status, code, message } = violationAnswer(result.violation, overrides)
        return envelope(status, code, message, request.traceId)
      }
      case "Accepted": {
        const message = op === "add" ? "Participant addition queued" : "Participant removal queued"
        return json(202, { message, status: "accepted", trace_id: request.traceId })
      }
    }
  }

/**
 * The fake's app as served: an `HttpServerRequest` in, an `HttpServerResponse`
 * out (Effect 3's `HttpApp.Default<ConnectionDropped>`).
 */
export type App = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  ConnectionDropped,
  HttpServerRequest.HttpServerRequest | Scope.Scope
>

/** The fake's app: every route, and a 404 in Linq's envelope for anything else. */
export const make = (
  deps: Deps & {
    readonly state: State
    readonly subscriptions: Subscriptions
    readonly basePath: string
    readonly overrides: ViolationOverrides
  }
): Effect.Effect<App, never, Scope.Scope> => {
  const { state, subscriptions } = deps
  const chatId = (request: Incoming) => request.params.chatId ?? ""

  // a malformed handle is answered by readHandle's own envelope (the error channel, merged back)
  const participants = (op: "add" | "remove") => (request: Incoming) =>
    Effect.flatMap(Effect.fromResult(readHandle(request, "handle")), (handle) =>
      state[op](chatId(request), handle)
    ).pipe(Effect.map(changeAnswer(op, request, deps.overrides)), Effect.catch(Effect.succeed))

  const capability = (service: "iMessage" | "RCS") => (request: Incoming) =>
    Effect.flatMap(Effect.fromResult(readHandle(request, "address")), (address) =>
      Effect.map(state.capabilities(address), (services) =>
        json(200, { address, available: services.includes(service) })
      )
    ).pipe(Effect.catch(Effect.succeed))

  const getChat = (request: Incoming) =>
    Effect.map(
      state.chat(chatId(request)),
      Option.match({ onNone: () => chatNotFound(request), onSome: (chat) => json(200, encodeChat(chat)) })
    )

  const routes = HttpRouter.addAll(
    [
      HttpRouter.route("POST", "/v3/chats/:chatId/participants", route(deps, "add")(participants("add"))),
      HttpRouter.route(
        "DELETE",
        "/v3/chats/:chatId/participants",
        route(deps, "remove")(participants("remove"))
      ),
      HttpRouter.route("GET", "/v3/chats", route(deps, "listChats")(listChats(state))),
      HttpRouter.route("GET", "/v3/chats/:chatId", route(deps, "getChat")(getChat)),
      HttpRouter.route(
        "POST",
        "/v3/chats/:chatId/leave",
        route(deps, "leave")(leaveChat(state, deps.overrides))
      ),
      HttpRouter.route(
        "POST",
        "/v3/capability/check_imessage",
        route(deps, "checkImessage")(capability("iMessage"))
      ),
      HttpRouter.route("POST", "/v3/capability/check_rcs", route(deps, "checkRcs")(capability("RCS"))),
      ...subscriptionRoutes(deps, subscriptions)
    ],
    { prefix: deps.basePath === "" ? undefined : deps.basePath }
  )
  // Paths as they are: case kept, no length limit on a chat id, no slash forgiven
  // (a Reference the router reads when it is built).
  const config = {
    caseSensitive: true,
    maxParamLength: Number.MAX_SAFE_INTEGER,
    ignoreTrailingSlash: false,
    ignoreDuplicateSlashes: false
  }
  return HttpRouter.toHttpEffect(routes).pipe(
    Effect.provideService(HttpRouter.RouterConfig, config),
    Effect.map(
      (app): App =>
        // the router fails with RouteNotFound only (its other reasons belong to a server)
        Effect.catchTag(app, "HttpServerError", (error) =>
          error.reason._tag === "RouteNotFound" ? route(deps, "unknown")(notFound) : Effect.die(error)
        )
    )
  )
}

/** `/v3/webhook-subscriptions` and `/v3/webhook-events`, answered from the fake's subscriptions. */
const subscriptionRoutes = (deps: Deps, subscriptions: Subscriptions) => {
  const one = "/v3/webhook-subscriptions/:subscriptionId"
  return [
    HttpRouter.route(
      "POST",
      "/v3/webhook-subscriptions",
      route(deps, "createWebhookSubscription")(subscriptions.create)
    ),
    HttpRouter.route(
      "GET",
      "/v3/webhook-subscriptions",
      route(deps, "listWebhookSubscriptions")(subscriptions.list)
    ),
    HttpRouter.route("GET", one, route(deps, "getWebhookSubscription")(subscriptions.get)),
    HttpRouter.route("PUT", one, route(deps, "updateWebhookSubscription")(subscriptions.update)),
    HttpRouter.route("DELETE", one, route(deps, "deleteWebhookSubscription")(subscriptions.remove)),
    HttpRouter.route("GET", "/v3/webhook-events", route(deps, "listWebhookEvents")(subscriptions.events))
  ]
}
