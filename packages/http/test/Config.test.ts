import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigError, ConfigProvider, Effect, Exit, Layer, Option } from "effect"
import type { LinqHttpClientOptions } from "../src/index.js"
import { LinqHttpClient } from "../src/index.js"
import * as RecordingHttpClient from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { API_KEY, addCall, CHAT_ID } from "./testkit.js"

const PATH = `/v3/chats/${CHAT_ID}/participants`

/** `layerConfig(options)` over a recording client, with `env` as the only config. */
const fromEnv = (
  env: Record<string, string>,
  options: Omit<LinqHttpClientOptions, "apiKey" | "baseUrl"> = {}
) =>
  LinqHttpClient.layerConfig(options).pipe(
    Layer.provideMerge(RecordingHttpClient.layer([Answer.accepted()])),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

/** Sends one add through the layer; returns the recorded request. */
const sendOne = Effect.gen(function* () {
  const client = yield* LinqHttpClient
  const recorder = yield* Recorder
  yield* client.execute(addCall())
  return yield* recorder.request(0)
})

/** The ConfigError a layer fails to build with. */
const configErrorOf = <E>(layer: Layer.Layer<LinqHttpClient, E>) =>
  Effect.gen(function* () {
    const exit = yield* Effect.exit(Effect.provide(LinqHttpClient, layer))
    expect(Exit.isFailure(exit)).toBe(true)
    if (!Exit.isFailure(exit)) throw new Error("the layer built")
    const failure = Cause.failureOption(exit.cause)
    expect(Option.isSome(failure)).toBe(true)
    const error = Option.getOrThrow(failure)
    expect(ConfigError.isConfigError(error)).toBe(true)
    if (!ConfigError.isConfigError(error)) throw new Error("not a ConfigError")
    return error
  })

/** The defect message `layer(options)` dies with. */
const defectOf = (options: Partial<LinqHttpClientOptions>) =>
  Effect.gen(function* () {
    const layer = LinqHttpClient.layer({ apiKey: API_KEY, ...options }).pipe(
      Layer.provide(RecordingHttpClient.layer([Answer.accepted()]))
    )
    const exit = yield* Effect.exit(Effect.provide(LinqHttpClient, layer))
    if (!Exit.isFailure(exit)) throw new Error("the layer built")
    expect(Cause.isDie(exit.cause)).toBe(true)
    return Cause.pretty(exit.cause)
  })

describe("LinqHttpClient.layerConfig", () => {
  it.effect("reads the key and base URL", () =>
    Effect.gen(function* () {
      const request = yield* sendOne
      expect(request.headers.authorization).toBe("Bearer key-from-env")
      expect(request.url.toString()).toBe(`https://eu.linq.test/api${PATH}`)
      expect((yield* LinqHttpClient).baseUrl).toBe("https://eu.linq.test/api")
    }).pipe(
      Effect.provide(
        fromEnv({ LINQ_API_V3_API_KEY: "key-from-env", LINQ_API_V3_BASE_URL: "https://eu.linq.test/api/" })
      )
    )
  )

  it.effect("defaults the base URL, and takes the other options directly", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      expect(client.maxRetries).toBe(0)
      const request = yield* sendOne
      expect(request.url.toString()).toBe(`https://api.linqapp.com/api/partner${PATH}`)
      expect(request.headers["x-team"]).toBe("growth")
    }).pipe(
      Effect.provide(
        fromEnv({ LINQ_API_V3_API_KEY: "k" }, { maxRetries: 0, headers: { "X-Team": "growth" } })
      )
    )
  )

  it.effect("a missing key is a ConfigError naming the variable", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(fromEnv({ LINQ_API_V3_BASE_URL: "https://eu.linq.test" }))
      expect(ConfigError.isMissingDataOnly(error)).toBe(true)
      expect(String(error)).toContain("LINQ_API_V3_API_KEY")
    })
  )

  it.effect("an empty key is a ConfigError naming the variable, not a request with `Bearer `", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(fromEnv({ LINQ_API_V3_API_KEY: "" }))
      expect(String(error)).toContain("LINQ_API_V3_API_KEY")
    })
  )

  it.effect("an insecure http:// base URL to another host is a ConfigError", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(
        fromEnv({ LINQ_API_V3_API_KEY: API_KEY, LINQ_API_V3_BASE_URL: "http://api.linq.test/api" })
      )
      expect(error._op).toBe("InvalidData")
      expect(String(error)).toContain("LINQ_API_V3_BASE_URL")
      expect(String(error)).toMatch(/http:\/\//)
      expect(String(error)).not.toContain(API_KEY)
    })
  )

  it.effect.each(["not a url", "ftp://files.linq.test/", "https://user:pass@api.linq.test/"])(
    "a base URL %j is a ConfigError",
    (baseUrl) =>
      Effect.gen(function* () {
        const error = yield* configErrorOf(
          fromEnv({ LINQ_API_V3_API_KEY: "k", LINQ_API_V3_BASE_URL: baseUrl })
        )
        expect(error._op).toBe("InvalidData")
      })
  )

  it.effect.each(["http://127.0.0.1:8787", "http://localhost:3000/api", "http://[::1]:9000"])(
    "loopback %s is accepted over http",
    (baseUrl) =>
      Effect.gen(function* () {
        const request = yield* sendOne
        expect(request.url.toString()).toBe(`${baseUrl.replace(/\/$/, "")}${PATH}`)
      }).pipe(Effect.provide(fromEnv({ LINQ_API_V3_API_KEY: "k", LINQ_API_V3_BASE_URL: baseUrl })))
  )

  it.effect("allowInsecureHttp: true opts in to http:// elsewhere", () =>
    Effect.gen(function* () {
      const request = yield* sendOne
      expect(request.url.toString()).toBe(`http://api.linq.test${PATH}`)
    }).pipe(
      Effect.provide(
        fromEnv(
          { LINQ_API_V3_API_KEY: "k", LINQ_API_V3_BASE_URL: "http://api.linq.test" },
          { allowInsecureHttp: true }
        )
      )
    )
  )
})

