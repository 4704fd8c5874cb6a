/**
 * The API key rule, shared by `layer` and `layerConfig`: a key a header
 * cannot carry (a Cyrillic look-alike, DEL, a control character, a line
 * break, NUL, a non-Latin-1 character) is refused when the layer is built,
 * with no request sent and no key quoted; it used to pass the checks and
 * then make every call fail as a retryable `ConnectionError`, sent three
 * times.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Config, ConfigProvider, Context, Effect, Exit, Layer, Option, Redacted } from "effect"
import type { HttpClient } from "effect/http"
import { LinqHttpClient } from "../src/index.js"
import * as RecordingHttpClient from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { addCall } from "./testkit.js"

/** The secret part every bad key carries, which no message may quote. */
const SECRET = "sk_live_Zq9SECRET"

const BAD_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["a Cyrillic letter", `${SECRET}_\u0430bc`],
  ["an all-Cyrillic key", `${SECRET}ключ`],
  ["DEL (0x7f)", `${SECRET}\u007f`],
  ["ESC (0x1b)", `${SECRET}\u001b[0m`],
  ["a vertical tab", `${SECRET}\u000btail`],
  ["a newline", `${SECRET}\nX-Evil: 1`],
  ["NUL", `${SECRET}\u0000tail`],
  ["a non-Latin-1 character (emoji)", `${SECRET}\u{1f511}`],
  ["a non-Latin-1 character (U+2028)", `${SECRET}\u2028x`],
  ["a Latin-1 accent", `${SECRET}é`],
  ["a C1 control (0x85)", `${SECRET}\u0085`]
]

const GOOD_KEYS = ["sk_live_AbC/dEf+GhI/jKl==", "sk_test_S3CRET-0f8e7d6c5b4a", "a.b_c~d!#$%&'*^`|"]

/**
 * Builds `layer` over a recording client built beforehand, so the recorder
 * outlives the failed build: the exit, and how many requests went out.
 */
const buildWith = <E>(layer: Layer.Layer<LinqHttpClient, E, HttpClient.HttpClient>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const recording = yield* Layer.build(RecordingHttpClient.layer([Answer.accepted(), Answer.accepted()]))
      const exit = yield* Effect.exit(
        Effect.flatMap(LinqHttpClient, (client) => client.execute(addCall())).pipe(
          Effect.provide(layer),
          Effect.provide(recording)
        )
      )
      const sent = yield* Context.get(recording, Recorder).count
      const requests = yield* Context.get(recording, Recorder).requests
      return { exit, sent, requests }
    })
  )

const fromEnv = (key: string) =>
  LinqHttpClient.layerConfig({ maxRetries: 2 }).pipe(
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ LINQ_API_V3_API_KEY: key })))
  )

describe("LinqHttpClient.layer refuses a key a header cannot carry", () => {
  it.effect.each(BAD_KEYS)("%s: the build dies, nothing is sent, the key is not quoted", ([, key]) =>
    Effect.gen(function* () {
      for (const apiKey of [key, Redacted.make(key)]) {
        const { exit, sent } = yield* buildWith(LinqHttpClient.layer({ apiKey, maxRetries: 2 }))
        expect(sent).toBe(0)
        if (!Exit.isFailure(exit)) throw new Error("the layer built")
        expect(Cause.hasDies(exit.cause)).toBe(true)
        const message = Cause.pretty(exit.cause)
        expect(message).toMatch(/apiKey/)
        expect(message).toMatch(/line break or NUL|cannot be sent in an HTTP header/)
        expect(message).not.toContain(SECRET)
      }
    })
  )

  it.effect.each(GOOD_KEYS)("%j still works, sent as it is", (key) =>
    Effect.gen(function* () {
      const { exit, sent, requests } = yield* buildWith(LinqHttpClient.layer({ apiKey: key }))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(sent).toBe(1)
      expect(requests[0]?.headers.authorization).toBe(`Bearer ${key}`)
    })
  )
})

describe("LinqHttpClient.layerConfig refuses the same keys by the same rule", () => {
  it.effect.each(BAD_KEYS)("%s: a ConfigError naming the variable, nothing sent, key not quoted", ([, key]) =>
    Effect.gen(function* () {
      const { exit, sent } = yield* buildWith(fromEnv(key))
      expect(sent).toBe(0)
      if (!Exit.isFailure(exit)) throw new Error("the layer built")
      const failure = Option.getOrThrow(Cause.findErrorOption(exit.cause))
      if (!(failure instanceof Config.ConfigError)) throw new Error(`not a ConfigError: ${String(failure)}`)
      // Effect 4's ConfigError has no InvalidData kind: the SDK's own refusal is a SourceError
      // whose message starts with the variable's name.
      expect(failure.cause._tag).toBe("SourceError")
      const message = String(failure)
      expect(failure.cause.message.startsWith("LINQ_API_V3_API_KEY: ")).toBe(true)
      expect(message).toContain("LINQ_API_V3_API_KEY")
      expect(message).toMatch(/line break or NUL|cannot be sent in an HTTP header/)
      expect(message).not.toContain(SECRET)
    })
  )

  it.effect.each(GOOD_KEYS)("%j still works", (key) =>
    Effect.gen(function* () {
      const { exit, sent, requests } = yield* buildWith(fromEnv(key))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(sent).toBe(1)
      expect(requests[0]?.headers.authorization).toBe(`Bearer ${key}`)
    })
  )
})
