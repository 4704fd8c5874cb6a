/**
 * Fresh identifiers (trace ids, chat handle ids), from Effect's `Random`.
 *
 * @since 0.1.0
 * @internal
 */
import { Effect, Random } from "effect"

const hex16 = Effect.map(Random.nextIntBetween(0, 0x10000), (n) => n.toString(16).padStart(4, "0"))

/**
 * A random version 4 UUID.
 *
 * @since 0.1.0
 * @internal
 */
export const uuid: Effect.Effect<string> = Effect.map(
  Effect.all(Array.from({ length: 8 }, () => hex16)),
  (p) => {
    const variant = ((Number.parseInt(p[4]!.slice(0, 1), 16) & 0x3) | 0x8).toString(16)
    return `${p[0]}${p[1]}-${p[2]}-4${p[3]!.slice(1)}-${variant}${p[4]!.slice(1)}-${p[5]}${p[6]}${p[7]}`
  }
)

/**
 * A fresh trace id, as the fake puts in its answers (`"trace_<32 hex digits>"`).
 *
 * @since 0.1.0
 * @internal
 */
export const traceId: Effect.Effect<string> = Effect.map(
  Effect.all(Array.from({ length: 8 }, () => hex16)),
  (p) => `trace_${p.join("")}`
)
