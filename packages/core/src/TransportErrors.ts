/**
 * Transport failures: the request could not be sent, took too long, or its
 * 2xx answer was not the documented shape.
 *
 * @since 0.1.0
 */
import { Duration, Schema } from "effect"

/**
 * The request could not be sent or its answer could not be read (DNS,
 * refused or dropped connection, TLS, aborted body).
 *
 * @since 0.1.0
 * @category transport errors
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>()("ConnectionError", {
  method: Schema.String,
  url: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Could not reach the Linq API (${this.method} ${this.url}): ${this.reason}`
  }
}

/**
 * One attempt took longer than the configured timeout.
 *
 * @since 0.1.0
 * @category transport errors
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
  method: Schema.String,
  url: Schema.String,
  /**
   * A `Duration`. The error's JSON codec (`Schema.toCodecJson(...)`) writes it
   * as `{ "_tag": "Millis", "value": n }` (or `Nanos`, `Infinity`), so the
   * error can cross a process boundary.
   */
  timeout: Schema.Duration
}) {
  override get message(): string {
    return `The Linq API did not answer ${this.method} ${this.url} within ${Duration.format(this.timeout)}`
  }
}

/**
 * A 2xx answer whose body is not the documented shape (or is too large).
 * `excerpt` holds at most the first few hundred characters of the body.
 *
 * @since 0.1.0
 * @category transport errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  status: Schema.Number,
  excerpt: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Unexpected response from the Linq API (status ${this.status}): ${this.reason}`
  }
}
