/**
 * The fault script: which fault answers the next requests of which route.
 *
 * @internal
 */
import { Effect, Option, Ref } from "effect"
import type { Fault, FaultRoute, InjectOptions, ScriptedFault } from "../Fault.js"
import type { RouteName } from "../Journal.js"

const matches = (faultRoute: FaultRoute, route: RouteName): boolean =>
  faultRoute === "any" ||
  faultRoute === route ||
  (faultRoute === "capability" && (route === "checkImessage" || route === "checkRcs"))

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
export type Faults = Effect.Effect.Success<typeof make>
