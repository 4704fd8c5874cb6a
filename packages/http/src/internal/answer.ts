/**
 * What an answer means: a 2xx body decoded to the call's schema, or an
 * attempt failure (the typed error, whether to retry, the server's wait)
 * made from an error answer (via `ErrorMapping`), a body that is not the
 * documented shape, or a transport fault. Text from the other side goes
 * through `scrub` (the raw body, and again every text decoded from it)
 * before it lands in an error, and has its handles masked.
 *
 * @internal
 */
import { ConnectionError, UnexpectedResponse } from "@linq-effect/core"
import { Option, Result, Schema, SchemaIssue } from "effect"
import type { Headers, HttpClientError } from "effect/http"
import type { ApiAnswer } from "../ErrorMapping.js"
import { excerpt, readAnswer, toApiError } from "../ErrorMapping.js"
import type { AttemptFailure } from "../RetryPolicy.js"
import { isRetryableStatus, retryAfter, shouldRetryHeader } from "../RetryPolicy.js"
import { maskHandles } from "./scrub.js"

export { scrubber } from "./scrub.js"

export type Decode<A> = (u: unknown) => Result.Result<A, Schema.SchemaError>

const decoders = new WeakMap<object, Decode<unknown>>()

/** The decoder of a response schema, made once per schema (unknown fields ignored). */
export const decoderFor = <A, I>(schema: Schema.Codec<A, I>): Decode<A> => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownResult(schema, { onExcessProperty: "ignore" })
    decoders.set(schema, decode)
  }
  return decode as Decode<A>
}

/**
 * The issues of a decode failure as `{ path, message }`, each message the issue's kind
 * (`InvalidType`, `MissingKey`, …) or a schema's own message for a failed check, never the
 * value (it may be personal data). A built-in "Expected …, got <value>" text is replaced by the
 * kind, as is any message that would quote the input.
 */
const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: (issue) => issue._tag,
  checkHook: () => "InvalidValue"
})

/** Where a decode failed, without the values (they may be personal data). */
const describeSchemaError = (error: Schema.SchemaError): string =>
  formatIssues(error.issue)
    .issues.slice(0, 3)
    .map(
      (issue) =>
        `${issue.path === undefined || issue.path.length === 0 ? "body" : issue.path.map(String).join(".")}: ${
          issue.message.startsWith("Expected") ? "InvalidType" : issue.message
        }`
    )
    .join("; ")

/** A 2xx body decoded, or why it is not the documented shape. A 204 without a body is `{}`. */
export const decodeSuccess = <A>(
  decode: Decode<A>,
  status: number,
  body: string
): Result.Result<A, string> => {
  if (body.length === 0) {
    return status === 204
      ? Result.mapError(decode({}), describeSchemaError)
      : Result.fail("the body is empty")
  }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return Result.fail("the body is not JSON")
  }
  return Result.mapError(
    decode(json),
    (error) => `the body is not the documented shape (${describeSchemaError(error)})`
  )
}

/** A 2xx body (already scrubbed) that is not the documented shape: not retried. Its excerpt has its handles masked (before the cut). */
export const unexpected = (
  status: number,
  body: string,
  reason: string
): AttemptFailure<UnexpectedResponse> => ({
  error: new UnexpectedResponse({ status, excerpt: excerpt(maskHandles(body)), reason }),
  retryable: false,
  retryAfter: Option.none()
})

/**
 * An error answer (the raw body already scrubbed; `scrub` is applied again to
 * what is decoded from it): the call's own recognition first, else the
 * status's error.
 */
export const errorAnswer = <V>(
  status: number,
  headers: Headers.Headers,
  body: string,
  now: number,
  recognize: ((answer: ApiAnswer) => Option.Option<V>) | undefined,
  scrub: (text: string) => string
): AttemptFailure<V | ReturnType<typeof toApiError>> => {
  const wait = retryAfter(headers, now)
  const answer = readAnswer(status, body, wait, scrub)
  const violation = recognize === undefined ? Option.none() : recognize(answer)
  // A rule violation is never retried, whatever x-should-retry says: the same call breaks the same rule.
  if (Option.isSome(violation)) return { error: violation.value, retryable: false, retryAfter: Option.none() }
  return {
    error: toApiError(answer),
    retryable: Option.getOrElse(shouldRetryHeader(headers), () => isRetryableStatus(status)),
    retryAfter: wait
  }
}

/** The reason's kind as v3 named it (`Transport`, `Decode`, …) and what went wrong, without the URL. */
const describeTransport = (error: HttpClientError.HttpClientError): string => {
  const reason = error.reason
  const kind = reason._tag.endsWith("Error") ? reason._tag.slice(0, -5) : reason._tag
  const cause: unknown = "cause" in reason ? reason.cause : undefined
  const detail =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? `${cause.message} (${cause.cause.message})`
        : cause.message
      : "description" in reason
        ? reason.description
        : undefined
  return detail === undefined || detail === "" ? `${kind} error` : `${kind}: ${detail}`
}

/** A request that could not be sent, or an answer that broke off: retried. */
export const connectionFailure = (
  method: string,
  url: string,
  error: HttpClientError.HttpClientError,
  scrub: (text: string) => string
): AttemptFailure<ConnectionError> => ({
  error: new ConnectionError({ method, url, reason: scrub(describeTransport(error)) }),
  retryable: true,
  retryAfter: Option.none()
})
