/**
 * Rule violations decided from the chat's state (the `"diagnose"` and
 * `"preflight"` rule modes, and the sync's plan): read the chat, and the
 * handle's capability when the group's service needs it, and ask
 * `GroupChatRules`.
 */
import type {
  AddRuleViolation,
  Chat,
  CheckCapabilityError,
  ChatId,
  GroupChatRuleViolation,
  Handle,
  RemoveRuleViolation
} from "@linq-effect/core"
import {
  CrossServiceAddition,
  GroupChatRules,
  isKnownService,
  NotAGroupChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  TooFewParticipants
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Effect, Option } from "effect"
import type { CallOptions } from "./options.js"
import { checkCapability, getChat } from "./reads.js"
import { CANNOT_UPDATE_DM, isPreciseCode } from "./recognize.js"

/**
 * The service a newcomer's capability must be checked for: the group's,
 * when it is iMessage or RCS. SMS groups (and chats without a service) are
 * not checked: Linq has no SMS capability check. Nor are groups on a service
 * this SDK does not know: there is no capability check for it either.
 */
export const serviceToCheck = (chat: Chat): "iMessage" | "RCS" | undefined => {
  const service = chat.service
  if (service === undefined || service === null || !isKnownService(service)) return undefined
  return service === "iMessage" || service === "RCS" ? service : undefined
}

/**
 * What adding `handle` to `chat` breaks, the capability checked (one more
 * request) only when nothing else is broken and the group's service needs it.
 */
export const addViolationIn = (chat: Chat, handle: Handle, options: CallOptions | undefined) => {
  const local = GroupChatRules.checkAdd(chat, handle)
  return Option.isSome(local) ? Effect.succeed(local) : crossServiceIn(chat, handle, options)
}

/**
 * Whether `handle` cannot use `chat`'s service: one capability check when the
 * group's service needs it (iMessage or RCS), none otherwise.
 */
export const crossServiceIn = (
  chat: Chat,
  handle: Handle,
  options: CallOptions | undefined
): Effect.Effect<Option.Option<AddRuleViolation>, CheckCapabilityError, LinqHttpClient> => {
  const service = serviceToCheck(chat)
  if (service === undefined) return Effect.succeedNone
  return Effect.map(checkCapability(handle, service, options), (available) =>
    available
      ? Option.none()
      : Option.some(new CrossServiceAddition({ chatId: chat.id, handle, chatService: service }))
  )
}

/** Reads the chat and says what adding `handle` would break. */
export const addViolation = (chatId: ChatId, handle: Handle, options: CallOptions | undefined) =>
  Effect.flatMap(getChat(chatId, options), (chat) => addViolationIn(chat, handle, options))

/** Reads the chat and says what removing `handle` would break. */
export const removeViolation = (chatId: ChatId, handle: Handle, options: CallOptions | undefined) =>
  Effect.map(getChat(chatId, options), (chat) => GroupChatRules.checkRemove(chat, handle))

/** The server's status, code and trace id an error carries. */
export interface ServerAnswer {
  readonly _tag: string
  readonly status?: number | undefined
  readonly code?: number | undefined
  readonly traceId?: string | undefined
}

const answerOf = (error: ServerAnswer) => ({
  ...(error.status === undefined ? {} : { status: error.status }),
  ...(error.code === undefined ? {} : { code: error.code }),
  ...(error.traceId === undefined ? {} : { traceId: error.traceId })
})

/** The violation found from state, carrying the status, code and trace id of the answer it explains. */
export function withAnswer(violation: AddRuleViolation, error: ServerAnswer): AddRuleViolation
export function withAnswer(violation: RemoveRuleViolation, error: ServerAnswer): RemoveRuleViolation
export function withAnswer(violation: GroupChatRuleViolation, error: ServerAnswer): GroupChatRuleViolation {
  const server = answerOf(error)
  const chatId = violation.chatId
  switch (violation._tag) {
    case "NotAGroupChat":
      return new NotAGroupChat({
        chatId,
        ...(violation.handle === undefined ? {} : { handle: violation.handle }),
        ...server
      })
    case "TooFewParticipants":
      return new TooFewParticipants({
        chatId,
        ...(violation.handle === undefined ? {} : { handle: violation.handle }),
        ...(violation.participants === undefined ? {} : { participants: violation.participants }),
        ...server
      })
    case "CrossServiceAddition":
      return new CrossServiceAddition({
        chatId,
        handle: violation.handle,
        ...(violation.chatService === undefined ? {} : { chatService: violation.chatService }),
        ...(violation.handleServices === undefined ? {} : { handleServices: violation.handleServices }),
        ...server
      })
    case "ParticipantAlreadyInChat":
      return new ParticipantAlreadyInChat({ chatId, handle: violation.handle, ...server })
    case "ParticipantNotInChat":
      return new ParticipantNotInChat({ chatId, handle: violation.handle, ...server })
  }
}

/**
 * Whether a failed change is worth explaining from the chat's state: a 400,
 * 409 or 422 whose code is not precise, or a violation only its text
 * suggested. 401, 403, 404, 429, 5xx, transport errors, input errors and a
 * 1006 answer are already precise.
 */
export const needsDiagnosis = (error: ServerAnswer): boolean => {
  switch (error._tag) {
    case "InvalidRequest":
      return !isPreciseCode(error.code)
    case "ApiError":
      return error.status === 409 && !isPreciseCode(error.code)
    case "NotAGroupChat":
    case "CrossServiceAddition":
    case "TooFewParticipants":
    case "ParticipantAlreadyInChat":
    case "ParticipantNotInChat":
      return error.status !== undefined && error.code !== CANNOT_UPDATE_DM
    default:
      return false
  }
}
