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
import type { HttpClientError } from "@effect/platform"
import type { Headers } from "@effect/platform"
import { ConnectionError, UnexpectedResponse } from "@linq-effect/core"
import type { Schema as S } from "effect"
import { Either, Option, ParseResult, Schema } from "effect"
import type { ApiAnswer } from "../ErrorMapping.js"
import { excerpt, readAnswer, toApiError } from "../ErrorMapping.js"
import type { AttemptFailure } from "../RetryPolicy.js"
import { isRetryableStatus, retryAfter, shouldRetryHeader } from "../RetryPolicy.js"
import { maskHandles } from "./scrub.js"

export { scrubber } from "./scrub.js"

const decoders = new WeakMap<object, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/** The decoder of a response schema, made once per schema (unknown fields ignored). */
export const decoderFor = <A, I>(schema: S.Schema<A, I, never>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })
    decoders.set(schema, decode)
  }
  return decode as (u: unknown) => Either.Either<A, ParseResult.ParseError>
}

/** Where a decode failed, without the values (they may be personal data). */
const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? "body" : issue.path.join(".")}: ${issue._tag}`)
    .join("; ")

/** A 2xx body decoded, or why it is not the documented shape. A 204 without a body is `{}`. */
export const decodeSuccess = <A>(
  decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>,
  status: number,
  body: string
): Either.Either<A, string> => {
  if (body.length === 0) {
    return status === 204 ? Either.mapLeft(decode({}), describeParseError) : Either.left("the body is empty")
  }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return Either.left("the body is not JSON")
  }
  return Either.mapLeft(
    decode(json),
    (error) => `the body is not the documented shape (${describeParseError(error)})`
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

const describeTransport = (error: HttpClientError.RequestError | HttpClientError.ResponseError): string => {
  const cause = error.cause
  const detail =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? `${cause.message} (${cause.cause.message})`
        : cause.message
      : error.description
  return detail === undefined || detail === "" ? `${error.reason} error` : `${error.reason}: ${detail}`
}

/** A request that could not be sent, or an answer that broke off: retried. */
export const connectionFailure = (
  method: string,
  url: string,
  error: HttpClientError.RequestError | HttpClientError.ResponseError,
  scrub: (text: string) => string
): AttemptFailure<ConnectionError> => ({
  error: new ConnectionError({ method, url, reason: scrub(describeTransport(error)) }),
  retryable: true,
  retryAfter: Option.none()
})
