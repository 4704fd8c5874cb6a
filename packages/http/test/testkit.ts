/**
 * Shared helpers of the http and client tests: the layers under test over the
 * recording client, polling on real time for a forked fiber to get somewhere,
 * reading the retry wait a fiber is sleeping on (a recording clock over
 * `TestClock`), and capturing logs and spans.
 */
import type { AddRuleViolation } from "@linq-effect/core"
import { ParticipantAddResponse } from "@linq-effect/core"
import type { Exit, Schema } from "effect"
import {
  Cause,
  Clock,
  Context,
  Duration,
  Effect,
  Fiber,
  Inspectable,
  Layer,
  Logger,
  References,
  Tracer
} from "effect"
import type { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import type { LinqHttpClientOptions, LinqRequest } from "../src/index.js"
import { LinqHttpClient } from "../src/index.js"
import type { Recorder, Script } from "./RecordingHttpClient.js"
import * as RecordingHttpClient from "./RecordingHttpClient.js"
// The add call as the client describes it, rule recognition included (it lives with the operation).
import { recognizeAdd } from "../../client/src/internal/recognize.js"

/** A key that must never show up anywhere but the Authorization header. */
export const API_KEY = "sk_test_S3CRET-0f8e7d6c5b4a"

export const BASE_URL = "https://api.linq.test/api/partner"
export const CHAT_ID = "550e8400-e29b-41d4-a716-446655440000"
export const HANDLE = "+12052499136"

/** The exact texts the fake API answers rule violations with. */
export const RULE_TEXTS = {
  dm: "Cannot add or remove participants in a direct message; group chats only",
  crossService:
    "Participant does not support the chat's messaging service (iMessage); cross-service additions are not allowed, create a new chat instead",
  tooFew: "Group chats must have at least 3 participants",
  already: "Participant is already in this chat",
  notIn: "Participant is not in this chat"
} as const

/**
 * The sleeps pending on each recording clock: their ends, in ms of that
 * clock. Effect 4's `TestClock` no longer lists its sleeps (v3's
 * `TestClock.sleeps`), so `linqLayer` puts a clock in front of the test's
 * `TestClock` that delegates everything to it and keeps this list.
 */
const pendingSleeps = new WeakMap<Clock.Clock, Set<{ readonly end: number }>>()

/**
 * Under a `TestClock` (`it.effect`): that clock, recording its pending
 * sleeps for `pendingWait`. Under any other clock (`it.live`): nothing, so
 * the live clock stays the live clock.
 */
export const recordingClock: Layer.Layer<never> = Layer.effectContext(
  Effect.clockWith((current) =>
    Effect.sync(() => {
      if (!("adjust" in current)) return Context.empty()
      const inner = current as TestClock.TestClock
      const pending = new Set<{ readonly end: number }>()
      const clock: TestClock.TestClock = {
        ...inner,
        sleep: (duration) =>
          Effect.suspend(() => {
            const entry = { end: inner.currentTimeMillisUnsafe() + Duration.toMillis(duration) }
            pending.add(entry)
            return Effect.ensuring(
              inner.sleep(duration),
              Effect.sync(() => pending.delete(entry))
            )
          })
      }
      pendingSleeps.set(clock, pending)
      return Context.make(Clock.Clock, clock)
    })
  )
)

/**
 * `LinqHttpClient.layer(options)` over a recording client answering
 * `script`; the recorder too, and (under a `TestClock`) the recording clock
 * that `pendingWait` reads.
 */
export const linqLayer = (
  script: Script,
  options: Partial<LinqHttpClientOptions> = {}
): Layer.Layer<LinqHttpClient | HttpClient.HttpClient | Recorder> =>
  LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: BASE_URL, ...options }).pipe(
    Layer.provideMerge(RecordingHttpClient.layer(script)),
    // Provided to the layer as well, so that the fibers it forks (the rate limiter's) sleep on it.
    Layer.provideMerge(recordingClock)
  )

type AddCall = LinqRequest<
  ParticipantAddResponse,
  Schema.Codec.Encoded<typeof ParticipantAddResponse>,
  AddRuleViolation
>

/** The add call, as `@linq-effect/client` describes it, for the http tests. */
export const addCall = (overrides: Partial<AddCall> = {}): AddCall => ({
  method: "POST",
  path: "/v3/chats/{chatId}/participants",
  params: { chatId: CHAT_ID },
  body: { handle: HANDLE },
  response: ParticipantAddResponse,
  recognize: recognizeAdd(CHAT_ID, HANDLE),
  ...overrides
})

/** Waits on real time, a millisecond at a time, until `check` holds; dies after ~2 s. */
export const eventually = (check: Effect.Effect<boolean>, what: string): Effect.Effect<void> =>
  Effect.gen(function* () {
    for (let i = 0; i < 2000; i++) {
      if (yield* check) return
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
    }
    return yield* Effect.die(new Error(`timed out waiting for ${what}`))
  })

/**
 * The exit of a forked call that must finish without the test clock moving
 * (so without any retry wait); dies after ~2 s otherwise.
 */
export const awaitDone = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<Exit.Exit<A, E>> =>
  Effect.andThen(
    eventually(
      Effect.sync(() => fiber.pollUnsafe() !== undefined),
      "the call to finish without the clock moving"
    ),
    Fiber.await(fiber)
  )

/**
 * Moves the test clock a minute at a time (giving the fibers real time in
 * between) until `check` holds; dies after 1000 steps.
 */
export const advanceUntil = (check: Effect.Effect<boolean>, what: string): Effect.Effect<void> =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000; i++) {
      if (yield* check) return
      yield* TestClock.adjust("1 minute")
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
    }
    return yield* Effect.die(new Error(`the clock moved 1000 minutes without ${what}`))
  })

