/**
 * The fault script (which fault answers the next requests of which route) and
 * what a fault answers instead of the route: an answer of its own, a delay (on
 * the `Clock`), a hang, or a dropped connection.
 *
 * @internal
 */
import { HttpServerRequest } from "effect/http"
import { Data, Effect, Option, Predicate, Ref } from "effect"
import type { Fault, FaultRoute, InjectOptions, ScriptedFault } from "../Fault.js"
import type { RouteName } from "../Journal.js"
import { type Answer, envelope, jsonContentType } from "./answers.js"

const matches = (faultRoute: FaultRoute, route: RouteName): boolean =>
  faultRoute === "any" ||
  faultRoute === route ||
  (faultRoute === "capability" && (route === "checkImessage" || route === "checkRcs")) ||
  (faultRoute === "webhookSubscriptions" && (route.includes("Webhook") || route === "listWebhookEvents"))

/** A new, empty fault script. Faults are tried in the order they were injected. */
export const make = Effect.map(Ref.make<ReadonlyArray<ScriptedFault>>([]), (ref) => ({
  scripted: Ref.get(ref),
  inject: (fault: Fault, options: InjectOptions = {}): Effect.Effect<void> => {
    const times = options.times ?? 1
    const remaining = times === "always" ? times : Math.floor(times)
    if (remaining !== "always" && !(remaining > 0)) return Effect.void
    return Ref.update(ref, (faults) => [...faults, { fault, route: options.route ?? "any", remaining }])
  },
  clear: Ref.set(ref, []),
  /** Takes the fault for a request to `route`, if one is scripted (atomically). */
  take: (route: RouteName): Effect.Effect<Option.Option<Fault>> =>
    Ref.modify(ref, (faults) => {
      const index = faults.findIndex((f) => matches(f.route, route))
      const found = faults[index]
      if (found === undefined) return [Option.none(), faults]
      if (found.remaining === "always") return [Option.some(found.fault), faults]
      const next = faults.slice()
      if (found.remaining <= 1) next.splice(index, 1)
      else next[index] = { ...found, remaining: found.remaining - 1 }
      return [Option.some(found.fault), next]
    })
}))

/** A fault script. */
export type Faults = Effect.Success<typeof make>

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

/** What `fault` answers for a request (`normal`: the route's own answer); `"drop"`: no answer. */
export const run = (
  fault: Fault,
  traceId: string,
  normal: Effect.Effect<Answer>
): Effect.Effect<Answer | "drop"> => {
  switch (fault._tag) {
    case "Respond": {
      const { status, headers, body } = fault
      if (body._tag === "Envelope")
        return Effect.succeed(envelope(status, body.code, body.message, traceId, headers))
      const type =
        body.contentType === undefined ? guessContentType(body.body) : { "content-type": body.contentType }
      return Effect.succeed({ status, headers: { ...type, ...headers }, body: body.body })
    }
    case "Delay":
      return Effect.andThen(
        Effect.sleep(fault.duration),
        fault.then ? run(fault.then, traceId, normal) : normal
      )
    case "Hang":
      return Effect.never
    case "Disconnect":
      return Effect.succeed("drop")
    case "AnswerLost":
      return Effect.as(normal, "drop" as const)
  }
}

/** Drops the connection: destroys a Node socket, or fails for the in-process client. */
export const drop = Effect.flatMap(HttpServerRequest.HttpServerRequest, ({ source }) => {
  const socket: unknown = Predicate.hasProperty(source, "socket") ? source.socket : undefined
  if (Predicate.hasProperty(socket, "destroy") && Predicate.isFunction(socket.destroy)) {
    socket.destroy()
    return Effect.never
  }
  return Effect.fail(new ConnectionDropped())
})
