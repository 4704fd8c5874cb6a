import { describe, expect, it } from "@effect/vitest"
import { Cause, Config, ConfigProvider, Duration, Effect, Exit, Layer, Option } from "effect"
import type { LinqHttpClientConfigOptions, LinqHttpClientOptions } from "../src/index.js"
import { LinqHttpClient } from "../src/index.js"
import * as RecordingHttpClient from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { API_KEY, addCall, CHAT_ID } from "./testkit.js"

const PATH = `/v3/chats/${CHAT_ID}/participants`

/** Effect 4.1's own text for a variable that is not set (a SchemaError: no string at that path). */
const MISSING = /^SchemaError\(Expected string\s+at \["LINQ_TIMEOUT"\]\)$/

/** `layerConfig(options)` over a recording client, with `env` as the only config. */
const fromEnv = (env: Record<string, string>, options: LinqHttpClientConfigOptions = {}) =>
  LinqHttpClient.layerConfig(options).pipe(
    Layer.provideMerge(RecordingHttpClient.layer([Answer.accepted()])),
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))
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
    const failure = Cause.findErrorOption(exit.cause)
    expect(Option.isSome(failure)).toBe(true)
    const error = Option.getOrThrow(failure)
    expect(error).toBeInstanceOf(Config.ConfigError)
    if (!(error instanceof Config.ConfigError)) throw new Error("not a ConfigError")
    return error
  })

/**
 * Effect 4's `ConfigError` has no MissingData/InvalidData kinds (v3's `_op`,
 * `isMissingDataOnly`): a problem the SDK finds is a `ConfigError` over a
 * `SourceError` whose message starts with the variable or option it is about.
 */
const expectAbout = (error: Config.ConfigError, subject: string) => {
  expect(error.cause._tag).toBe("SourceError")
  expect(error.cause.message.startsWith(`${subject}: `)).toBe(true)
  // What it prints: Effect 4.1's rendering of a ConfigError over a SourceError.
  expect(String(error).startsWith(`ConfigError(SourceError: ${subject}: `)).toBe(true)
}

/** The defect message `layer(options)` dies with. */
const defectOf = (options: Partial<LinqHttpClientOptions>) =>
  Effect.gen(function* () {
    const layer = LinqHttpClient.layer({ apiKey: API_KEY, ...options }).pipe(
      Layer.provide(RecordingHttpClient.layer([Answer.accepted()]))
    )
    const exit = yield* Effect.exit(Effect.provide(LinqHttpClient, layer))
    if (!Exit.isFailure(exit)) throw new Error("the layer built")
    expect(Cause.hasDies(exit.cause)).toBe(true)
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
      expectAbout(error, "LINQ_API_V3_API_KEY")
      expect(String(error)).toMatch(/is missing/)
      expect(String(error)).toContain("LINQ_API_V3_API_KEY")
    })
  )

  it.effect("an empty key is a ConfigError naming the variable, not a request with `Bearer `", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(fromEnv({ LINQ_API_V3_API_KEY: "" }))
      expectAbout(error, "LINQ_API_V3_API_KEY")
      expect(String(error)).toContain("LINQ_API_V3_API_KEY")
    })
  )

  it.effect("an insecure http:// base URL to another host is a ConfigError", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(
        fromEnv({ LINQ_API_V3_API_KEY: API_KEY, LINQ_API_V3_BASE_URL: "http://api.linq.test/api" })
      )
      expectAbout(error, "LINQ_API_V3_BASE_URL")
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
        expectAbout(error, "LINQ_API_V3_BASE_URL")
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

describe("layerConfig: every problem is a ConfigError saying what is wrong", () => {
  it.effect("a missing key says it is missing", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(fromEnv({}))
      expectAbout(error, "LINQ_API_V3_API_KEY")
      expect(String(error)).toContain("LINQ_API_V3_API_KEY")
      expect(String(error)).toMatch(/is missing/)
      // The variable is named once, not once by the error and again by its message.
      expect(String(error).split("LINQ_API_V3_API_KEY")).toHaveLength(2)
      expect(String(error)).not.toContain("<redacted>")
    })
  )

  it.effect.each(["   ", "\n", " \t\r\n "])(
    "a whitespace-only key %j is a ConfigError, not a defect",
    (key) =>
      Effect.gen(function* () {
        const error = yield* configErrorOf(fromEnv({ LINQ_API_V3_API_KEY: key }))
        expectAbout(error, "LINQ_API_V3_API_KEY")
        expect(String(error)).toMatch(/LINQ_API_V3_API_KEY: its value is empty/)
      })
  )

  it.effect.each(["sk_inner\r\nX-Evil: 1", "sk_inner\nsecond", "sk_inner\u0000tail"])(
    "a key with a line break or NUL inside (%j) is a ConfigError that does not quote it",
    (key) =>
      Effect.gen(function* () {
        const error = yield* configErrorOf(fromEnv({ LINQ_API_V3_API_KEY: key }))
        expectAbout(error, "LINQ_API_V3_API_KEY")
        expect(String(error)).toMatch(/line break or NUL/)
        expect(String(error)).not.toContain("sk_inner")
      })
  )

  it.effect.each([`${API_KEY}\n`, `${API_KEY}\r\n`, `  ${API_KEY}\t`])(
    "a key with surrounding whitespace (%j, a mounted secret) is trimmed",
    (key) =>
      Effect.gen(function* () {
        const request = yield* sendOne
        expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
      }).pipe(Effect.provide(fromEnv({ LINQ_API_V3_API_KEY: key })))
  )

  it.effect("options can be Configs: timeout and maxRetries from the environment", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      expect(Duration.toMillis(client.timeout)).toBe(5000)
      expect(client.maxRetries).toBe(4)
      const request = yield* sendOne
      expect(request.headers["x-team"]).toBe("growth")
    }).pipe(
      Effect.provide(
        fromEnv(
          { LINQ_API_V3_API_KEY: "k", LINQ_TIMEOUT: "5 seconds", LINQ_MAX_RETRIES: "4" },
          {
            timeout: Config.Duration("LINQ_TIMEOUT"),
            maxRetries: Config.Int("LINQ_MAX_RETRIES"),
            headers: { "X-Team": "growth" }
          }
        )
      )
    )
  )

  it.effect("a bad option read from Config is a ConfigError naming the option and the problem", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(
        fromEnv(
          { LINQ_API_V3_API_KEY: API_KEY, LINQ_MAX_RETRIES: "-1" },
          { maxRetries: Config.Int("LINQ_MAX_RETRIES") }
        )
      )
      expectAbout(error, "maxRetries")
      expect(String(error)).toMatch(/maxRetries must be a whole number >= 0, got -1/)
      expect(String(error)).not.toContain(API_KEY)
    })
  )

  it.effect("an option Config that is missing is a ConfigError under the option's name", () =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(
        fromEnv({ LINQ_API_V3_API_KEY: "k" }, { timeout: Config.Duration("LINQ_TIMEOUT") })
      )
      expectAbout(error, "timeout")
      expect(String(error)).toContain("timeout")
      expect(String(error)).toContain("LINQ_TIMEOUT")
      // The option's own error is kept as the cause: Effect's ConfigError for the missing variable.
      const cause = error.cause._tag === "SourceError" ? error.cause.cause : undefined
      expect(cause).toBeInstanceOf(Config.ConfigError)
      if (cause instanceof Config.ConfigError) {
        expect(cause.cause._tag).toBe("SchemaError")
        expect(cause.message).toMatch(MISSING)
      }
    })
  )

  it.effect.each([
    [{ maxRetries: 2.5 }, /maxRetries must be a whole number/],
    [{ timeout: 0 }, /timeout must be longer than zero/],
    [{ maxResponseBytes: 0 }, /maxResponseBytes must be a whole number of bytes >= 1/],
    [{ rateLimit: { limit: 0, interval: "1 second" } }, /rateLimit.limit must be a whole number >= 1/]
  ] as const)("a bad option given directly (%j) is a ConfigError too", ([options, message]) =>
    Effect.gen(function* () {
      const error = yield* configErrorOf(fromEnv({ LINQ_API_V3_API_KEY: "k" }, options))
      expectAbout(error, Object.keys(options)[0]!)
      expect(String(error)).toMatch(message)
    })
  )
})

