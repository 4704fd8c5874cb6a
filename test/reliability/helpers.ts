/**
 * Shared tooling of the reliability tests: the operations under test, the
 * documented error tags, a TestClock driver, and a capturing logger and
 * tracer for the secret checks.
 */
import { inspect } from "node:util"
import { addParticipant, removeParticipant } from "@linq-effect/client"
import type { ParticipantRequestOptions } from "@linq-effect/client"
import type { AddParticipantError, RemoveParticipantError } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Context, Exit } from "effect"
import { Cause, Clock, Duration, Effect, Fiber, Layer, Logger, Option, References, Tracer } from "effect"
import { TestClock } from "effect/testing"

/** A distinctive API key: it must never show up in an error, a log line or a span. */
export const API_KEY = "sk_live_SECRET_123"

/** The two operations under test. */
export type Operation = "add" | "remove"
export const OPERATIONS: ReadonlyArray<Operation> = ["add", "remove"]

/** What an operation answers, whichever it is. */
export type OperationResult = {
  readonly message?: string
  readonly status?: string
  readonly trace_id?: string
}
export type OperationError = AddParticipantError | RemoveParticipantError

/**
 * Runs `op` with plain string inputs, as a user would, in the `"server"` rule
 * mode unless told otherwise: one call is one change request (the default
 * `"diagnose"` mode may read the chat after a refusal; packages/client tests it).
 */
export const runOperation = (
  op: Operation,
  chatId: string,
  handle: string,
  options?: ParticipantRequestOptions
): Effect.Effect<OperationResult, OperationError, LinqHttpClient> =>
  op === "add"
    ? addParticipant(chatId, { handle }, { rules: "server", ...options })
    : removeParticipant(chatId, { handle }, { rules: "server", ...options })

// Every tag of the documented unions. A `Record` over the union's tags, so the
// compiler notices when a tag is added to or removed from a union.
const addTags: Record<AddParticipantError["_tag"], true> = {
  InvalidHandle: true,
  InvalidChatId: true,
  InvalidOption: true,
  NotAGroupChat: true,
  CrossServiceAddition: true,
  TooFewParticipants: true,
  ParticipantAlreadyInChat: true,
  Unauthorized: true,
  PermissionDenied: true,
  ChatNotFound: true,
  RateLimited: true,
  InvalidRequest: true,
  ServerError: true,
  ApiError: true,
  ConnectionError: true,
  RequestTimeout: true,
  UnexpectedResponse: true
}
const removeTags: Record<RemoveParticipantError["_tag"], true> = {
  InvalidHandle: true,
  InvalidChatId: true,
  InvalidOption: true,
  NotAGroupChat: true,
  TooFewParticipants: true,
  ParticipantNotInChat: true,
  Unauthorized: true,
  PermissionDenied: true,
  ChatNotFound: true,
  RateLimited: true,
  InvalidRequest: true,
  ServerError: true,
  ApiError: true,
  ConnectionError: true,
  RequestTimeout: true,
  UnexpectedResponse: true
}

/** The documented error tags of each operation. */
export const DOCUMENTED_TAGS: Record<Operation, ReadonlySet<string>> = {
  add: new Set(Object.keys(addTags)),
  remove: new Set(Object.keys(removeTags))
}

/**
 * How an exit ended, as one word: `"success"`, the error's tag, or
 * `"defect"` / `"interrupted"` / `"not a documented error"` when it is not a
 * plain typed failure.
 */
export const outcomeOf = (op: Operation, exit: Exit.Exit<unknown, { readonly _tag: string }>): string => {
  if (exit._tag === "Success") return "success"
  if (Cause.hasDies(exit.cause)) return `defect: ${Cause.pretty(exit.cause)}`
  if (Cause.hasInterruptsOnly(exit.cause)) return "interrupted"
  const failures = failuresOf(exit.cause)
  const [first] = failures
  if (failures.length !== 1 || first === undefined) return `unexpected cause: ${Cause.pretty(exit.cause)}`
  return DOCUMENTED_TAGS[op].has(first._tag) ? first._tag : `not a documented error: ${first._tag}`
}

