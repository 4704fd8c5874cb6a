/**
 * Fresh identifiers (trace ids, chat handle ids), from Effect's `Random`.
 *
 * @internal
 */
import { Effect, Random } from "effect"

/** 32 random hex digits. */
const hex32 = Effect.map(
  Effect.all(Array.from({ length: 8 }, () => Random.nextIntBetween(0, 0x10000))),
  (ns) => ns.map((n) => n.toString(16).padStart(4, "0")).join("")
)

/** A random version 4 UUID. */
export const uuid: Effect.Effect<string> = Effect.map(hex32, (h) => {
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`
})

/** A fresh trace id, as the fake puts in its answers (`"trace_<32 hex digits>"`). */
export const traceId: Effect.Effect<string> = Effect.map(hex32, (h) => `trace_${h}`)
