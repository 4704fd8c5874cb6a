/**
 * Secrets, beyond what the matrix and the fuzzers already check in every
 * cell and run: the capture really sees what it must (so that "nothing
 * leaked" means something); the key travels through `layerConfig` as a
 * `Redacted`; a server that echoes the Authorization header, and a malformed
 * key that the transport quotes back, put the key in no error; the handle is
 * in no log line or span, whatever the outcome.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import type { Exit } from "effect"
import { Cause, ConfigProvider, Context, Effect, Layer, Option } from "effect"
import type { Capture } from "./helpers.js"
import { API_KEY, captured, errorOf, leaksOf, makeCapture, renderExit, runOperation } from "./helpers.js"

const CHAT = FakeLinq.chats.iMessageGroup
const HANDLE = FakeLinq.handles.newcomer

/** Where `secret` (and its trimmed form) shows up: the exit, the logs, the spans. */
const leaks = (secret: string, exit: Exit.Exit<unknown, unknown>, capture: Capture) => {
  const texts = [...renderExit(exit), ...capture.logs, ...capture.spanTexts()]
  return [...leaksOf(secret, texts), ...leaksOf(secret.trim(), texts)]
}

const transports = [
  { name: "undici", layer: NodeHttpClient.layerUndici },
  { name: "fetch", layer: FetchHttpClient.layer }
] as const

describe("secrets", () => {
  it.effect("the capture sees the debug log lines and the spans (the checks are not vacuous)", () =>
    Effect.gen(function* () {
      const capture = makeCapture()
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503), { times: 1 })
      const linq = yield* LinqHttpClient.make({ apiKey: API_KEY, maxRetries: 0 })
      const exit = yield* runOperation("add", CHAT, HANDLE).pipe(
        Effect.provideService(LinqHttpClient, linq),
        captured(capture),
        Effect.exit
      )
      expect(Option.map(errorOf(exit), (e) => e._tag)).toEqual(Option.some("ServerError"))
      expect(capture.logs.some((line) => line.includes("attempt 1 failed with ServerError"))).toBe(true)
      const sdkSpan = capture.spans.find((span) => span.name === "Linq POST /v3/chats/{chatId}/participants")
      expect(sdkSpan?.attributes.get("linq.attempts")).toBe(1)
      expect(sdkSpan?.attributes.get("error.type")).toBe("ServerError")
      // The platform's client span, when it is traced, shows the header redacted.
      for (const span of capture.spans.filter((s) => s.attributes.has("http.request.header.authorization"))) {
        expect(span.attributes.get("http.request.header.authorization")).toBe("<redacted>")
        expect(span.attributes.get("url.full")).toContain(CHAT)
      }
      expect(leaks(API_KEY, exit, capture)).toEqual([])
      expect(leaksOf(HANDLE, [...capture.logs, ...capture.spanTexts()])).toEqual([])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("through layerConfig (a Redacted from Config), a refused key leaks nowhere", () =>
    Effect.gen(function* () {
      const capture = makeCapture()
      const linq = yield* LinqHttpClient
      const exit = yield* runOperation("remove", CHAT, FakeLinq.handles.dave).pipe(
        Effect.provideService(LinqHttpClient, linq),
        captured(capture),
        Effect.exit
      )
      expect(Option.map(errorOf(exit), (e) => e._tag)).toEqual(Option.some("Unauthorized"))
      expect(leaks(API_KEY, exit, capture)).toEqual([])
      expect(leaksOf(FakeLinq.handles.dave, [...capture.logs, ...capture.spanTexts()])).toEqual([])
    }).pipe(
      Effect.provide(
        LinqHttpClient.layerConfig({ maxRetries: 0 }).pipe(
          Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { apiKey: "sk_live_another_key" })),
          Layer.provide(
            Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["LINQ_API_V3_API_KEY", API_KEY]])))
          )
        )
      )
    )
  )

  const echoes = [
    {
      name: "a 401 envelope quoting the Authorization header",
      fault: Fault.status(401, { message: `Invalid API key: Bearer ${API_KEY}` }),
      tag: "Unauthorized"
    },
    {
      name: "a 502 HTML page dumping the request headers",
      fault: Fault.body(502, `<html><pre>authorization: Bearer ${API_KEY}\nhost: api</pre></html>`),
      tag: "ServerError"
    },
    {
      name: "a 200 debug page dumping the request headers",
      fault: Fault.body(200, `<pre>Authorization: Bearer ${API_KEY}</pre>`),
      tag: "UnexpectedResponse"
    },
    {
      name: "a 429 whose trace id is the key",
      fault: Fault.body(
        429,
        `{"success":false,"error":{"status":429,"message":"slow down"},"trace_id":"${API_KEY}"}`
      ),
      tag: "RateLimited"
    }
  ] as const

  for (const { name, layer } of transports) {
    for (const echo of echoes) {
      it.scopedLive(`over ${name}: ${echo.name} puts the key in no error`, () =>
        Effect.gen(function* () {
          const capture = makeCapture()
          const fake = yield* FakeLinq.serve()
          yield* fake.inject(echo.fault, { times: "always" })
          const platform = yield* Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
          const linq = yield* LinqHttpClient.make({
            apiKey: API_KEY,
            baseUrl: fake.baseUrl,
            maxRetries: 0
          }).pipe(Effect.provideService(HttpClient.HttpClient, platform))
          const exit = yield* runOperation("add", CHAT, HANDLE).pipe(
            Effect.provideService(LinqHttpClient, linq),
            captured(capture),
            Effect.exit
          )
          expect(Option.map(errorOf(exit), (e) => e._tag)).toEqual(Option.some(echo.tag))
          expect(leaks(API_KEY, exit, capture)).toEqual([])
        })
      )
    }

    // A key read from a file with a stray line break, or pasted with one: the
    // client refuses it when it is built (a defect that does not quote it, and
    // nothing is sent); padded with spaces, the transport trims it.
    for (const key of [`${API_KEY}\n`, `${API_KEY}\r\nX-Injected: 1`, `${API_KEY}\u0000`, ` ${API_KEY} `]) {
      it.scopedLive(
        `over ${name}: a malformed key ${JSON.stringify(key)} leaks nowhere and injects no header`,
        () =>
          Effect.gen(function* () {
            const capture = makeCapture()
            const fake = yield* FakeLinq.serve()
            const platform = yield* Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
            const built = yield* LinqHttpClient.make({
              apiKey: key,
              baseUrl: fake.baseUrl,
              maxRetries: 0
            }).pipe(Effect.provideService(HttpClient.HttpClient, platform), Effect.exit)
            if (/[\r\n\0]/.test(key)) {
              expect(built._tag === "Failure" && Cause.isDie(built.cause)).toBe(true)
              expect(renderExit(built).filter((text) => text.includes(API_KEY))).toEqual([])
              expect(yield* fake.journal).toEqual([])
              return
            }
            const linq = yield* built
            const exit = yield* runOperation("add", CHAT, HANDLE).pipe(
              Effect.provideService(LinqHttpClient, linq),
              captured(capture),
              Effect.exit
            )
            const outcome = exit._tag === "Success" ? "success" : Option.map(errorOf(exit), (e) => e._tag)
            expect([Option.some("ConnectionError"), "success"]).toContainEqual(outcome)
            expect(leaks(key, exit, capture)).toEqual([])
            for (const entry of yield* fake.journal) {
              expect(entry.headers["x-injected"]).toBeUndefined()
            }
          })
      )
    }
  }
})
