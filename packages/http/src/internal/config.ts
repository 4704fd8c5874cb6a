/**
 * `layerConfig`'s reading: the API key and base URL from Effect `Config`
 * (`LINQ_API_V3_API_KEY`, `LINQ_API_V3_BASE_URL`), the other options given
 * as values or as `Config`s, and every problem as a `ConfigError` that says
 * what is wrong, without ever quoting the key.
 *
 * The key's surrounding whitespace is trimmed (a mounted secret or a `.env`
 * line often ends in a line break); the trimmed key then goes through the
 * same `apiKeyProblem` rule as `layer`'s (empty, a line break or NUL, or any
 * character a header cannot carry: refused).
 *
 * @internal
 */
import { Config, ConfigError, Effect, Either, Option, Redacted } from "effect"
import type { RawOptions, Settings } from "./options.js"
import { apiKeyProblem, resolve } from "./options.js"

export const API_KEY_VARIABLE = "LINQ_API_V3_API_KEY"
export const BASE_URL_VARIABLE = "LINQ_API_V3_BASE_URL"

/** Each option a plain value or a `Config` of it. */
export type ConfigOptions = {
  readonly [K in Exclude<keyof RawOptions, "apiKey" | "baseUrl">]?:
    | NonNullable<RawOptions[K]>
    | Config.Config<NonNullable<RawOptions[K]>>
}

const invalid = (variable: string, message: string) =>
  Effect.fail(ConfigError.InvalidData([variable], message))

const readKey: Effect.Effect<Redacted.Redacted<string>, ConfigError.ConfigError> = Effect.flatMap(
  Config.option(Config.redacted(API_KEY_VARIABLE)),
  (read) => {
    if (Option.isNone(read)) {
      return Effect.fail(
        ConfigError.MissingData(
          [API_KEY_VARIABLE],
          `${API_KEY_VARIABLE} is missing: set it to your Linq API token`
        )
      )
    }
    const key = Redacted.value(read.value).trim()
    const problem = apiKeyProblem(key, API_KEY_VARIABLE)
    if (problem !== undefined) return invalid(API_KEY_VARIABLE, problem)
    return Effect.succeed(Redacted.make(key))
  }
)

/** The base URL, when set and not blank. */
const readBaseUrl = Effect.map(Config.option(Config.string(BASE_URL_VARIABLE)), (read) =>
  Option.filter(
    Option.map(read, (url) => url.trim()),
    (url) => url !== ""
  )
)

/** An option's value: read when it is a `Config`, a missing or bad one reported under the option's name. */
const valueOf = <A>(name: string, value: A | Config.Config<A> | undefined) =>
  Config.isConfig(value)
    ? Effect.mapError(value, (error) => ConfigError.prefixed(error, [name]))
    : Effect.succeed(value)

/** Reads everything and checks it, as `resolve` does for `layer`. */
export const readSettings = (options: ConfigOptions): Effect.Effect<Settings, ConfigError.ConfigError> =>
  Effect.gen(function* () {
    const apiKey = yield* readKey
    const baseUrl = yield* readBaseUrl
    const raw: RawOptions = {
      apiKey,
      baseUrl: Option.getOrUndefined(baseUrl),
      timeout: yield* valueOf("timeout", options.timeout),
      maxRetries: yield* valueOf("maxRetries", options.maxRetries),
      headers: yield* valueOf("headers", options.headers),
      maxResponseBytes: yield* valueOf("maxResponseBytes", options.maxResponseBytes),
      allowInsecureHttp: yield* valueOf("allowInsecureHttp", options.allowInsecureHttp),
      rateLimit: yield* valueOf("rateLimit", options.rateLimit)
    }
    const settings = resolve(raw)
    if (Either.isRight(settings)) return settings.right
    const { message, option } = settings.left
    return yield* invalid(option === "baseUrl" ? BASE_URL_VARIABLE : option, message)
  })
