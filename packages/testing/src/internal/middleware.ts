/**
 * What wraps every route of the fake, as a gateway would: the journal, the
 * scripted faults (before auth), the bearer check, then the route's handler;
 * and the answer's encoding on the way out.
 *
 * @internal
 */
import { type Headers, HttpRouter, HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Data, Effect, Option, Predicate } from "effect"
import type { Fault } from "../Fault.js"
import { type RouteName, redactHeaders } from "../Journal.js"
import { type Answer, ErrorCode, envelope, jsonContentType } from "./answers.js"
import { type AnswerEncoding, toResponse } from "./encoding.js"
import type { Faults } from "./faults.js"
import * as Ids from "./ids.js"
import type { Journal } from "./journal.js"

/**
 * How the fake's app asks a transport without a socket (the in-process
 * client) to drop the connection; on a Node server the socket is destroyed.
 */
export class ConnectionDropped extends Data.TaggedError("ConnectionDropped")<{}> {}

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
  readonly faults: Faults
  readonly journal: Journal
  readonly apiKey: string | undefined
  readonly encoding: AnswerEncoding
}

const parseJson = (text: string): Option.Option<unknown> => {
  if (text.trim() === "") return Option.none()
  try {
    return Option.some(JSON.parse(text) as unknown)
  } catch {
    return Option.none()
  }
}

const unauthorized = (deps: Deps, request: Incoming): Option.Option<Answer> => {
  const value = request.headers.authorization ?? ""
  const fail = (message: string) =>
    Option.some(envelope(401, ErrorCode.Unauthorized, message, request.traceId))
  if (value.trim() === "") return fail("Missing Authorization header")
  const token = /^\s*Bearer\s+(\S.*?)\s*$/i.exec(value)?.[1]
  if (token === undefined) return fail("Invalid Authorization header; expected Bearer <token>")
  return deps.apiKey !== undefined && token !== deps.apiKey ? fail("Invalid API key") : Option.none()
}

const guessContentType = (body: string | Uint8Array): Record<string, string> => {
  if (body.length === 0) return {}
  const first = typeof body === "string" ? body.trimStart().slice(0, 1) : String.fromCharCode(body[0] ?? 0)
  return { "content-type": first === "<" ? "text/html; charset=utf-8" : jsonContentType }
}

/** Linq's 404 for a path it does not serve (a wrong base path included). */
export const notFound = (request: Incoming): Effect.Effect<Answer> =>
  Effect.sync(() => {
    const path = new URL(request.url, "http://fake.invalid").pathname
    return envelope(404, undefined, `Not found: ${request.method} ${path}`, request.traceId)
  })

type Outcome = Answer | "drop"

const runFault = (
  fault: Fault,
  request: Incoming,
  normal: Effect.Effect<Outcome>
): Effect.Effect<Outcome> => {
  switch (fault._tag) {
    case "Respond": {
      const { status, headers, body } = fault
      if (body._tag === "Envelope")
        return Effect.succeed(envelope(status, body.code, body.message, request.traceId, headers))
      const type =
        body.contentType === undefined ? guessContentType(body.body) : { "content-type": body.contentType }
      return Effect.succeed({ status, headers: { ...type, ...headers }, body: body.body })
    }
    case "Delay":
      return Effect.zipRight(
        Effect.sleep(fault.duration),
        fault.then === undefined ? normal : runFault(fault.then, request, normal)
      )
    case "Hang":
      return Effect.never
    case "Disconnect":
      return Effect.succeed("drop")
  }
}

/** Drops the connection: destroys a Node socket, or fails for the in-process client. */
const drop = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
  const source = request.source
  if (Predicate.hasProperty(source, "socket") && Predicate.hasProperty(source.socket, "destroy")) {
    const socket = source.socket
    if (Predicate.isFunction(socket.destroy)) {
      socket.destroy()
      return Effect.never
    }
  }
  return Effect.fail(new ConnectionDropped())
})

/** The route `name`, answered by `handler` inside the journal, the faults and the bearer check. */
export const route =
  (deps: Deps, route: RouteName) =>
  (
    routeHandler: (request: Incoming) => Effect.Effect<Answer>
  ): Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    ConnectionDropped,
    HttpServerRequest.HttpServerRequest
  > =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const context = yield* Effect.serviceOption(HttpRouter.RouteContext)
      const params: Incoming["params"] = Option.match(context, {
        onNone: () => ({}),
        onSome: (c) => c.params
      })
      // a chat route without a chat id (`/v3/chats//participants`) is no route
      const noChat = route !== "unknown" && route.startsWith("check") === false && !params.chatId
      const [name, handler] = noChat ? (["unknown", notFound] as const) : [route, routeHandler]
      const text = yield* Effect.orElseSucceed(request.text, () => "")
      const incoming: Incoming = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        json: parseJson(text),
        params,
        traceId: yield* Ids.traceId
      }
      const fault = yield* deps.faults.take(name)
      const original = request.originalUrl
      const url = original.startsWith("/")
        ? `http://${request.headers.host ?? "127.0.0.1"}${original}`
        : original
      const chatId = name === "unknown" ? undefined : params.chatId
      const seq = yield* deps.journal.open({
        method: request.method,
        url,
        path: new URL(url).pathname,
        route: name,
        ...(chatId === undefined ? {} : { chatId }),
        headers: redactHeaders(request.headers),
        text,
        ...Option.match(incoming.json, { onNone: () => ({}), onSome: (json) => ({ json }) }),
        ...(Option.isSome(fault) ? { fault: fault.value } : {}),
        traceId: incoming.traceId
      })
      const normal = Option.match(unauthorized(deps, incoming), {
        onNone: () => handler(incoming),
        onSome: Effect.succeed
      })
      const outcome = yield* Option.match(fault, {
        onNone: () => normal,
        onSome: (f) => runFault(f, incoming, normal)
      }).pipe(Effect.onInterrupt(() => deps.journal.close(seq, { _tag: "Interrupted" })))
      if (outcome === "drop") {
        yield* deps.journal.close(seq, { _tag: "Disconnected" })
        return yield* drop
      }
      yield* deps.journal.close(seq, { _tag: "Responded", status: outcome.status })
      return yield* toResponse(outcome, deps.encoding, request.headers["accept-encoding"])
    })