/** Every typed error of a cause (its `Fail` reasons), in order. */
export const failuresOf = <E>(cause: Cause.Cause<E>): ReadonlyArray<E> =>
  cause.reasons.filter(Cause.isFailReason).map((reason) => reason.error)

/** The error of a failed exit, if it failed with one. */
export const errorOf = <E>(exit: Exit.Exit<unknown, E>): Option.Option<E> =>
  exit._tag === "Success" ? Option.none() : Cause.findErrorOption(exit.cause)

/** A real macrotask turn: lets sockets, timers and promises make progress. */
export const realTick: Effect.Effect<void> = Effect.promise(() => new Promise<void>((r) => setImmediate(r)))

/** Options of {@link drive}. */
export interface DriveOptions {
  /**
   * The client's per-attempt timeout, in milliseconds. A sleep of exactly this
   * length is an attempt's timeout: while one is the only thing pending, a
   * request is in flight, and the clock is left alone (the event loop turns)
   * unless `fireTimeouts` is set (a hanging answer, where the timeout is the
   * point).
   */
  readonly timeoutMs: number
  readonly fireTimeouts?: boolean
  /** How long, in real time, the fiber may take. Defaults to 10 seconds. */
  readonly realLimitMs?: number
}

/** A sleep pending on the driven fiber's clock: when it wakes, and how long it is. */
interface PendingSleep {
  readonly wake: number
  readonly millis: number
}

/**
 * The `TestClock`, with every pending sleep recorded (4.1's TestClock keeps
 * its sleeps to itself): a sleep is listed from when it starts until it wakes
 * or is interrupted.
 */
const recordingClock = (testClock: TestClock.TestClock) => {
  const pending = new Set<PendingSleep>()
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => testClock.currentTimeMillisUnsafe(),
    currentTimeMillis: testClock.currentTimeMillis,
    currentTimeNanosUnsafe: () => testClock.currentTimeNanosUnsafe(),
    currentTimeNanos: testClock.currentTimeNanos,
    monotonicTimeNanosUnsafe: () => testClock.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: testClock.monotonicTimeNanos,
    sleep: (duration) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          const millis = Duration.toMillis(duration)
          const entry = { wake: testClock.currentTimeMillisUnsafe() + millis, millis }
          pending.add(entry)
          return entry
        }),
        () => testClock.sleep(duration),
        (entry) => Effect.sync(() => pending.delete(entry))
      )
  }
  return { clock, pending }
}

/**
 * Runs `effect` in a fiber of its own to completion on the `TestClock`:
 * whenever it waits (a retry back-off, a `Retry-After`), the clock jumps
 * exactly to the wake-up time, so every wait is honoured to the millisecond
 * while nothing really sleeps; while a request is in flight, the event loop
 * turns instead. Dies when the fiber is still running after `realLimitMs` of
 * real time.
 */
export const drive = <A, E, R>(effect: Effect.Effect<A, E, R>, options: DriveOptions) =>
  Effect.gen(function* () {
    const testClock = yield* TestClock.testClockWith(Effect.succeed)
    const { clock, pending } = recordingClock(testClock)
    const fiber = yield* Effect.forkChild(Effect.provideService(effect, Clock.Clock, clock))
    const deadline = Date.now() + (options.realLimitMs ?? 10_000)
    while (Date.now() < deadline) {
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) return yield* exit
      const due = [...pending]
        .filter((sleep) => options.fireTimeouts === true || sleep.millis !== options.timeoutMs)
        .map((sleep) => sleep.wake)
      if (due.length > 0) yield* testClock.setTime(Math.min(...due))
      else yield* realTick
    }
    yield* Fiber.interrupt(fiber)
    return yield* Effect.die(
      new Error(`the fiber was still running after ${options.realLimitMs ?? 10_000} ms`)
    )
  })

