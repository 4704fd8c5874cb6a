/**
 * Which group-chat rule an error answer reports, from the answer alone (the
 * `"server"` rule mode, and the first look of the others).
 *
 * Linq documents one code for a rule violation, 1006 (`cannot_update_dm`):
 * it is `NotAGroupChat`. Other documented codes (1001–1004, 1007, 2xxx…)
 * mean what they say, and their text is never read. Only when an answer has
 * no code, 1005 (`invalid_parameter`) or an undocumented one is its text read,
 * as a last resort, and only on 400, 409 and 422: a 401, 403, 404, 429 or
 * 5xx keeps its status's error whatever its text says (an authorization
 * refusal stays `PermissionDenied`). An operation only ever gets the
 * violations it can meet (an add is never `ParticipantNotInChat`).
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
import type { ViolationKind } from "./wording.js"
import { patterns } from "./wording.js"

export type { ViolationKind } from "./wording.js"

type ApiAnswer = ErrorMapping.ApiAnswer

/** The statuses whose text may be read. */
const TEXT_STATUSES = new Set([400, 409, 422])

/** `cannot_update_dm`: the one documented code that is a rule violation. */
export const CANNOT_UPDATE_DM = 1006

/** `invalid_parameter`: documented, but says nothing about which parameter or rule. */
const INVALID_PARAMETER = 1005

/** Linq's documented codes (1xxx–5xxx known ones); any of these but 1005 and 1006 is precise about something else. */
const isDocumentedCode = (code: number): boolean =>
  (code >= 1001 && code <= 1007) ||
  (code >= 2001 && code <= 2008) ||
  (code >= 3001 && code <= 3007) ||
  (code >= 4001 && code <= 4004) ||
  (code >= 5001 && code <= 5006)

/**
 * Whether an answer's code already says precisely what went wrong (so that
 * neither its text nor the chat's state is consulted).
 */
export const isPreciseCode = (code: number | undefined): boolean =>
  code !== undefined && code !== INVALID_PARAMETER && isDocumentedCode(code)

/** Which rule an answer reports, among `allowed`: codes first, text last, never for other statuses. */
export const recognize = (
  answer: Pick<ApiAnswer, "status" | "message" | "serverMessage" | "code">,
  allowed: ReadonlySet<ViolationKind>
): Option.Option<ViolationKind> => {
  if (!TEXT_STATUSES.has(answer.status)) return Option.none()
  if (answer.code === CANNOT_UPDATE_DM) {
    return allowed.has("NotAGroupChat") ? Option.some("NotAGroupChat") : Option.none()
  }
  if (isPreciseCode(answer.code)) return Option.none()
  // The server's own words: `message` has its handles masked, which could hide wording.
  const text = answer.serverMessage ?? answer.message
  for (const [kind, pattern] of patterns) {
    if (allowed.has(kind) && pattern.test(text)) return Option.some(kind)
  }
  return Option.none()
}

/** The server's status, code and trace id, as rule violations carry them. */
export const serverFields = (answer: Pick<ApiAnswer, "status" | "code" | "traceId">) => ({
  status: answer.status,
  ...(answer.code === undefined ? {} : { code: answer.code }),
  ...(answer.traceId === undefined ? {} : { traceId: answer.traceId })
})

const isServiceType = Schema.is(ServiceType)

/** The one service a message names, if it names exactly one (the group's, in a cross-service refusal). */
const mentionedService = (message: string): ServiceType | undefined => {
  const named = new Set(message.match(/\b(?:iMessage|SMS|RCS)\b/g))
  const [only] = named
  return named.size === 1 && isServiceType(only) ? only : undefined
}

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

/** Recognises the rule violations of adding `handle` to `chatId` in an answer. */
export const recognizeAdd =
  (chatId: string, handle: string) =>
  (answer: ApiAnswer): Option.Option<AddRuleViolation> =>
    Option.map(recognize(answer, ADD_KINDS), (kind): AddRuleViolation => {
      const fields = { chatId, handle, ...serverFields(answer) }
      switch (kind) {
        case "CrossServiceAddition": {
          const chatService = mentionedService(answer.serverMessage ?? answer.message)
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

/** Recognises the rule violations of removing `handle` from `chatId` in an answer. */
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
