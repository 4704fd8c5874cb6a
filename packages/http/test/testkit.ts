/**
 * Shared helpers of the http and client tests: the layers under test over the
 * recording client, polling on real time for a forked fiber to get somewhere,
 * reading the retry wait a fiber is sleeping on from `TestClock`, and
 * capturing logs and spans.
 */
import type { AddRuleViolation } from "@linq-effect/core"
import { ParticipantAddResponse } from "@linq-effect/core"
import type { HttpClient } from "@effect/platform"
import type { Context, Exit, Schema } from "effect"
import {
  Cause,
  Chunk,
  Clock,
  Effect,
  Fiber,
  HashMap,
  Inspectable,
  Layer,
  List,
  Logger,
  LogLevel,
  Option,
  TestClock,
  Tracer
} from "effect"
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

/** `LinqHttpClient.layer(options)` over a recording client answering `script`; the recorder too. */
export const linqLayer = (
  script: Script,
  options: Partial<LinqHttpClientOptions> = {}
): Layer.Layer<LinqHttpClient | HttpClient.HttpClient | Recorder> =>
  LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: BASE_URL, ...options }).pipe(
    Layer.provideMerge(RecordingHttpClient.layer(script))
  )

type AddCall = LinqRequest<
  ParticipantAddResponse,
  Schema.Schema.Encoded<typeof ParticipantAddResponse>,
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
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

/**
 * The exit of a forked call that must finish without the test clock moving
 * (so without any retry wait); dies after ~2 s otherwise.
 */
export const awaitDone = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<Exit.Exit<A, E>> =>
  Effect.zipRight(
    eventually(Effect.map(Fiber.poll(fiber), Option.isSome), "the call to finish without the clock moving"),
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
    return yield* Effect.dieMessage(`the clock moved 1000 minutes without ${what}`)
  })

/** Waits until exactly `n` requests were recorded. */
export const awaitRequests = (recorder: Context.Tag.Service<Recorder>, n: number): Effect.Effect<void> =>
  eventually(
    Effect.map(recorder.count, (count) => count === n),
    `${n} recorded requests`
  )

/** The longest wait a retry can be given (a `Retry-After` cap). */
const MAX_WAIT = 60_000

/**
 * The retry wait the forked fiber is sleeping on, in ms: the one `TestClock`
 * sleep due within the next 60 s. Per-attempt timeouts must be set longer
 * than that (the tests use an hour) so that they are not mistaken for it.
 */
export const pendingWait: Effect.Effect<number> = Effect.gen(function* () {
  let wait = -1
  yield* eventually(
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const due = Chunk.toReadonlyArray(yield* TestClock.sleeps()).filter(
        (end) => end > now && end - now <= MAX_WAIT
      )
      if (due.length !== 1) return false
      wait = due[0]! - now
      return true
    }),
    "a retry wait"
  )
  return wait
})

/** The log lines written while running an effect, at every level, as text. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message, spans }) => {
    const parts = [
      logLevel.label,
      Inspectable.toStringUnknown(message),
      ...List.toArray(spans).map((span) => span.label),
      ...[...HashMap.entries(annotations)].map(([k, v]) => `${k}=${Inspectable.toStringUnknown(v)}`)
    ]
    if (!Cause.isEmpty(cause)) parts.push(Cause.pretty(cause, { renderErrorCause: true }))
    lines.push(parts.join(" "))
  })
  const layer = Layer.merge(Logger.add(logger), Logger.minimumLogLevel(LogLevel.All))
  return { lines, layer } as const
}

/** Every span started while running an effect (their names and attributes can be read afterwards). */
export const captureSpans = () => {
  const spans: Array<Tracer.Span> = []
  const layer = Layer.unwrapEffect(
    Effect.map(Effect.tracer, (base) =>
      Layer.setTracer(
        Tracer.make({
          span: (name, parent, context, links, startTime, kind, options) => {
            const span = base.span(name, parent, context, links, startTime, kind, options)
            spans.push(span)
            return span
          },
          context: base.context
        })
      )
    )
  )
  /** Everything a span carries, as one string per span. */
  const dump = () =>
    spans.map((span) => `${span.name} ${JSON.stringify(Object.fromEntries(span.attributes))}`)
  return { spans, layer, dump } as const
}
