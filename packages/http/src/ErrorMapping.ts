/**
 * How the API's non-2xx answers become core's tagged errors.
 *
 * Status decides the error class (401 `Unauthorized`, 403 `PermissionDenied`,
 * 404 `ChatNotFound`, 429 `RateLimited`, other 400/422 `InvalidRequest`,
 * >= 500 `ServerError`, anything else `ApiError`); the error envelope, when
 * the body is one, supplies `code`, `message` and `traceId`. Bodies that are
 * HTML, empty or not the envelope keep the status and get a message made from
 * a short excerpt.
 *
 * This module knows no operation: which answers are group-chat rule
 * violations is decided by `@linq-effect/client`, through
 * `LinqRequest.recognize`.
 *
 * @since 0.1.0
 */
import {
  ApiError,
  ChatNotFound,
  ErrorEnvelope,
  InvalidRequest,
  PermissionDenied,
  RateLimited,
  ServerError,
  Unauthorized
} from "@linq-effect/core"
import type { LinqApiError } from "@linq-effect/core"
import type { Duration } from "effect"
import { Option, Result, Schema } from "effect"
import { maskHandles } from "./internal/scrub.js"

/**
 * A non-2xx answer, read from its status, headers and body.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiAnswer {
  readonly status: number
  /** The server's message, handles (phone numbers, emails) masked: safe for logs and spans. */
  readonly message: string
  /**
   * The server's own words, unmasked (the API key is still cut out), present
   * when masking changed them (else they are in `message`): for recognising
   * what it said, and for a program that wants them on purpose. May hold
   * personal data (the handles the server quoted).
   */
  readonly serverMessage?: string
  readonly code?: number
  readonly traceId?: string
  readonly retryAfter?: Duration.Duration
}

/** How many characters of a body are kept in excerpts and fallback messages. */
const EXCERPT_LENGTH = 200

/**
 * The first {@link EXCERPT_LENGTH} characters of a body, whitespace folded.
 *
 * @since 0.1.0
 * @category parsing
 */
export const excerpt = (body: string, length: number = EXCERPT_LENGTH): string => {
  const folded = body
    .slice(0, length * 2)
    .replace(/\s+/g, " ")
    .trim()
  return folded.length > length ? `${folded.slice(0, length)}…` : folded
}

const decodeEnvelope = Schema.decodeUnknownResult(ErrorEnvelope)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The server's words masked, with `serverMessage` when masking changed them. */
const masked = (said: string): { readonly message: string; readonly serverMessage?: string } => {
  const message = maskHandles(said)
  return message === said ? { message } : { message, serverMessage: said }
}

/**
 * Reads a non-2xx answer: the envelope's code, message and trace id when the
 * body is one, else a message naming the status and a short excerpt.
 *
 * Text from the server goes through `scrub` (the client's, which cuts the API
 * key out) once decoded, since the body's escapes (`\/`, `\u002f`) may have
 * hidden the key from a scrub of the raw body; the `message` then has its
 * handles (phone numbers, emails) masked, and `serverMessage` keeps the
 * server's words unmasked when masking changed them. Linear in the body's
 * length.
 *
 * @since 0.1.0
 * @category parsing
 */
export const readAnswer = (
  status: number,
  body: string,
  retryAfter: Option.Option<Duration.Duration>,
  scrub: (text: string) => string = (text) => text
): ApiAnswer => {
  const envelope = body.length > 0 && body.length < 65_536 ? decodeEnvelope(parseJson(body)) : undefined
  const base = Option.match(retryAfter, { onNone: () => ({}), onSome: (wait) => ({ retryAfter: wait }) })
  if (envelope !== undefined && Result.isSuccess(envelope)) {
    const { error, trace_id } = envelope.success
    return {
      status,
      ...(error.message === undefined
        ? { message: `The Linq API answered ${status}` }
        : masked(scrub(error.message))),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(trace_id === undefined ? {} : { traceId: maskHandles(scrub(trace_id)) }),
      ...base
    }
  }
  // Scrubbed and masked whole, then cut: a key or a handle at the excerpt's edge is never left half shown.
  const scrubbed = scrub(body)
  const text = excerpt(scrubbed, 120)
  if (text.length === 0)
    return { status, message: `The Linq API answered ${status} with an empty body`, ...base }
  const shown = excerpt(maskHandles(scrubbed), 120)
  return {
    status,
    message: `The Linq API answered ${status}: ${shown}`,
    ...(shown === text ? {} : { serverMessage: text }),
    ...base
  }
}

/**
 * The API error for an answer, chosen by status.
 *
 * @since 0.1.0
 * @category mapping
 */
export const toApiError = (answer: ApiAnswer): LinqApiError => {
  const { retryAfter, ...fields } = answer
  const status = answer.status
  if (status === 401) return new Unauthorized(fields)
  if (status === 403) return new PermissionDenied(fields)
  if (status === 404) return new ChatNotFound(fields)
  if (status === 429) return new RateLimited(retryAfter === undefined ? fields : { ...fields, retryAfter })
  if (status === 400 || status === 422) return new InvalidRequest(fields)
  if (status >= 500) return new ServerError(fields)
  return new ApiError(fields)
}
