/**
 * The script of faults FakeLinq is to inject: which fault, on which route, for
 * how many more requests.
 *
 * @since 0.1.0
 */
import { Effect, Option, Ref } from "effect"
import type { Fault, FaultRoute, InjectOptions } from "./Fault.js"
import type { RouteName } from "./Journal.js"

/**
 * One scripted fault: it answers the next `remaining` requests of `route`
 * (or all of them, `"always"`, until cleared).
 *
 * @since 0.1.0
 * @category models
 */
export interface ScriptedFault {
  readonly fault: Fault
  readonly route: FaultRoute
  readonly remaining: number | "always"
}

/**
 * The fault script's store. Faults are tried in the order they were injected;
 * the first one whose route matches answers the request.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultScript {
  /** The faults still scripted. */
  readonly scripted: Effect.Effect<ReadonlyArray<ScriptedFault>>
  /** Scripts a fault (default: route `"any"`, the next request only). */
  readonly inject: (fault: Fault, options?: InjectOptions) => Effect.Effect<void>
  /** Removes every scripted fault. */
  readonly clear: Effect.Effect<void>
  /** Takes the fault for a request to `route`, if one is scripted (atomically). */
  readonly take: (route: RouteName) => Effect.Effect<Option.Option<Fault>>
}

/**
 * Whether a scripted fault's route covers a request's route.
 *
 * @since 0.1.0
 * @category predicates
 */
export const matches = (faultRoute: FaultRoute, route: RouteName): boolean => {
  switch (faultRoute) {
    case "any":
      return true
    case "capability":
      return route === "checkImessage" || route === "checkRcs"
    default:
      return faultRoute === route
  }
}

/**
 * A new, empty fault script.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<FaultScript> = Effect.gen(function* () {
  const ref = yield* Ref.make<ReadonlyArray<ScriptedFault>>([])
  return {
    scripted: Ref.get(ref),
    inject: (fault, options = {}) => {
      const times = options.times ?? 1
      const remaining = times === "always" ? times : Math.floor(times)
      if (remaining !== "always" && !(remaining > 0)) return Effect.void
      return Ref.update(ref, (faults) => [...faults, { fault, route: options.route ?? "any", remaining }])
    },
    clear: Ref.set(ref, []),
    take: (route) =>
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
  }
})