/** Waits until exactly `n` requests were recorded. */
export const awaitRequests = (recorder: Recorder["Service"], n: number): Effect.Effect<void> =>
  eventually(
    Effect.map(recorder.count, (count) => count === n),
    `${n} recorded requests`
  )

/** The longest wait a retry can be given (a `Retry-After` cap). */
const MAX_WAIT = 60_000

/**
 * The retry wait the forked fiber is sleeping on, in ms: the one sleep due
 * within the next 60 s on the recording clock `linqLayer` installs. Per-attempt
 * timeouts must be set longer than that (the tests use an hour) so that they
 * are not mistaken for it.
 */
export const pendingWait: Effect.Effect<number> = Effect.gen(function* () {
  const clock = yield* Clock.Clock
  const sleeps = pendingSleeps.get(clock)
  if (sleeps === undefined) {
    return yield* Effect.die(new Error("pendingWait needs the recording clock (linqLayer, under it.effect)"))
  }
  let wait = -1
  yield* eventually(
    Effect.gen(function* () {
      const now = clock.currentTimeMillisUnsafe()
      const due = [...sleeps].map((sleep) => sleep.end).filter((end) => end > now && end - now <= MAX_WAIT)
      if (due.length !== 1) return false
      wait = due[0]! - now
      return true
    }),
    "a retry wait"
  )
  return wait
})

/** A millisecond of real time, for the fibers waiting on a promise (a body being read). */
const realPause = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

/**
 * Gives the fibers real time until they are still: no answered body is left
 * half read, and neither the requests nor the pending sleeps changed over
 * three pauses in a row (after ~2 s it gives up waiting and goes on).
 */
const quiesce = (recorder: Recorder["Service"], sleeps: ReadonlySet<{ readonly end: number }>) =>
  Effect.gen(function* () {
    const state = Effect.gen(function* () {
      const ends = [...sleeps].map((sleep) => sleep.end).sort((a, b) => a - b)
      return `${yield* recorder.count}|${yield* recorder.openBodies}|${ends.join(",")}`
    })
    let last = ""
    let still = 0
    for (let i = 0; i < 2000 && still < 3; i++) {
      yield* realPause
      const now = yield* state
      still = now === last && (yield* recorder.openBodies) === 0 ? still + 1 : 0
      last = now
    }
  })

/**
 * Moves the test clock forward by `duration`, one pending sleep at a time,
 * letting the fibers get still (`quiesce`) before each, as v3's
 * `TestClock.adjust` did. Effect 4's `TestClock.adjust` runs every sleep due
 * within the adjustment in one go and waits only for work that the woken
 * fibers schedule on Effect's scheduler, not for a promise such as a body
 * being read: a sleep that a fiber starts after one (a rate-limit permit
 * cooling down after its attempt's answer) would be timed from the end of the
 * adjustment. Needs `linqLayer` (its recorder and recording clock).
 */
export const advance = (duration: Duration.Input): Effect.Effect<void, never, Recorder> =>
  Effect.gen(function* () {
    const recorder = yield* RecordingHttpClient.Recorder
    const clock = yield* Clock.Clock
    const sleeps = pendingSleeps.get(clock)
    if (sleeps === undefined) {
      return yield* Effect.die(new Error("advance needs the recording clock (linqLayer, under it.effect)"))
    }
    const target = clock.currentTimeMillisUnsafe() + Duration.toMillis(Duration.fromInputUnsafe(duration))
    for (;;) {
      yield* quiesce(recorder, sleeps)
      const now = clock.currentTimeMillisUnsafe()
      let next = Number.POSITIVE_INFINITY
      for (const sleep of sleeps) if (sleep.end > now && sleep.end < next) next = sleep.end
      if (next > target) {
        yield* TestClock.adjust(target - now)
        return yield* quiesce(recorder, sleeps)
      }
      yield* TestClock.adjust(next - now)
    }
  })

/** The log lines written while running an effect, at every level, as text. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    const messages: ReadonlyArray<unknown> = Array.isArray(message) ? message : [message]
    const parts = [
      logLevel.toUpperCase(),
      ...messages.map((part) => Inspectable.toStringUnknown(part)),
      ...fiber.getRef(References.CurrentLogSpans).map(([label]) => label),
      ...Object.entries(fiber.getRef(References.CurrentLogAnnotations)).map(
        ([k, v]) => `${k}=${Inspectable.toStringUnknown(v)}`
      )
    ]
    // Cause.pretty renders each error's `cause` chain too (v3's `renderErrorCause: true`).
    if (cause.reasons.length > 0) parts.push(Cause.pretty(cause))
    lines.push(parts.join(" "))
  })
  const layer = Layer.merge(
    Logger.layer([logger], { mergeWithExisting: true }),
    Layer.succeed(References.MinimumLogLevel, "All")
  )
  return { lines, layer } as const
}

/** Every span started while running an effect (their names and attributes can be read afterwards). */
export const captureSpans = () => {
  const spans: Array<Tracer.Span> = []
  const layer = Layer.effect(
    Tracer.Tracer,
    Effect.map(Effect.tracer, (base) =>
      Tracer.make({
        span: (options) => {
          const span = base.span(options)
          spans.push(span)
          return span
        },
        context: base.context
      })
    )
  )
  /** Everything a span carries, as one string per span. */
  const dump = () =>
    spans.map((span) => `${span.name} ${JSON.stringify(Object.fromEntries(span.attributes))}`)
  return { spans, layer, dump } as const
}
