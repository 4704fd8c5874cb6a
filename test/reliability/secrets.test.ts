/**
 * Secrets, beyond what the matrix and the fuzzers already check in every
 * cell and run: the capture really sees what it must (so that "nothing
 * leaked" means something); the key travels through `layerConfig` as a
 * `Redacted`; a server that echoes the Authorization header, and a malformed
 * key that the transport quotes back, put the key in no error; the handle is
 * in no log line or span, whatever the outcome.
 */
import { inspect } from "node:util"
import { FetchHttpClient, HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ensureWebhookSubscription } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import type { Exit } from "effect"
import { Cause, ConfigProvider, Context, Effect, Layer, Option, Redacted } from "effect"
import type { Capture } from "./helpers.js"
import { API_KEY, captured, errorOf, leaksOf, makeCapture, renderExit, runOperation } from "./helpers.js"

const CHAT = FakeLinq.chats.iMessageGroup
const HANDLE = FakeLinq.handles.newcomer

/** Where `secret` (and its trimmed form) shows up: the exit, the logs, the spans. */
const leaks = (secret: string, exit: Exit.Exit<unknown, unknown>, capture: Capture) => {
  const texts = [...renderExit(exit), ...capture.logs, ...capture.spanTexts()]
  return [...leaksOf(secret, texts), ...leaksOf(secret.trim(), texts)]
}

