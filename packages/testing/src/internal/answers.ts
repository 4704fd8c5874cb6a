/**
 * The answers FakeLinq sends: JSON, and Linq's error envelope with the codes
 * of linq-api.md (the usual ones of each status and rule violation).
 *
 * @internal
 */
import type { GroupChatRuleViolation, LeaveRuleViolation } from "@linq-effect/core"

/** A status, headers and body, before the answer encoding is applied. */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array
}

/** The API's error codes the fake uses. */
export const ErrorCode = {
  MissingRequiredField: 1001,
  InvalidPhoneFormat: 1002,
  InvalidRequestBody: 1003,
  InvalidParameter: 1005,
  CannotUpdateDm: 1006,
  RateLimitExceeded: 1007,
  ChatNotFound: 2001,
  Unauthorized: 2004,
  AccessDenied: 2005,
  InternalError: 3001,
  NetworkTimeout: 3005,
  ServiceUnavailable: 4004
} as const

export const jsonContentType = "application/json; charset=utf-8"

export const json = (
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {}
): Answer => ({
  status,
  headers: { "content-type": jsonContentType, ...headers },
  body: JSON.stringify(body)
})

/** `{"success":false,"error":{"status","code"?,"message"},"trace_id"}`. */
export const envelope = (
  status: number,
  code: number | undefined,
  message: string,
  traceId: string,
  headers: Readonly<Record<string, string>> = {}
): Answer => {
  const error = code === undefined ? { status, message } : { status, code, message }
  return json(status, { success: false, error, trace_id: traceId }, headers)
}

/** A rule violation the fake answers: of an add or a removal, or of a leave. */
export type Violation = GroupChatRuleViolation | LeaveRuleViolation

/** The kinds of group-chat rule violation (the tags of core's violations, a leave's included). */
export type ViolationKind = Violation["_tag"]

/** How a rule violation is answered (`code` undefined: no code in the envelope). */
export interface ViolationAnswer {
  readonly status: number
  readonly code: number | undefined
  readonly message: string
}

/** Per-kind replacements of the violation answers (`violations` wins over `messages`). */
export interface ViolationOverrides {
  readonly messages?: Partial<Record<ViolationKind, string>> | undefined
  readonly violations?: Partial<Record<ViolationKind, Partial<ViolationAnswer>>> | undefined
}

const usualMessage = (violation: Violation): string => {
  switch (violation._tag) {
    case "NotAGroupChat":
      return "Cannot add or remove participants in a direct message; group chats only"
    case "CrossServiceAddition":
      return `Participant does not support the chat's messaging service (${violation.chatService ?? "unknown"}); cross-service additions are not allowed, create a new chat instead`
    case "TooFewParticipants":
      return "Group chats must have at least 3 participants"
    case "ParticipantAlreadyInChat":
      return "Participant is already in this chat"
    case "ParticipantNotInChat":
      return "Participant is not in this chat"
    case "NotAnIMessageGroup":
      return "Only iMessage group chats can be left"
    case "OwnNumberNotInChat":
      return "Your phone number is not an active participant of this chat"
  }
}

/** The answer to a rule violation: the usual one, with the overrides of its kind. */
export const violationAnswer = (violation: Violation, overrides: ViolationOverrides): ViolationAnswer => {
  const kind = violation._tag
  const own = overrides.violations?.[kind]
  const code = kind === "NotAGroupChat" ? ErrorCode.CannotUpdateDm : ErrorCode.InvalidParameter
  return {
    status: own?.status ?? (kind === "ParticipantAlreadyInChat" ? 409 : 400),
    code: own !== undefined && "code" in own ? own.code : code,
    message: own?.message ?? overrides.messages?.[kind] ?? usualMessage(violation)
  }
}

/** Linq's 404 for a chat id it does not know. */
export const chatNotFound = (traceId: string): Answer =>
  envelope(404, ErrorCode.ChatNotFound, "Chat not found", traceId)

const usualErrors: Record<number, readonly [code: number | undefined, message: string]> = {
  400: [ErrorCode.InvalidParameter, "Invalid parameter"],
  401: [ErrorCode.Unauthorized, "Unauthorized"],
  403: [ErrorCode.AccessDenied, "Access denied"],
  404: [ErrorCode.ChatNotFound, "Chat not found"],
  408: [undefined, "Request timeout"],
  409: [undefined, "Conflict"],
  422: [ErrorCode.InvalidParameter, "Unprocessable entity"],
  429: [ErrorCode.RateLimitExceeded, "Rate limit exceeded"],
  500: [ErrorCode.InternalError, "Internal server error"],
  502: [undefined, "Bad gateway"],
  503: [ErrorCode.ServiceUnavailable, "Service unavailable"],
  504: [ErrorCode.NetworkTimeout, "Network timeout"]
}

/** The usual code and message of an error status (a `Fault.status` without its own). */
export const usualError = (
  status: number
): { readonly code: number | undefined; readonly message: string } => {
  const [code, message] = usualErrors[status] ?? [undefined, `HTTP ${status}`]
  return { code, message }
}
