/**
 * What wraps every route of the fake, as a gateway would: the journal, the
 * scripted faults (before auth), the bearer check, then the route's handler;
 * and the answer's encoding on the way out.
 *
 * @internal
 */
import { type Headers, HttpRouter, HttpServerRequest } from "effect/http"
import { Clock, Effect, Option } from "effect"
import { type RouteName, redactHeaders } from "../Journal.js"
import { type Answer, ErrorCode, envelope } from "./answers.js"
import { type AnswerEncoding, toResponse } from "./encoding.js"
import * as Faults from "./faults.js"
import * as Ids from "./ids.js"
import type { Journal } from "./journal.js"

/** A request as a route's handler sees it. */
export interface Incoming {
  readonly method: string
  readonly url: string
  readonly headers: Headers.Headers
  readonly json: Option.Option<unknown>
  readonly params: Readonly<Record<string, string | undefined>>
  readonly traceId: string
}

/** What the middleware needs. */
export interface Deps {
  readonly faults: Faults.Faults
  readonly journal: Journal
  readonly apiKey: string | undefined
  readonly encoding: AnswerEncoding
}

const parseJson = Option.liftThrowable((text: string): unknown => JSON.parse(text))

const unauthorized = (deps: Deps, request: Incoming): Answer | undefined => {
  const value = request.headers.authorization ?? ""
  const fail = (message: string) => envelope(401, ErrorCode.Unauthorized, message, request.traceId)
  if (value.trim() === "") return fail("Missing Authorization header")
  const token = /^\s*Bearer\s+(\S.*?)\s*$/i.exec(value)?.[1]
  if (token === undefined) return fail("Invalid Authorization header; expected Bearer <token>")
  return deps.apiKey !== undefined && token !== deps.apiKey ? fail("Invalid API key") : undefined
}

/** Linq's 404 for a path it does not serve (a wrong base path included). */
export const notFound = (request: Incoming): Effect.Effect<Answer> =>
  Effect.sync(() => {
    const path = new URL(request.url, "http://fake.invalid").pathname
    return envelope(404, undefined, `Not found: ${request.method} ${path}`, request.traceId)
  })

/** The route `name`, answered by `handler` inside the journal, the faults and the bearer check. */
export const route =
  (deps: Deps, route: RouteName) => (routeHandler: (request: Incoming) => Effect.Effect<Answer>) =>
    Effect.gen(function* () {
      // When the request arrived (its head), before its body is read.
      const at = yield* Clock.currentTimeMillis
      const request = yield* HttpServerRequest.HttpServerRequest
      const context = yield* Effect.serviceOption(HttpRouter.RouteContext)
      const params: Incoming["params"] = Option.isSome(context) ? context.value.params : {}
      // a chat route with an empty chat id (`/v3/chats//participants`) is no route; nor is a HEAD,
      // which Effect 4's router hands to the GET route (FakeLinq serves no HEAD, as in 0.x)
      const noChat = route !== "unknown" && Object.hasOwn(params, "chatId") && !params.chatId
      const noRoute = noChat || (route !== "unknown" && request.method === "HEAD")
      const [name, handler] = noRoute ? (["unknown", notFound] as const) : [route, routeHandler]
      const text = yield* Effect.orElseSucceed(request.text, () => "")
      const json = parseJson(text)
      const traceId = yield* Ids.traceId
      const incoming: Incoming = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        json,
        params,
        traceId
      }
      const fault = yield* deps.faults.take(name)
      const original = request.originalUrl
      const url = original.startsWith("/")
        ? `http://${request.headers.host ?? "127.0.0.1"}${original}`
        : original
      const chatId = name === "unknown" ? undefined : params.chatId
      const seq = yield* deps.journal.open({
        at,
        method: request.method,
        url,
        path: new URL(url).pathname,
        route: name,
        ...(chatId === undefined ? {} : { chatId }),
        headers: redactHeaders(request.headers),
        text,
        ...(Option.isSome(json) ? { json: json.value } : {}),
        ...(Option.isSome(fault) ? { fault: fault.value } : {}),
        traceId
      })
      const denied = unauthorized(deps, incoming)
      const normal = denied === undefined ? handler(incoming) : Effect.succeed(denied)
      const outcome = yield* (Option.isSome(fault) ? Faults.run(fault.value, traceId, normal) : normal).pipe(
        Effect.onInterrupt(() => deps.journal.close(seq, { _tag: "Interrupted" }))
      )
      if (outcome === "drop") {
        yield* deps.journal.close(seq, { _tag: "Disconnected" })
        return yield* Faults.drop
      }
      yield* deps.journal.close(seq, { _tag: "Responded", status: outcome.status })
      return yield* toResponse(outcome, deps.encoding, request.headers["accept-encoding"])
    })
