/**
 * The layer's rate limiter: at most `limit` attempts in any window of length
 * `interval`, in every sliding window, as the server counts their arrivals.
 *
 * It is a sliding-window log of `limit` permits. An attempt takes a permit
 * before it starts and gives it back when it ends (answered, failed, timed
 * out or interrupted); the permit may be taken again `interval` after that.
 * Counting from the end of the attempt, not its start, is what makes the
 * limit hold at the server whatever the network's delay: a request arrives
 * between its attempt's start and end, so two attempts on the same permit
 * arrive at least `interval` apart, and `limit + 1` arrivals can never fall in
 * one window. (Counting from the start would let a slow first request, on a
 * new connection, and a fast later one, on a kept-alive one, arrive closer
 * than `interval`.) It also means at most `limit` attempts are in flight.
 *
 * Waiting is fair: attempts get permits in the order they asked (FIFO). A
 * fiber interrupted while waiting takes nothing, and a permit handed to it at
 * that very moment goes back to the next in line. The wait is the limiter's,
 * not the attempt's: the attempt's timeout starts once it has its permit.
 * Everything is on Effect's `Clock`, so `TestClock` drives it.
 *
 * Why not `effect/persistence`'s `RateLimiter` (Effect 4): it offers a fixed
 * window and a token bucket, and both let a sliding window see up to about
 * twice the limit (a burst at the end of one window and another at the start
 * of the next; a full bucket then its refill). The SDK's 0.x documented that
 * every sliding window holds `limit`, so this hand-written limiter stays.
 *
 * @internal
 */
import type { Scope } from "effect"
import { Clock, Deferred, Duration, Effect, Exit } from "effect"

/** Runs an attempt under the limiter. */
export type Limiter = <A, E, R>(attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

interface Waiter {
  readonly signal: Deferred.Deferred<void>
  /** Set when a permit is handed over. */
  granted: boolean
  cancelled: boolean
}

/** A limiter of `limit` permits, each free again `interval` after its attempt ends; it lives as long as the scope. */
export const make = (
  limit: number,
  interval: Duration.Duration
): Effect.Effect<Limiter, never, Scope.Scope> =>
  Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const intervalMillis = Duration.toMillis(interval)
    // The permits free now (a count: `limit` may be large), and those given back that are not yet
    // free again, each with the time from which it is, earliest first: at most the attempts that
    // ended in the last `interval`.
    let ready = limit
    const cooling: Array<number> = []
    /** Counts the permits whose time has come as free now. */
    const settle = (now: number) => {
      while (cooling.length > 0 && cooling[0]! <= now) {
        cooling.shift()
        ready++
      }
    }
    // Those waiting, in the order they asked (cancelled ones are skipped when reached).
    const waiters: Array<Waiter> = []
    let waiting = 0
    // Set while the timekeeper has nothing to time (no one waiting, or every permit in use).
    let idle: Deferred.Deferred<void> | undefined

    const cool = (until: number) => {
      let i = cooling.length
      while (i > 0 && cooling[i - 1]! > until) i--
      cooling.splice(i, 0, until)
    }
    const wake = () => {
      if (idle === undefined) return
      const sleeping = idle
      idle = undefined
      Deferred.doneUnsafe(sleeping, Exit.void)
    }
    /** Hands every permit free by `now` to the next in line, in order. */
    const handOut = (now: number) => {
      settle(now)
      while (waiting > 0 && ready > 0) {
        const next = waiters.shift()!
        if (next.cancelled) continue
        waiting--
        ready--
        next.granted = true
        Deferred.doneUnsafe(next.signal, Exit.void)
      }
    }

    // The timekeeper: sleeps until the earliest free permit may be used while someone waits.
    // Each step is one synchronous decision, so no hand-over or wake-up falls between two of them.
    yield* Effect.forkScoped(
      Effect.forever(
        Effect.suspend(() => {
          const now = clock.currentTimeMillisUnsafe()
          handOut(now)
          if (waiting > 0 && cooling.length > 0) return Effect.sleep(Duration.millis(cooling[0]! - now))
          const sleeping = Deferred.makeUnsafe<void>()
          idle = sleeping
          return Deferred.await(sleeping)
        })
      )
    )

    const release = Effect.sync(() => {
      cool(clock.currentTimeMillisUnsafe() + intervalMillis)
      wake()
    })

    const acquire = (restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>) =>
      Effect.suspend(() => {
        const now = clock.currentTimeMillisUnsafe()
        settle(now)
        if (waiting === 0 && ready > 0) {
          ready--
          return Effect.void
        }
        const waiter: Waiter = {
          signal: Deferred.makeUnsafe<void>(),
          granted: false,
          cancelled: false
        }
        waiters.push(waiter)
        waiting++
        handOut(now)
        wake()
        return restore(Deferred.await(waiter.signal)).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              if (waiter.granted) {
                // Handed a permit as it was interrupted: the permit, unused, goes to the next in line.
                ready++
                handOut(clock.currentTimeMillisUnsafe())
              } else {
                waiter.cancelled = true
                waiting--
              }
            })
          )
        )
      })

    return <A, E, R>(attempt: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.andThen(acquire(restore), Effect.ensuring(restore(attempt), release))
      )
  })
