/**
 * The API's non-2xx answers, one tagged error per kind of status, each with
 * the server's `status`, `message` (the API key cut out, handles masked)
 * and, when it sent them, `code` and `traceId`; `serverMessage` holds the
 * server's words unmasked when masking changed them (personal data: keep it
 * out of logs).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const ApiAnswer = {
  status: Schema.Number,
  /** The server's message, the API key cut out and handles (phone numbers, emails) masked: safe to log. */
  message: Schema.String,
  /**
   * The server's own words, unmasked (never the API key), present when
   * `message` had handles masked. May hold personal data (the handles it
   * quoted): keep it out of logs and spans.
   */
  serverMessage: Schema.optionalKey(Schema.String),
  code: Schema.optionalKey(Schema.Number),
  traceId: Schema.optionalKey(Schema.String)
}

/**
 * 401: the API key is missing, wrong or revoked.
 *
 * @since 0.1.0
 * @category api errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", ApiAnswer) {}

/**
 * 403: the key may not do this (for example the phone line is not allowed).
 *
 * @since 0.1.0
 * @category api errors
 */
export class PermissionDenied extends Schema.TaggedError<PermissionDenied>()("PermissionDenied", ApiAnswer) {}

/**
 * 404: no chat with that id.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ChatNotFound extends Schema.TaggedError<ChatNotFound>()("ChatNotFound", ApiAnswer) {}

/**
 * 429: too many requests. `retryAfter` is how long the server asked to wait,
 * when it said.
 *
 * @since 0.1.0
 * @category api errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...ApiAnswer,
  /**
   * A `Duration`. The error's JSON codec (`Schema.toCodecJson(...)`) writes it
   * as `{ "_tag": "Millis", "value": n }` (or `Nanos`, `Infinity`), so the
   * error can cross a process boundary.
   */
  retryAfter: Schema.optionalKey(Schema.Duration)
}) {}

/**
 * 400 or 422 that is not a recognised group-chat rule violation (a 409 is an
 * `ApiError`): the server's message is kept intact.
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", ApiAnswer) {}

/**
 * 500 or above: the API or a gateway in front of it failed.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", ApiAnswer) {}

/**
 * Any other non-2xx answer (for example 408 or a 3xx that was not followed).
 *
 * @since 0.1.0
 * @category api errors
 */
export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", ApiAnswer) {}