/** Every character as a `\u` escape, as some JSON encoders write non-alphanumerics (and some write all). */
const unicodeEscaped = (text: string) =>
  Array.from(text, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")

/** Every character percent-encoded (the key has none that `encodeURIComponent` would touch). */
const percentEncoded = (text: string) =>
  Array.from(text, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("")

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
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ LINQ_API_V3_API_KEY: API_KEY })))
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
    // Issue 13: echoes the raw-body scrub cannot see, the key hidden by an escape that the JSON decoding undoes.
    {
      name: "a 401 envelope quoting the header with every character a \\u escape",
      fault: Fault.body(
        401,
        `{"success":false,"error":{"status":401,"message":"bad header: Bearer ${unicodeEscaped(API_KEY)}"}}`
      ),
      tag: "Unauthorized"
    },
    {
      name: "a 400 envelope quoting the header with \\u escapes and \\/ mixed",
      fault: Fault.body(
        400,
        `{"success":false,"error":{"status":400,"message":"bad header: Bearer \\/${unicodeEscaped(API_KEY.slice(0, 5))}${API_KEY.slice(5)}\\/"}}`
      ),
      tag: "InvalidRequest"
    },
    {
      name: "a 400 envelope quoting the header percent-encoded",
      fault: Fault.status(400, { message: `bad header: Bearer ${percentEncoded(API_KEY)}` }),
      tag: "InvalidRequest",
      form: percentEncoded(API_KEY)
    },
    {
      name: "a 502 page quoting the header in base64",
      fault: Fault.body(502, `<pre>x-debug: ${btoa(`Authorization: Bearer ${API_KEY}`)}</pre>`),
      tag: "ServerError",
      // The characters of the base64 that encode the key alone.
      form: btoa(`Authorization: Bearer ${API_KEY}`).slice(32, -4)
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
      it.live(`over ${name}: ${echo.name} puts the key in no error`, () =>
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
          if ("form" in echo) expect(leaks(echo.form, exit, capture)).toEqual([])
        })
      )
    }

    // Issue 13: handles the server quotes are masked in `message` and reach no span or log line; the
    // server's own words stay reachable, on purpose, as `serverMessage`.
    for (const [quoted, mask] of [
      ["+442071234567", "<phone>"],
      ["+1 (205) 249-9136", "<phone>"],
      ["+33.6.12.34.56.78", "<phone>"],
      ["bob@example.com", "<email>"],
      ["o'neil+linq@mail.example.co.uk", "<email>"]
    ] as const) {
      for (const [status, tag, wording] of [
        [400, "InvalidRequest", (h: string) => `Handle ${h} is blocked by the carrier`],
        [403, "PermissionDenied", (h: string) => `${h}: sending to this recipient is not permitted.`],
        [500, "ServerError", (h: string) => `upstream error while delivering to <${h}>`]
      ] as const) {
        it.live(`over ${name}: a ${status} quoting ${quoted} has it masked in message and in no span`, () =>
          Effect.gen(function* () {
            const capture = makeCapture()
            const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
            yield* fake.inject(Fault.status(status, { message: wording(quoted) }), { times: "always" })
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
            const error = Option.getOrThrow(errorOf(exit)) as {
              _tag: string
              message: string
              serverMessage?: string
            }
            expect(error._tag).toBe(tag)
            expect(error.message).toBe(wording(mask))
            expect(error.serverMessage).toBe(wording(quoted))
            const pretty = exit._tag === "Failure" ? Cause.pretty(exit.cause) : ""
            const texts = [pretty, String(error), ...capture.logs, ...capture.spanTexts()]
            expect(leaksOf(quoted, texts)).toEqual([])
            expect(leaks(API_KEY, exit, capture)).toEqual([])
          })
        )
      }
    }

    // A key read from a file with a stray line break, or pasted with one: the
    // client refuses it when it is built (a defect that does not quote it, and
    // nothing is sent); padded with spaces, the transport trims it.
    for (const key of [`${API_KEY}\n`, `${API_KEY}\r\nX-Injected: 1`, `${API_KEY}\u0000`, ` ${API_KEY} `]) {
      it.live(
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
              expect(built._tag === "Failure" && Cause.hasDies(built.cause)).toBe(true)
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

  // Issue 15: the webhook signing secret Linq shows once, in the 201 of the subscription's creation.
  describe("the webhook signing secret", () => {
    const TARGET = "https://hooks.example.com/linq"
    const SECRET = "whsec_c2VjcmV0LXNob3duLW9uY2UtYnktbGlucSE="

    it.effect(
      "ensureWebhookSubscription: in no value's printout, log line or span; readable only by Redacted.value",
      () =>
        Effect.gen(function* () {
          const capture = makeCapture()
          const fake = yield* FakeLinq
          const exit = yield* ensureWebhookSubscription({ targetUrl: TARGET }).pipe(
            captured(capture),
            Effect.exit
          )
          expect(exit._tag).toBe("Success")
          const [stored] = yield* fake.webhooks.subscriptions
          const secret = stored?.signing_secret ?? "missing"
          const value = exit._tag === "Success" ? exit.value : undefined
          const printed = [String(value), JSON.stringify(value), inspect(value, { depth: 8 })]
          expect(leaksOf(secret, [...printed, ...capture.logs, ...capture.spanTexts()])).toEqual([])
          expect(capture.spans.length).toBeGreaterThan(0)
          expect(Option.map(value?.signingSecret ?? Option.none(), Redacted.value)).toEqual(
            Option.some(secret)
          )
        }).pipe(
          Effect.provide(LinqHttpClient.layer({ apiKey: API_KEY }).pipe(Layer.provideMerge(FakeLinq.layer())))
        )
    )

    it.effect("a 201 that is not the documented shape: the secret is cut out of the UnexpectedResponse", () =>
      Effect.gen(function* () {
        const capture = makeCapture()
        const fake = yield* FakeLinq
        yield* fake.inject(Fault.body(200, `{"subscriptions":[]}`), { route: "webhookSubscriptions" })
        yield* fake.inject(Fault.body(201, `{"id":42,"signing_secret":"${SECRET}"}`), {
          route: "webhookSubscriptions"
        })
        const exit = yield* ensureWebhookSubscription({ targetUrl: TARGET }).pipe(
          captured(capture),
          Effect.exit
        )
        expect(Option.map(errorOf(exit), (e) => e._tag)).toEqual(Option.some("UnexpectedResponse"))
        expect(leaks(SECRET, exit, capture)).toEqual([])
        expect(renderExit(exit).some((text) => text.includes("<redacted>"))).toBe(true)
      }).pipe(
        Effect.provide(
          LinqHttpClient.layer({ apiKey: API_KEY, maxRetries: 0 }).pipe(Layer.provideMerge(FakeLinq.layer()))
        )
      )
    )
  })
})
