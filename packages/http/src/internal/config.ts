/**
 * `layerConfig`'s reading: the API key and base URL from Effect `Config`
 * (`LINQ_API_V3_API_KEY`, `LINQ_API_V3_BASE_URL`), the other options given
 * as values or as `Config`s (an object option, `rateLimit` or `headers`, also
 * as a record of `Config`s, `Config.Wrap`-style, read with `Config.unwrap`),
 * and every problem as a `Config.ConfigError` whose message names the key (or
 * option) and says what is wrong, without ever quoting the key's value.
 *
 * Effect 4's `ConfigError` has no missing/invalid split and no prefix helper:
 * a problem found here is a `ConfigError` over a `ConfigProvider.SourceError`
 * whose message reads `<KEY or option>: <what is wrong>`; a `Config` option
 * that fails keeps its own error as the `SourceError`'s `cause`.
 *
 * The key's surrounding whitespace is trimmed (a mounted secret or a `.env`
 * line often ends in a line break); the trimmed key then goes through the
 * same `apiKeyProblem` rule as `layer`'s (empty, a line break or NUL, or any
 * character a header cannot carry: refused).
 *
 * @internal
 */
import { Config, ConfigProvider, Effect, Option, Redacted, Result } from "effect"
import type { RawOptions, Settings } from "./options.js"
import { apiKeyProblem, resolve } from "./options.js"

export const API_KEY_VARIABLE = "LINQ_API_V3_API_KEY"
export const BASE_URL_VARIABLE = "LINQ_API_V3_BASE_URL"

/** Each option a plain value or a `Config` of it (an object option also as a record of `Config`s). */
export type ConfigOptions = {
  readonly [K in Exclude<keyof RawOptions, "apiKey" | "baseUrl">]?:
    | NonNullable<RawOptions[K]>
    | Config.Wrap<NonNullable<RawOptions[K]>>
    | undefined
}

/** A `ConfigError` whose message names `subject` (a variable or an option) and the problem. */
export const configError = (subject: string, message: string, cause?: unknown): Config.ConfigError =>
  new Config.ConfigError(
    new ConfigProvider.SourceError({
      message: `${subject}: ${message}`,
      ...(cause === undefined ? {} : { cause })
    })
  )

const invalid = (subject: string, message: string) => Effect.fail(configError(subject, message))

const readKey: Effect.Effect<Redacted.Redacted<string>, Config.ConfigError> = Effect.flatMap(
  Config.option(Config.Redacted(API_KEY_VARIABLE)),
  (read) => {
    if (Option.isNone(read)) {
      return invalid(API_KEY_VARIABLE, "the variable is missing; set it to your Linq API token")
    }
    const key = Redacted.value(read.value).trim()
    const problem = apiKeyProblem(key, "its value")
    if (problem !== undefined) return invalid(API_KEY_VARIABLE, problem)
    return Effect.succeed(Redacted.make(key))
  }
)

/** The base URL, when set and not blank. */
const readBaseUrl = Effect.map(Config.option(Config.String(BASE_URL_VARIABLE)), (read) =>
  Option.filter(
    Option.map(read, (url) => url.trim()),
    (url) => url !== ""
  )
)

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/**
 * An option's value: read when it is a `Config` (or a record holding `Config`s, through
 * `Config.unwrap`), a failure reported under the option's name with the original error as cause.
 */
const valueOf = <K extends keyof ConfigOptions>(
  name: K,
  value: ConfigOptions[K]
): Effect.Effect<RawOptions[K], Config.ConfigError> => {
  let config: Config.Config<unknown> | undefined
  if (Config.isConfig(value)) config = value
  else if (isRecord(value) && Object.values(value).some(Config.isConfig)) {
    const wrapped: Record<string, Config.Config<unknown>> = {}
    for (const [key, field] of Object.entries(value)) {
      wrapped[key] = Config.isConfig(field) ? field : Config.succeed(field)
    }
    config = Config.unwrap<Record<string, unknown>>(wrapped)
  }
  if (config === undefined) return Effect.succeed(value as RawOptions[K])
  return Effect.mapError(config as Config.Config<RawOptions[K]>, (error) =>
    configError(name, error.message, error)
  )
}

/** Reads everything and checks it, as `resolve` does for `layer`. */
export const readSettings = (options: ConfigOptions): Effect.Effect<Settings, Config.ConfigError> =>
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
    if (Result.isSuccess(settings)) return settings.success
    const { message, option } = settings.failure
    return yield* invalid(option === "baseUrl" ? BASE_URL_VARIABLE : option, message)
  })
