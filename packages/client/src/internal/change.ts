/**
 * One participant change (add or remove) under a rule mode:
 *
 * - `"server"`: send; the answer alone decides (`recognize.ts`).
 * - `"diagnose"`: send; when the failure is a 400/409/422 that is not
 *   precise, read the chat (and capability) and return the violation the
 *   rules find there, else the original error.
 * - `"preflight"`: read the chat (and capability) first and refuse locally
 *   when a rule would break; else send as `"server"` does.
 */
import type {
  AddParticipantError,
  AddRuleViolation,
  ChatId,
  Handle,
  ParticipantAddResponse as AddResponse,
  ParticipantRemoveResponse as RemoveResponse,
  RemoveParticipantError,
  RemoveRuleViolation
} from "@linq-effect/core"
import {
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  parseChatId,
  parseHandle
} from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { Effect, Option } from "effect"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"
import { requestOverrides } from "./options.js"
import { recognizeAdd, recognizeRemove } from "./recognize.js"
import { addViolation, needsDiagnosis, removeViolation, withAnswer } from "./rules.js"

/** The API path of the participants of a chat. */
export const PARTICIPANTS_PATH = "/v3/chats/{chatId}/participants"

/** How rule violations are told (see the module's doc). */
export type RuleMode = "server" | "diagnose" | "preflight"

/** The options of one change. */
export interface ChangeOptions extends CallOptions {
  readonly rules?: RuleMode
}

/** The default rule mode: success costs nothing extra. */
export const DEFAULT_RULE_MODE: RuleMode = "diagnose"

const validate = (chatId: string | ChatId, handle: string | Handle) =>
  Effect.flatMap(parseChatId(chatId), (id) =>
    Effect.map(parseHandle(handle), (h) => ({ chatId: id, handle: h }))
  )

/** Sends an add of a validated handle, rules decided as `mode` says. */
export const addValidated = (
  chatId: ChatId,
  handle: Handle,
  options: ChangeOptions | undefined
): Effect.Effect<AddResponse, AddParticipantError, LinqHttpClient> => {
  const send = Effect.flatMap(LinqHttpClient, (client) =>
    client.execute({
      method: "POST",
      path: PARTICIPANTS_PATH,
      params: { chatId },
      body: { handle },
      response: ParticipantAddResponse,
      recognize: recognizeAdd(chatId, handle),
      ...requestOverrides(options)
    })
  )
  switch (options?.rules ?? DEFAULT_RULE_MODE) {
    case "server":
      return send
    case "preflight":
      return Effect.flatMap(
        addViolation(chatId, handle, options),
        Option.match({ onNone: () => send, onSome: (v) => Effect.fail<AddParticipantError>(v) })
      )
    case "diagnose":
      return Effect.catchIf(send, needsDiagnosis, (error) =>
        explain(error, addViolation(chatId, handle, options), (v: AddRuleViolation) => withAnswer(v, error))
      )
  }
}

/** Sends a removal of a validated handle, rules decided as `mode` says. */
export const removeValidated = (
  chatId: ChatId,
  handle: Handle,
  options: ChangeOptions | undefined
): Effect.Effect<RemoveResponse, RemoveParticipantError, LinqHttpClient> => {
  const send = Effect.flatMap(LinqHttpClient, (client) =>
    client.execute({
      method: "DELETE",
      path: PARTICIPANTS_PATH,
      params: { chatId },
      body: { handle },
      response: ParticipantRemoveResponse,
      recognize: recognizeRemove(chatId, handle),
      ...requestOverrides(options)
    })
  )
  switch (options?.rules ?? DEFAULT_RULE_MODE) {
    case "server":
      return send
    case "preflight":
      return Effect.flatMap(
        removeViolation(chatId, handle, options),
        Option.match({ onNone: () => send, onSome: (v) => Effect.fail<RemoveParticipantError>(v) })
      )
    case "diagnose":
      return Effect.catchIf(send, needsDiagnosis, (error) =>
        explain(error, removeViolation(chatId, handle, options), (v: RemoveRuleViolation) =>
          withAnswer(v, error)
        )
      )
  }
}

/**
 * The violation `diagnosis` finds, carrying the answer's status, code and
 * trace id; the original error when it finds none or cannot read the chat.
 */
const explain = <E, V, R>(
  original: E,
  diagnosis: Effect.Effect<Option.Option<V>, unknown, R>,
  carry: (violation: V) => E
): Effect.Effect<never, E, R> =>
  Effect.flatMap(
    Effect.orElseSucceed(diagnosis, () => Option.none<V>()),
    Option.match({
      onNone: () => Effect.fail(original),
      onSome: (violation) => Effect.fail(carry(violation))
    })
  )

// Made once: the tagged metrics of the operation are looked up here, not per call.
const meteredAdd = metered("addParticipant")
const meteredRemove = metered("removeParticipant")

/** `addParticipant`: validate, then add under the rule mode; one metered call. */
export const add = (chatId: string | ChatId, handle: string | Handle, options?: ChangeOptions) =>
  meteredAdd(Effect.flatMap(validate(chatId, handle), (v) => addValidated(v.chatId, v.handle, options)))

/** `removeParticipant`: validate, then remove under the rule mode; one metered call. */
export const remove = (chatId: string | ChatId, handle: string | Handle, options?: ChangeOptions) =>
  meteredRemove(Effect.flatMap(validate(chatId, handle), (v) => removeValidated(v.chatId, v.handle, options)))
