/**
 * Fuzzed input: thousands of generated handles and chat ids (Unicode, control
 * characters, CR/LF, very long strings, path tricks, lone surrogates, quotes).
 * Each is either refused with `InvalidHandle` / `InvalidChatId` and nothing is
 * sent, or accepted and sent safely: exactly one request, the chat id as
 * exactly one path segment that decodes back to it, the handle intact in the
 * JSON body, and only the SDK's own headers. Never a defect; the key in no
 * error, log line or span, an accepted handle in no log line or span.
 */
import { HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ChatId, Handle, isHandle } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import type { FakeLinqService } from "@linq-effect/testing"
import { FakeLinq, InProcessClient } from "@linq-effect/testing"
import { Cause, Context, Effect, Exit, Layer, Option, Schema } from "effect"
import * as fc from "fast-check"
import { fuzzedChatId, fuzzedHandle, phone, TRICKS } from "./arbitraries.js"
import type { Capture, Operation } from "./helpers.js"
import {
  API_KEY,
  captured,
  DOCUMENTED_TAGS,
  errorOf,
  leaksOf,
  makeCapture,
  OPERATIONS,
  outcomeOf,
  renderExit,
  runOperation
} from "./helpers.js"

const RUNS = 1_500
const LOOPBACK_RUNS = 100

const isChatId = Schema.is(ChatId)

// Independent oracles: inputs the SDK must refuse, whatever its validators say.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const CONTROL_OR_SPACE = /[\p{Cc}\s]/u

const mustRefuseChatId = (s: string): boolean =>
  s.length === 0 ||
  s.length > 256 ||
  s === "." ||
  s === ".." ||
  /[/?#%\\]/.test(s) ||
  CONTROL_OR_SPACE.test(s) ||
  LONE_SURROGATE.test(s)

const mustRefuseHandle = (s: string): boolean =>
  s.length === 0 ||
  s.length > 254 ||
  CONTROL_OR_SPACE.test(s) ||
  LONE_SURROGATE.test(s) ||
  (!s.startsWith("+") && !s.includes("@"))

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength

/** Characters a percent-encoded path segment may hold. */
const SEGMENT = /^(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-F]{2})+$/

interface Harness {
  readonly fake: FakeLinqService
  readonly linq: LinqHttpClient.Service
  readonly capture: Capture
  readonly loopback: boolean
}

/** Runs one operation with fuzzed inputs and checks everything the property promises. */
const check = (h: Harness, op: Operation, chatId: string, handle: string) =>
  Effect.gen(function* () {
    yield* h.fake.reset
    h.capture.clear()
    const exit = yield* runOperation(op, chatId, handle).pipe(
      Effect.provideService(LinqHttpClient, h.linq),
      Effect.exit
    )
    const journal = yield* h.fake.journal
    const outcome = outcomeOf(op, exit)

    // Never a defect: success or a documented error.
    expect(outcome === "success" || DOCUMENTED_TAGS[op].has(outcome), outcome).toBe(true)

    // The SDK's validators refuse at least what the independent oracles refuse (the chat id is checked first).
    if (mustRefuseChatId(chatId)) expect(outcome).toBe("InvalidChatId")
    else if (isChatId(chatId) && mustRefuseHandle(handle)) expect(outcome).toBe("InvalidHandle")
    const accepted = isChatId(chatId) && isHandle(handle)
    expect(outcome === "InvalidChatId" || outcome === "InvalidHandle").toBe(!accepted)

    const texts = [...h.capture.logs, ...h.capture.spanTexts()]
    expect(leaksOf(API_KEY, [...renderExit(exit), ...texts])).toEqual([])

    if (!accepted) {
      // Refused: nothing sent, and the error keeps the input.
      expect(journal).toEqual([])
      const error = errorOf(exit)
      expect(Option.isSome(error) && "input" in error.value ? error.value.input : undefined).toBe(
        outcome === "InvalidChatId" ? chatId : handle
      )
      return
    }

    // Accepted: exactly one request...
    expect(journal).toHaveLength(1)
    const [entry] = journal
    if (entry === undefined) return
    expect(entry.route).toBe(op)
    expect(entry.method).toBe(op === "add" ? "POST" : "DELETE")
    // ...whose chat id is exactly one path segment that decodes back to it...
    const segments = entry.path.split("/")
    expect(segments).toHaveLength(7)
    expect([...segments.slice(0, 5), segments[6]]).toEqual([
      "",
      "api",
      "partner",
      "v3",
      "chats",
      "participants"
    ])
    const segment = segments[5] ?? ""
    expect(segment).toMatch(SEGMENT)
    expect(decodeURIComponent(segment)).toBe(chatId)
    expect(entry.chatId).toBe(chatId)
    // ...the handle intact in the JSON body...
    expect(entry.text).toBe(JSON.stringify({ handle }))
    expect(entry.json).toEqual({ handle })
    // ...and only the SDK's own headers (no CR/LF, nothing from the input).
    for (const [name, value] of Object.entries(entry.headers)) {
      expect(value).not.toMatch(/[\r\n\0]/)
      switch (name) {
        case "accept":
        case "content-type":
          expect(value).toBe("application/json")
          break
        case "user-agent":
          expect(value).toMatch(/^linq-effect\/\d+\.\d+\.\d+$/)
          break
        case "authorization":
          expect(value).toBe("Bearer <redacted>")
          break
        case "content-length":
          expect(value).toBe(String(utf8Length(entry.text)))
          break
        case "traceparent":
          expect(value).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
          break
        case "b3":
          expect(value).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-1(-[0-9a-f]{16})?$/)
          break
        case "host":
          expect(h.loopback).toBe(true)
          expect(value).toMatch(/^127\.0\.0\.1:\d+$/)
          break
        case "connection":
          expect(h.loopback).toBe(true)
          expect(value).toBe("keep-alive")
          break
        default:
          expect.fail(`unexpected request header ${JSON.stringify(name)}: ${JSON.stringify(value)}`)
      }
    }
    // The handle shows up in no log line and no span attribute.
    expect(leaksOf(handle, texts)).toEqual([])
  })

