/**
 * The client's options, checked once when the layer is built and resolved to
 * the settings every call uses. A problem is reported with the option it is
 * about and a message saying what is wrong, never the value of the key.
 *
 * @internal
 */
import { Duration, Redacted, Result } from "effect"

export const DEFAULT_BASE_URL = "https://api.linqapp.com/api/partner"
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.seconds(60)
export const DEFAULT_MAX_RETRIES = 2
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024

/**
 * The longest delay a JavaScript timer can hold (2^31-1 ms, about 24.8
 * days). A longer timeout is treated as no timeout, as Effect's own clock
 * does: a timer given more fires at once.
 */
export const MAX_TIMER_MILLIS = 2 ** 31 - 1

/** What `LinqHttpClientOptions` holds, as far as this module reads it. */
export interface RawOptions {
  readonly apiKey: string | Redacted.Redacted
  readonly baseUrl?: string | URL | undefined
  readonly timeout?: Duration.Input | undefined
  readonly maxRetries?: number | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly maxResponseBytes?: number | undefined
  readonly allowInsecureHttp?: boolean | undefined
  readonly rateLimit?: { readonly limit: number; readonly interval: Duration.Input } | undefined
}

/** The options, checked and with their defaults. */
export interface Settings {
  readonly apiKey: Redacted.Redacted<string>
  /** Without a trailing slash. */
  readonly baseUrl: string
  /** `Duration.infinity` when there is none. */
  readonly timeout: Duration.Duration
  readonly maxRetries: number
  readonly maxResponseBytes: number
  readonly headers: Readonly<Record<string, string>>
  readonly rateLimit: { readonly limit: number; readonly interval: Duration.Duration } | undefined
}

/** What is wrong, and with which option (`apiKey`, `baseUrl`, `timeout`, …). */
export interface Problem {
  readonly option: string
  readonly message: string
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * Parses a base URL and drops trailing slashes; refuses what is not
 * `https:`, or `http:` to loopback (unless `allowInsecure`).
 */
export const checkBaseUrl = (raw: string | URL, allowInsecure: boolean): Result.Result<string, string> => {
  let url: URL
  try {
    url = new URL(raw.toString())
  } catch {
    return Result.fail(`the base URL ${JSON.stringify(String(raw))} is not a valid URL`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Result.fail(`the base URL must be http(s), got ${url.protocol}`)
  }
  if (url.protocol === "http:" && !allowInsecure && !LOOPBACK.test(url.hostname)) {
    return Result.fail(
      `refusing plain http:// to ${url.hostname}: the API key would travel in clear; use https://, or set allowInsecureHttp: true`
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Result.fail("the base URL must not carry credentials; use apiKey")
  }
  url.search = ""
  url.hash = ""
  return Result.succeed(url.toString().replace(/\/+$/, ""))
}

/** A character a header value may not carry: anything but tab, space and visible ASCII (`!` to `~`). */
const NOT_HEADER_SAFE = /[^\t\x20-\x7e]/

/**
 * Why an API key cannot be sent as `Authorization: Bearer <key>`, if it
 * cannot: the one rule both `layer` (`resolve`) and `layerConfig`
 * (`readKey`) apply. A key is refused when it is empty or only whitespace,
 * holds a line break or NUL, or holds any other character outside tab,
 * space and visible ASCII: a control character, DEL (0x7f), or a non-ASCII
 * one (a Cyrillic look-alike letter, a Latin-1 accent, an emoji), which a
 * transport refuses to put in a header, so that every call would otherwise
 * fail as a retryable `ConnectionError`. `subject` names the key in the
 * message (`the apiKey`, `LINQ_API_V3_API_KEY`); the key itself, and the
 * offending character, are never quoted.
 */
export const apiKeyProblem = (key: string, subject = "the apiKey"): string | undefined => {
  if (key.trim() === "") return `${subject} is empty (or only whitespace)`
  if (/[\r\n\0]/.test(key)) return `${subject} contains a line break or NUL character`
  const bad = NOT_HEADER_SAFE.exec(key)
  if (bad !== null) {
    return `${subject} contains a character that cannot be sent in an HTTP header (at position ${bad.index + 1}): only visible ASCII, space and tab are allowed, not control characters, DEL or non-ASCII letters`
  }
  return undefined
}

/** A timeout as the pipeline uses it: positive, and infinite beyond what a timer can hold. */
export const checkTimeout = (input: Duration.Input): Result.Result<Duration.Duration, string> => {
  const decoded = Duration.fromInput(input)
  if (decoded._tag === "None")
    return Result.fail(`timeout ${JSON.stringify(String(input))} is not a duration`)
  const timeout = decoded.value
  if (!Duration.isGreaterThan(timeout, Duration.zero)) return Result.fail("timeout must be longer than zero")
  return Result.succeed(Duration.toMillis(timeout) > MAX_TIMER_MILLIS ? Duration.infinity : timeout)
}

const isCount = (n: unknown, min: number): n is number =>
  typeof n === "number" && Number.isSafeInteger(n) && n >= min

/** Why a `maxRetries` cannot be used, if it cannot (the layer's and a call's alike). */
export const retriesProblem = (maxRetries: number): string | undefined =>
  isCount(maxRetries, 0) ? undefined : `maxRetries must be a whole number >= 0, got ${maxRetries}`

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/**
 * What a header value may hold: tab, space, visible ASCII and Latin-1 (0x80 to 0xff), as
 * both transports send them. `fetch` refuses a character above 0xff (a Cyrillic or CJK
 * letter, an emoji) and undici also DEL and the control characters, so that a call
 * carrying one would fail as a retryable `ConnectionError`.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Why extra headers cannot be sent, if they cannot (a bad name, or a value a transport refuses). */
export const headersProblem = (headers: Readonly<Record<string, string>> | undefined): string | undefined => {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) return `header name ${JSON.stringify(name)} is not a valid HTTP header name`
    if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
      return `header ${name} must be text a header can carry (tab, space, visible ASCII or Latin-1): no line break, control character, DEL or character above U+00FF`
    }
  }
  return undefined
}

