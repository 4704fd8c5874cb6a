/**
 * The bodies FakeLinq answers with: the queued-change acknowledgements and the
 * API's error envelope, with the exact codes and messages for every group-chat
 * rule violation.
 *
 * The texts here are part of the fake's contract: `@linq-effect/http` maps a
 * 400/409 answer back to a typed rule violation by recognising them, so they
 * are kept verbatim.
 *
 * @since 0.1.0
 */
import type { GroupChatRuleViolation } from "@linq-effect/core"

/**
 * A status, headers and body, ready to be sent by either transport.
 *
 * @since 0.1.0
 * @category models
 */
export interface WireResponse {
  readonly _tag: "Response"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array
}

/**
 * The API's error codes that the fake uses (status in the comment).
 *
 * @since 0.1.0
 * @category constants
 */
export const ErrorCode = {
  /** 400: a required field is missing. */
  MissingRequiredField: 1001,
  /** 400: a handle is not an E.164 phone number or an email address. */
  InvalidPhoneFormat: 1002,
  /** 400: the body is not JSON. */
  InvalidRequestBody: 1003,
  /** 400 (or 409): a parameter breaks a rule. */
  InvalidParameter: 1005,
  /** 400: the chat is a direct message. */
  CannotUpdateDm: 1006,
  /** 429: too many requests. */
  RateLimitExceeded: 1007,
  /** 404: no chat with that id. */
  ChatNotFound: 2001,
  /** 401: missing or wrong API key. */
  Unauthorized: 2004,
  /** 403: the key may not do this. */
  AccessDenied: 2005,
  /** 500: internal error. */
  InternalError: 3001,
  /** 504: network timeout. */
  NetworkTimeout: 3005,
  /** 503: service unavailable. */
  ServiceUnavailable: 4004
} as const

/**
 * The exact messages the fake answers group-chat rule violations with.
 * `crossService` takes the chat's service name.
 *
 * @since 0.1.0
 * @category constants
 */
export const RuleViolationMessage = {
  notAGroupChat: "Cannot add or remove participants in a direct message; group chats only",
  crossService: (service: string): string =>
    `Participant does not support the chat's messaging service (${service}); cross-service additions are not allowed, create a new chat instead`,
  tooFewParticipants: "Group chats must have at least 3 participants",
  alreadyInChat: "Participant is already in this chat",
  notInChat: "Participant is not in this chat"
} as const

/**
 * The JSON content type the fake answers with.
 *
 * @since 0.1.0
 * @category constants
 */
export const jsonContentType = "application/json; charset=utf-8"

/**
 * A JSON response.
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = (
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {}
): WireResponse => ({
  _tag: "Response",
  status,
  headers: { "content-type": jsonContentType, ...headers },
  body: JSON.stringify(body)
})

/**
 * The body of an error answer:
 * `{"success":false,"error":{"status","code","message"},"trace_id"}`. `code`
 * is left out when `undefined`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const envelopeBody = (
  status: number,
  code: number | undefined,
  message: string,
  traceId: string
): Record<string, unknown> => ({
  success: false,
  error: code === undefined ? { status, message } : { status, code, message },
  trace_id: traceId
})

/**
 * An error answer in the API's envelope.
 *
 * @example
 * ```ts
 * import { ApiAnswers } from "@linq-effect/testing"
 *
 * ApiAnswers.envelope(404, 2001, "Chat not found", "trace-1")
 * // 404 {"success":false,"error":{"status":404,"code":2001,"message":"Chat not found"},"trace_id":"trace-1"}
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const envelope = (
  status: number,
  code: number | undefined,
  message: string,
  traceId: string,
  headers: Readonly<Record<string, string>> = {}
): WireResponse => json(status, envelopeBody(status, code, message, traceId), headers)

/**
 * `202 {"message":"Participant addition queued","status":"accepted","trace_id"}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const additionQueued = (traceId: string): WireResponse =>
  json(202, { message: "Participant addition queued", status: "accepted", trace_id: traceId })

/**
 * `202 {"message":"Participant removal queued","status":"accepted","trace_id"}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const removalQueued = (traceId: string): WireResponse =>
  json(202, { message: "Participant removal queued", status: "accepted", trace_id: traceId })

/**
 * The status, code and message the fake answers a rule violation with:
 *
 * | violation | status | code | message |
 * |---|---|---|---|
 * | `NotAGroupChat` | 400 | 1006 | Cannot add or remove participants in a direct message; group chats only |
 * | `CrossServiceAddition` | 400 | 1005 | Participant does not support the chat's messaging service (iMessage); cross-service additions are not allowed, create a new chat instead |
 * | `TooFewParticipants` | 400 | 1005 | Group chats must have at least 3 participants |
 * | `ParticipantAlreadyInChat` | 409 | 1005 | Participant is already in this chat |
 * | `ParticipantNotInChat` | 400 | 1005 | Participant is not in this chat |
 *
 * @since 0.1.0
 * @category rule violations
 */