/** Runs `check` as a FastCheck property over a long-lived harness (the capture installed once). */
const property = (
  h: Harness,
  inputs: fc.Arbitrary<readonly [string, string]>,
  numRuns: number,
  op: Operation
) =>
  Effect.gen(function* () {
    const context = yield* captured(h.capture)(Effect.context<never>())
    const run = Effect.runPromiseExitWith(context)
    yield* Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(inputs, async ([chatId, handle]) => {
          const exit = await run(check(h, op, chatId, handle))
          if (Exit.isFailure(exit)) throw new Error(Cause.pretty(exit.cause))
        }),
        { numRuns }
      )
    )
  })

const inProcess = Effect.gen(function* () {
  const fake = yield* FakeLinq.make()
  const linq = yield* LinqHttpClient.make({ apiKey: API_KEY, maxRetries: 0 }).pipe(
    Effect.provideService(HttpClient.HttpClient, InProcessClient.make(fake.handle))
  )
  return { fake, linq, capture: makeCapture(), loopback: false } satisfies Harness
})

const overLoopback = Effect.gen(function* () {
  const fake = yield* FakeLinq.serve()
  const platform = yield* Effect.map(
    Layer.build(NodeHttpClient.layerUndici),
    Context.get(HttpClient.HttpClient)
  )
  const linq = yield* LinqHttpClient.make({ apiKey: API_KEY, maxRetries: 0, baseUrl: fake.baseUrl }).pipe(
    Effect.provideService(HttpClient.HttpClient, platform)
  )
  return { fake, linq, capture: makeCapture(), loopback: true } satisfies Harness
})

const validChat = fc.constantFrom(
  FakeLinq.chats.iMessageGroup,
  FakeLinq.chats.smallGroup,
  FakeLinq.chats.missing
)
const validHandle = fc.oneof(phone, fc.constantFrom(...Object.values(FakeLinq.handles)))

/** A fuzzed chat id with a valid handle, a valid chat id with a fuzzed handle, or both fuzzed. */
const inputs = fc.oneof(
  fc.tuple(fuzzedChatId, validHandle),
  fc.tuple(validChat, fuzzedHandle),
  fc.tuple(fuzzedChatId, fuzzedHandle)
)

describe("fuzzed input", () => {
  for (const op of OPERATIONS) {
    it.effect(`${op}: fuzzed chat ids and handles, in-process (${RUNS} runs)`, () =>
      Effect.flatMap(inProcess, (h) => property(h, inputs, RUNS, op))
    )
    it.live(
      `${op}: fuzzed chat ids and handles, over loopback HTTP with undici (${LOOPBACK_RUNS} runs)`,
      () => Effect.flatMap(overLoopback, (h) => property(h, inputs, LOOPBACK_RUNS, op))
    )
  }

  // The valid side, from core's own Schemas (their generators: UUID chat ids, E.164 numbers and
  // email addresses): every such input is accepted and sent as given.
  for (const op of OPERATIONS) {
    it.effect.prop(
      `${op}: every chat id and handle core's Schemas generate is sent, once, as given`,
      { chatId: ChatId, handle: Handle },
      ({ chatId, handle }) =>
        Effect.gen(function* () {
          expect(isChatId(chatId) && isHandle(handle)).toBe(true)
          const h = yield* inProcess
          yield* captured(h.capture)(check(h, op, chatId, handle))
          expect((yield* h.fake.journal).map((entry) => entry.route)).toEqual([op])
        }),
      { arbitrary: { runs: 200 } }
    )
  }

  it.effect("every trick, alone, as a chat id and as a handle", () =>
    Effect.gen(function* () {
      const h = yield* inProcess
      yield* captured(h.capture)(
        Effect.forEach(OPERATIONS, (op) =>
          Effect.forEach(TRICKS, (trick) =>
            Effect.all([
              check(h, op, trick, FakeLinq.handles.newcomer),
              check(h, op, FakeLinq.chats.iMessageGroup, trick),
              check(h, op, FakeLinq.chats.iMessageGroup, `a${trick}b@example.com`),
              check(h, op, `${FakeLinq.chats.iMessageGroup}${trick}`, FakeLinq.handles.newcomer)
            ])
          )
        )
      )
    })
  )
})