describe("LinqHttpClient.layer refuses bad options when it is built", () => {
  const cases: ReadonlyArray<readonly [string, Partial<LinqHttpClientOptions>, RegExp]> = [
    ["maxRetries: -1", { maxRetries: -1 }, /maxRetries must be a whole number >= 0, got -1/],
    ["maxRetries: 2.5", { maxRetries: 2.5 }, /maxRetries must be a whole number >= 0, got 2.5/],
    ["maxRetries: NaN", { maxRetries: Number.NaN }, /maxRetries must be a whole number/],
    ["timeout: 0", { timeout: 0 }, /timeout must be longer than zero/],
    ['timeout: "0 millis"', { timeout: "0 millis" }, /timeout must be longer than zero/],
    ["timeout: -5", { timeout: -5 }, /timeout must be longer than zero/],
    ["maxResponseBytes: 0", { maxResponseBytes: 0 }, /maxResponseBytes must be a whole number of bytes >= 1/],
    ["maxResponseBytes: -1", { maxResponseBytes: -1 }, /maxResponseBytes/],
    ["maxResponseBytes: 1.5", { maxResponseBytes: 1.5 }, /maxResponseBytes/],
    ["maxResponseBytes: Infinity", { maxResponseBytes: Number.POSITIVE_INFINITY }, /maxResponseBytes/],
    ["a header name with a space", { headers: { "X Bad": "1" } }, /not a valid HTTP header name/],
    ["a header value with a line break", { headers: { "X-Ok": "a\r\nX-Evil: 1" } }, /no line break/],
    ["a header value with a Cyrillic letter", { headers: { "X-Team": "\u0416ena" } }, /above U\+00FF/],
    ["a header value with an emoji", { headers: { "X-Team": "ok \u{1F600}" } }, /above U\+00FF/],
    ["a header value with DEL", { headers: { "X-Team": "a\x7fb" } }, /DEL/],
    ["a header value with a control character", { headers: { "X-Team": "a\x01b" } }, /control character/],
    ["rateLimit.limit: 0", { rateLimit: { limit: 0, interval: "1 second" } }, /rateLimit.limit/],
    ["rateLimit.interval: 0", { rateLimit: { limit: 5, interval: 0 } }, /rateLimit.interval/]
  ]
  for (const [name, options, message] of cases) {
    it.effect(`${name} dies with a clear message`, () =>
      Effect.gen(function* () {
        expect(yield* defectOf(options)).toMatch(message)
      })
    )
  }
})