describe("LinqHttpClient.layer base URL checks", () => {
  it.effect("an insecure http:// base URL to another host dies with a clear message", () =>
    Effect.gen(function* () {
      const message = yield* defectOf({ baseUrl: "http://api.linq.test/api" })
      expect(message).toMatch(/refusing plain http:\/\/ to api\.linq\.test/)
      expect(message).not.toContain(API_KEY)
    })
  )

  it.effect("an empty or blank apiKey dies", () =>
    Effect.gen(function* () {
      expect(yield* defectOf({ apiKey: "" })).toMatch(/apiKey is empty/)
      expect(yield* defectOf({ apiKey: "   " })).toMatch(/apiKey is empty/)
    })
  )

  it.effect("an apiKey with a line break dies without echoing it", () =>
    Effect.gen(function* () {
      const message = yield* defectOf({ apiKey: "sk_line\r\nX-Evil: 1" })
      expect(message).toMatch(/line break or NUL/)
      expect(message).not.toContain("sk_line")
    })
  )

  it.effect("a malformed base URL dies", () =>
    Effect.gen(function* () {
      expect(yield* defectOf({ baseUrl: "::nope::" })).toMatch(/not a valid URL/)
    })
  )

  it.effect("a base URL with credentials dies", () =>
    Effect.gen(function* () {
      expect(yield* defectOf({ baseUrl: "https://me:secret@api.linq.test" })).toMatch(/credentials/)
    })
  )

  it.effect("http://127.0.0.1 is accepted", () =>
    Effect.gen(function* () {
      expect((yield* sendOne).url.toString()).toBe(`http://127.0.0.1:8787${PATH}`)
    }).pipe(
      Effect.provide(
        LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:8787/" }).pipe(
          Layer.provideMerge(RecordingHttpClient.layer([Answer.accepted()]))
        )
      )
    )
  )

  it.effect("allowInsecureHttp: true opts in", () =>
    Effect.gen(function* () {
      expect((yield* sendOne).url.toString()).toBe(`http://api.linq.test/api${PATH}`)
    }).pipe(
      Effect.provide(
        LinqHttpClient.layer({
          apiKey: API_KEY,
          baseUrl: "http://api.linq.test/api",
          allowInsecureHttp: true
        }).pipe(Layer.provideMerge(RecordingHttpClient.layer([Answer.accepted()])))
      )
    )
  )

  it.effect("make builds the same service", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient.make({
        apiKey: API_KEY,
        baseUrl: "https://x.linq.test/",
        maxRetries: 4
      })
      expect(client.baseUrl).toBe("https://x.linq.test")
      expect(client.maxRetries).toBe(4)
    }).pipe(Effect.provide(RecordingHttpClient.layer([Answer.accepted()])))
  )
})
