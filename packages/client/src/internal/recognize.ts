/**
 * Which group-chat rule an error answer reports, for the participant
 * operations.
 *
 * Linq does not document which code or message it answers each rule
 * violation with, so they are recognised from what the answer carries:
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
 */
import type { AddRuleViolation, RemoveRuleViolation } from "@linq-effect/core"
import {
  CrossServiceAddition,
  NotAGroupChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  ServiceType,
  TooFewParticipants
} from "@linq-effect/core"
import type { ErrorMapping } from "@linq-effect/http"
import { Option, Schema } from "effect"

type ApiAnswer = ErrorMapping.ApiAnswer

/**
 * The group-chat rule a server's answer reports, if it reports one.

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