/** Polls `check` (in real time) until it holds, or dies after `limitMs`. */
export const eventually = <E, R>(
  description: string,
  check: Effect.Effect<boolean, E, R>,
  limitMs = 5_000
): Effect.Effect<void, E, R> =>
  Effect.gen(function* () {
    const deadline = Date.now() + limitMs
    while (!(yield* check)) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting for: ${description}`))
      yield* Effect.promise(() => new Promise<void>((r) => setTimeout(r, 5)))
    }
  })

// ---------------------------------------------------------------------------
// Capture: every log line (at log level "All") and every span (with its
// attributes, events and links), to look for secrets in.
// ---------------------------------------------------------------------------

const hex = (bytes: number): string => {
  let out = ""
  for (let i = 0; i < bytes; i++) {
    out += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0")
  }
  return out
}

/** A span that keeps everything it is told. */
export class CapturedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = hex(8)
  readonly traceId: string
  readonly sampled: boolean
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> }> = []
  readonly links: Array<Tracer.SpanLink>
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly annotations: Context.Context<never>
  readonly kind: Tracer.SpanKind
  constructor(options: Parameters<Tracer.Tracer["span"]>[0]) {
    this.name = options.name
    this.parent = options.parent
    this.annotations = options.annotations
    this.kind = options.kind
    this.sampled = options.sampled
    this.traceId = Option.match(options.parent, { onNone: () => hex(16), onSome: (p) => p.traceId })
    this.links = [...options.links]
    this.status = { _tag: "Started", startTime: options.startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes: attributes ?? {} })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

const show = (value: unknown): string => {
  if (typeof value === "string") return value
  try {
    return `${String(value)} ${JSON.stringify(value)}`
  } catch {
    return inspect(value, { depth: 8 })
  }
}

/** A capturing logger and tracer, and what they captured. */
export interface Capture {
  readonly logs: Array<string>
  readonly spans: Array<CapturedSpan>
  readonly tracer: Tracer.Tracer
  /** Replaces every logger with the capturing one, at log level `"All"`. */
  readonly loggerLayer: Layer.Layer<never>
  /** Every span attribute, event and link attribute, as `where: text`. */
  readonly spanTexts: () => ReadonlyArray<string>
  readonly clear: () => void
}

export const makeCapture = (): Capture => {
  const logs: Array<string> = []
  const spans: Array<CapturedSpan> = []
  const logger = Logger.make((options) => {
    logs.push(Logger.formatLogFmt.log(options))
    logs.push(Logger.formatJson.log(options))
  })
  return {
    logs,
    spans,
    tracer: Tracer.make({
      span: (options) => {
        const span = new CapturedSpan(options)
        spans.push(span)
        return span
      }
    }),
    loggerLayer: Layer.merge(Logger.layer([logger]), Layer.succeed(References.MinimumLogLevel, "All")),
    spanTexts: () =>
      spans.flatMap((span) => [
        `span name: ${span.name}`,
        ...Array.from(
          span.attributes,
          ([key, value]) => `span ${span.name} attribute ${key}: ${show(value)}`
        ),
        ...span.events.map((event) => `span ${span.name} event ${event.name}: ${show(event.attributes)}`),
        ...span.links.map((link) => `span ${span.name} link: ${show(link.attributes)}`)
      ]),
    clear: () => {
      logs.length = 0
      spans.length = 0
    }
  }
}

/** Runs `self` with the capture's tracer and logger. */
export const captured =
  (capture: Capture) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    self.pipe(Effect.withTracer(capture.tracer), Effect.provide(capture.loggerLayer))

/** Every way a program could print an exit: the error as a string, as JSON, inspected, and the pretty cause. */
export const renderExit = (exit: Exit.Exit<unknown, unknown>): ReadonlyArray<string> => {
  if (exit._tag === "Success") return []
  const out = [`Cause.pretty: ${Cause.pretty(exit.cause)}`]
  for (const error of failuresOf(exit.cause)) {
    out.push(`String(error): ${String(error)}`)
    out.push(`JSON.stringify(error): ${JSON.stringify(error)}`)
    out.push(`inspect(error): ${inspect(error, { depth: 8 })}`)
    if (error instanceof Error)
      out.push(`error.message: ${error.message}`, `error.stack: ${error.stack ?? ""}`)
  }
  return out
}

/** The texts (of `texts`) that contain `needle`. */
export const leaksOf = (needle: string, texts: ReadonlyArray<string>): ReadonlyArray<string> =>
  needle === "" ? [] : texts.filter((text) => text.includes(needle))
