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
 * Group-chat rule violations: Linq does not document which code or message it
 * answers each one with, so they are recognised from what the answer carries:
 * code 1006 (`cannot_update_dm`) or a message about direct messages / "group
 * chats only" is `NotAGroupChat`; messages about the same or another
 * messaging service, or "create a new chat", are `CrossServiceAddition`;
 * "at least 3 participants" and the like are `TooFewParticipants`; "already
 * in/a participant/a member" is `ParticipantAlreadyInChat`; "not in the chat /
 * not a participant/member" is `ParticipantNotInChat`. Only 400, 403, 409 and
 * 422 answers are looked at, and only the violations an operation can meet
 * (an add never becomes `ParticipantNotInChat`). Anything unrecognised stays
 * the status's error (usually `InvalidRequest`) with the server's message
 * intact.
 *
 * @since 0.1.0
 */
import {
  ApiError,
  ChatNotFound,
  CrossServiceAddition,
  ErrorEnvelope,
  InvalidRequest,
  NotAGroupChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  PermissionDenied,
  RateLimited,
  ServerError,
  TooFewParticipants,
  Unauthorized
} from "@linq-effect/core"
import type { AddRuleViolation, LinqApiError, RemoveRuleViolation } from "@linq-effect/core"
import { ServiceType } from "@linq-effect/core"
import type { Duration } from "effect"
import { Either, Option, Schema } from "effect"

/**
 * A non-2xx answer, read from its status, headers and body.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiAnswer {
  readonly status: number
  readonly message: string
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

const decodeEnvelope = Schema.decodeUnknownEither(ErrorEnvelope)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Reads a non-2xx answer: the envelope's code, message and trace id when the
 * body is one, else a message naming the status and a short excerpt.
 *
 * @since 0.1.0
 * @category parsing
 */
export const readAnswer = (
  status: number,
  body: string,
  retryAfter: Option.Option<Duration.Duration>
): ApiAnswer => {
  const envelope = body.length > 0 && body.length < 65_536 ? decodeEnvelope(parseJson(body)) : undefined
  const base = Option.match(retryAfter, { onNone: () => ({}), onSome: (wait) => ({ retryAfter: wait }) })
  if (envelope !== undefined && Either.isRight(envelope)) {
    const { error, trace_id } = envelope.right
    return {
      status,
      message: error.message ?? `The Linq API answered ${status}`,
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(trace_id === undefined ? {} : { traceId: trace_id }),
      ...base
    }
  }
  const text = excerpt(body, 120)
  return {
    status,
    message:
      text.length === 0
        ? `The Linq API answered ${status} with an empty body`
        : `The Linq API answered ${status}: ${text}`,
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

/**
 * The group-chat rule a server's answer reports, if it reports one.
 *
 * @since 0.1.0
 * @category models
 */
export type ViolationKind =
  | "NotAGroupChat"
  | "CrossServiceAddition"
  | "TooFewParticipants"
  | "ParticipantAlreadyInChat"
  | "ParticipantNotInChat"

const patterns: ReadonlyArray<readonly [ViolationKind, RegExp]> = [
  ["ParticipantAlreadyInChat", /\balready (?:a |an )?(?:participant|member|in)\b/i],
  [
    "ParticipantNotInChat",
    /\bnot (?:a |an )?(?:participant|member)\b|\bnot (?:in|part of) (?:this|the) (?:chat|group)\b/i
  ],
  [
    "CrossServiceAddition",
    /cross[- ]service|(?:does not|doesn't|not) support (?:the )?(?:chat'?s |group'?s |same )?(?:messaging )?service|same (?:messaging )?service|create a new chat/i
  ],
  [
    "TooFewParticipants",
    /(?:at least|minimum of|fewer than|less than) (?:3|three)\b|too few participants|\b3\+ participants/i
  ],
  ["NotAGroupChat", /direct message|\bDMs?\b|not a group|group chats? only|only (?:for |in )?group chats?/i]
]

const RULE_STATUSES = new Set([400, 403, 409, 422])
/** `cannot_update_dm`: the one documented code that is a rule violation. */
const CANNOT_UPDATE_DM = 1006

/**
 * Which group-chat rule an answer reports, among `allowed`.
 *
 * @since 0.1.0
 * @category mapping
 */
export const recognize = (
  answer: ApiAnswer,
  allowed: ReadonlySet<ViolationKind>
): Option.Option<ViolationKind> => {
  if (!RULE_STATUSES.has(answer.status)) return Option.none()
  if (answer.code === CANNOT_UPDATE_DM && allowed.has("NotAGroupChat")) return Option.some("NotAGroupChat")
  for (const [kind, pattern] of patterns) {
    if (allowed.has(kind) && pattern.test(answer.message)) return Option.some(kind)
  }
  return Option.none()
}

const serverFields = (answer: ApiAnswer) => ({
  status: answer.status,
  ...(answer.code === undefined ? {} : { code: answer.code }),
  ...(answer.traceId === undefined ? {} : { traceId: answer.traceId })
})

/** The one service a message names, if it names exactly one (the group's, in a cross-service refusal). */
const mentionedService = (message: string): ServiceType | undefined => {
  const named = new Set(message.match(/\b(?:iMessage|SMS|RCS)\b/g))
  const [only] = named
  return named.size === 1 && isServiceType(only) ? only : undefined
}

const isServiceType = Schema.is(ServiceType)

const ADD_KINDS: ReadonlySet<ViolationKind> = new Set([
  "NotAGroupChat",
  "CrossServiceAddition",
  "TooFewParticipants",
  "ParticipantAlreadyInChat"
])
const REMOVE_KINDS: ReadonlySet<ViolationKind> = new Set([
  "NotAGroupChat",
  "TooFewParticipants",
  "ParticipantNotInChat"
])

/**
 * Recognises the rule violations of adding `handle` to `chatId`.
 *
 * @since 0.1.0
 * @category mapping
 */
export const recognizeAdd =
  (chatId: string, handle: string) =>
  (answer: ApiAnswer): Option.Option<AddRuleViolation> =>
    Option.map(recognize(answer, ADD_KINDS), (kind): AddRuleViolation => {
      const fields = { chatId, handle, ...serverFields(answer) }
      switch (kind) {
        case "CrossServiceAddition": {
          const chatService = mentionedService(answer.message)
          return new CrossServiceAddition(chatService === undefined ? fields : { ...fields, chatService })
        }
        case "TooFewParticipants":
          return new TooFewParticipants(fields)
        case "ParticipantAlreadyInChat":
          return new ParticipantAlreadyInChat(fields)
        default:
          return new NotAGroupChat(fields)
      }
    })

/**
 * Recognises the rule violations of removing `handle` from `chatId`.
 *
 * @since 0.1.0
 * @category mapping
 */
export const recognizeRemove =
  (chatId: string, handle: string) =>
  (answer: ApiAnswer): Option.Option<RemoveRuleViolation> =>
    Option.map(recognize(answer, REMOVE_KINDS), (kind): RemoveRuleViolation => {
      const fields = { chatId, handle, ...serverFields(answer) }
      switch (kind) {
        case "TooFewParticipants":
          return new TooFewParticipants(fields)
        case "ParticipantNotInChat":
          return new ParticipantNotInChat(fields)
        default:
          return new NotAGroupChat(fields)
      }
    })