/** Checks every option and fills in the defaults. */
export const resolve = (options: RawOptions): Result.Result<Settings, Problem> => {
  const problem = (option: string, message: string) => Result.fail({ option, message })
  const apiKey = typeof options.apiKey === "string" ? Redacted.make(options.apiKey) : options.apiKey
  const keyProblem = apiKeyProblem(Redacted.value(apiKey))
  if (keyProblem !== undefined) return problem("apiKey", keyProblem)
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true)
  if (Result.isFailure(baseUrl)) return problem("baseUrl", baseUrl.failure)
  const timeout = checkTimeout(options.timeout ?? DEFAULT_TIMEOUT)
  if (Result.isFailure(timeout)) return problem("timeout", timeout.failure)
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const badRetries = retriesProblem(maxRetries)
  if (badRetries !== undefined) return problem("maxRetries", badRetries)
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  if (!isCount(maxResponseBytes, 1)) {
    return problem(
      "maxResponseBytes",
      `maxResponseBytes must be a whole number of bytes >= 1, got ${maxResponseBytes}`
    )
  }
  const badHeaders = headersProblem(options.headers)
  if (badHeaders !== undefined) return problem("headers", badHeaders)
  let rateLimit: Settings["rateLimit"]
  if (options.rateLimit !== undefined) {
    const { limit, interval } = options.rateLimit
    if (!isCount(limit, 1))
      return problem("rateLimit", `rateLimit.limit must be a whole number >= 1, got ${limit}`)
    const decoded = Duration.fromInput(interval)
    if (
      decoded._tag === "None" ||
      !Duration.isFinite(decoded.value) ||
      Duration.toMillis(decoded.value) <= 0
    ) {
      return problem("rateLimit", "rateLimit.interval must be a finite duration longer than zero")
    }
    rateLimit = { limit, interval: decoded.value }
  }
  return Result.succeed({
    apiKey,
    baseUrl: baseUrl.success,
    timeout: timeout.success,
    maxRetries,
    maxResponseBytes,
    headers: options.headers ?? {},
    rateLimit
  })
}