export const ruleViolationAnswer = (
  violation: GroupChatRuleViolation,
  overrides: ViolationOverrides = {}
): ViolationAnswer => {
  const kind = violation._tag
  const own = overrides.violations?.[kind]
  const usual = defaultViolationAnswer(violation)
  return {
    status: own?.status ?? usual.status,
    code: own !== undefined && "code" in own ? own.code : usual.code,
    message: own?.message ?? overrides.messages?.[kind] ?? usual.message
  }
}

/**
 * The kinds of group-chat rule violation (the tags of core's violations).
 *
 * @since 0.1.0
 * @category rule violations
 */
export type ViolationKind = GroupChatRuleViolation["_tag"]

/**
 * How a rule violation is answered: status, envelope code (`undefined`: no
 * code) and message.
 *
 * @since 0.1.0
 * @category rule violations
 */
export interface ViolationAnswer {
  readonly status: number
  readonly code: number | undefined
  readonly message: string
}

/**
 * Options that change how rule violations are answered, since Linq does not
 * document its wording: `messages` replaces the text per kind; `violations`
 * replaces status, code (`undefined` to leave it out) and message per kind.
 *
 * @since 0.1.0
 * @category rule violations
 */
export interface ViolationOverrides {
  readonly messages?: Partial<Record<ViolationKind, string>> | undefined
  readonly violations?: Partial<Record<ViolationKind, Partial<ViolationAnswer>>> | undefined
}

const defaultViolationAnswer = (violation: GroupChatRuleViolation): ViolationAnswer => {
  switch (violation._tag) {
    case "NotAGroupChat":
      return { status: 400, code: ErrorCode.CannotUpdateDm, message: RuleViolationMessage.notAGroupChat }
    case "CrossServiceAddition":
      return {
        status: 400,
        code: ErrorCode.InvalidParameter,
        message: RuleViolationMessage.crossService(violation.chatService ?? "unknown")
      }
    case "TooFewParticipants":
      return {
        status: 400,
        code: ErrorCode.InvalidParameter,
        message: RuleViolationMessage.tooFewParticipants
      }
    case "ParticipantAlreadyInChat":
      return { status: 409, code: ErrorCode.InvalidParameter, message: RuleViolationMessage.alreadyInChat }
    case "ParticipantNotInChat":
      return { status: 400, code: ErrorCode.InvalidParameter, message: RuleViolationMessage.notInChat }
  }
}

/**
 * The default code and message of an error status, as the fake answers an
 * injected `Fault.status` without a body of its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultErrorFor = (status: number): { readonly code?: number; readonly message: string } => {
  switch (status) {
    case 400:
      return { code: ErrorCode.InvalidParameter, message: "Invalid parameter" }
    case 401:
      return { code: ErrorCode.Unauthorized, message: "Unauthorized" }
    case 403:
      return { code: ErrorCode.AccessDenied, message: "Access denied" }
    case 404:
      return { code: ErrorCode.ChatNotFound, message: "Chat not found" }
    case 408:
      return { message: "Request timeout" }
    case 409:
      return { message: "Conflict" }
    case 422:
      return { code: ErrorCode.InvalidParameter, message: "Unprocessable entity" }
    case 429:
      return { code: ErrorCode.RateLimitExceeded, message: "Rate limit exceeded" }
    case 500:
      return { code: ErrorCode.InternalError, message: "Internal server error" }
    case 502:
      return { message: "Bad gateway" }
    case 503:
      return { code: ErrorCode.ServiceUnavailable, message: "Service unavailable" }
    case 504:
      return { code: ErrorCode.NetworkTimeout, message: "Network timeout" }
    default:
      return { message: `HTTP ${status}` }
  }
}
