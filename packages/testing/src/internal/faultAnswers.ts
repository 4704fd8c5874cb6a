/**
 * What a scripted fault answers instead of the route: an answer of its own,
 * a delay (on the `Clock`), a hang, or a dropped connection.
 *
 * @internal
 */
import { HttpServerRequest } from "@effect/platform"
import { Data, Effect, Predicate } from "effect"
import type { Fault } from "../Fault.js"
import { type Answer, envelope, jsonContentType } from "./answers.js"

/**
 * How the fake's app asks a transport without a socket (the in-process
 * client) to drop the connection; on a Node server the socket is destroyed.
 */
export class ConnectionDropped extends Data.TaggedError("ConnectionDropped")<{}> {}

const guessContentType = (body: string | Uint8Array): Record<string, string> => {
  if (body.length === 0) return {}
  const first = typeof body === "string" ? body.trimStart().slice(0, 1) : String.fromCharCode(body[0] ?? 0)
  return { "content-type": first === "<" ? "text/html; charset=utf-8" : jsonContentType }
}

export type Outcome = Answer | "drop"

export const runFault = (
  fault: Fault,
  request: { readonly traceId: string },
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
export const drop = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
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
