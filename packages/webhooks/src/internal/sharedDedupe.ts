/**
 * The duplicate window shared by every replica (with a `LinqShared` in
 * context): an `event_id` is claimed with one `SET key 1 NX PX window` in
 * Redis, so the first replica to take an event in wins and every other one
 * (a retry that reached another replica) answers it as a duplicate. The
 * replica's own window (`dedupe.ts`) stays in front: a duplicate it has seen
 * costs no round trip.
 *
 * A dead store is never a silent double: the claim fails typed, the handler
 * answers 503, and Linq retries the delivery later (its retries span about
 * 25 minutes). `linq_shared_mode{concern="dedupe"}` says 0 meanwhile.
 *
 * @internal
 */
import { type LinqShared, type SharedStoreError, sharedMode } from "@linq-effect/http"
import { Duration, Effect, Metric } from "effect"
import { Redis } from "effect/persistence"

export interface SharedClaims {
  /**
   * The claim's release when this replica is the first to take `id` in within the window
   * (`undefined`: a duplicate). Release gives `id` back (its event could not be taken in: the
   * retry must be accepted wherever it lands).
   */
  readonly claim: (id: string) => Effect.Effect<Effect.Effect<void> | undefined, SharedStoreError>
}

const gauge = sharedMode.pipe(Metric.withAttributes({ concern: "dedupe" }))

/** Deletes the claim only if it is still this replica's (never another replica's later claim). */
const releaseScript = Redis.script((key: string, token: string) => [key, token], {
  numberOfKeys: 1,
  lua: `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`
}).withReturnType<number>()

export const make = (store: LinqShared.Service, windowMillis: number): SharedClaims => {
  const key = (id: string) => `${store.prefix}webhook:seen:${id}`
  const window = String(Math.max(1, Math.round(windowMillis)))
  const instance = Math.random().toString(36).slice(2, 10)
  let next = 0
  const giveBack = (id: string, token: string) =>
    Effect.flatMap(store.redis, (redis) => redis.eval(releaseScript)(key(id), token)).pipe(
      Effect.timeout(Duration.minutes(1)),
      Effect.ignore
    )
  return {
    claim: (id) =>
      Effect.suspend(() => {
        const token = `${instance}:${next++}`
        return store
          .use("dedupe", (redis) => redis.send<string | null>("SET", key(id), token, "NX", "PX", window))
          .pipe(
            Effect.map((reply) => (reply === "OK" ? giveBack(id, token) : undefined)),
            Effect.tap(() => Metric.update(gauge, 1)),
            Effect.tapError((error) =>
              Effect.andThen(
                Metric.update(gauge, 0),
                // A `SET` that timed out (a frozen Redis) still runs when Redis wakes: take it back
                // right behind it, or Linq's retry of this refused delivery would be a "duplicate".
                error.reason === "Unavailable"
                  ? Effect.void
                  : Effect.asVoid(Effect.forkDetach(giveBack(id, token), { startImmediately: true }))
              )
            )
          )
      })
  }
}
