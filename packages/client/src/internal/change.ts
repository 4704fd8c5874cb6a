/**
 * One participant change (add or remove) under a rule mode:
 *
 * - `"server"`: send; the answer alone decides (`recognize.ts`).
 * - `"diagnose"`: send; when the failure is a 400/409/422 that is not
 *   precise, read the chat (and capability) and return the violation the
 *   rules find there, else the original error.
 * - `"preflight"`: read the chat (and capability) first and refuse locally
 *   when a rule would break against the chat plus the changes this client
 *   sent that the chat does not show yet (`ledger.ts`); else send as
 *   `"server"` does.
 *
 * In every mode an accepted change is recorded in the client's ledger.
 */
import type {
  AddParticipantError,
  AddRuleViolation,
  ChatId,
  Handle,
  LinqApiError,
  LinqTransportError,
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
import type { ErrorMapping } from "@linq-effect/http"
import { LinqHttpClient } from "@linq-effect/http"
import type { Schema } from "effect"
import { Effect, Option } from "effect"
import { metered } from "./metrics.js"
import type { Guard } from "./pending.js"
import { addGuard, preflight, recorded, removeGuard } from "./pending.js"
import type { CallOptions } from "./options.js"
import { requestOverrides } from "./options.js"
import { recognizeAdd, recognizeRemove } from "./recognize.js"
import type { ServerAnswer } from "./rules.js"
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

/** What tells an add from a removal; everything else about a change is shared. */
interface Change<A, I, V extends ServerAnswer, E> {
  readonly method: "POST" | "DELETE"
  /** What `"preflight"` checks, against the chat plus this client's pending changes (`pending.ts`). */
  readonly guard: Guard<V, E>
  readonly response: Schema.Schema<A, I, never>
  /** The violation the answer alone reports (`recognize.ts`). */
  readonly recognize: (chatId: ChatId, handle: Handle) => (answer: ErrorMapping.ApiAnswer) => Option.Option<V>
  /** The violation the chat's state shows (one chat read, and a capability check where needed). */
  readonly violation: (
    chatId: ChatId,
    handle: Handle,
    options: CallOptions | undefined
  ) => Effect.Effect<Option.Option<V>, E, LinqHttpClient>
  /** A violation found from state, carrying the status, code and trace id of the answer it explains. */
  readonly withAnswer: (violation: V, error: ServerAnswer) => V
}

/** Sends a change of a validated handle, rules decided as its `rules` option says. */
const underRules =
  <A, I, V extends ServerAnswer, E>(change: Change<A, I, V, E>) =>
  (
    chatId: ChatId,
    handle: Handle,
    options: ChangeOptions | undefined
  ): Effect.Effect<A, V | E | LinqApiError | LinqTransportError, LinqHttpClient> => {
    const request = Effect.flatMap(LinqHttpClient, (client) =>
      client.execute({
        method: change.method,
        path: PARTICIPANTS_PATH,
        params: { chatId },
        body: { handle },
        response: change.response,
        recognize: change.recognize(chatId, handle),
        ...requestOverrides(options)
      })
    )
    // Accepted changes go into the client's ledger until the chat shows them.
    const send = recorded(change.guard.op, chatId, handle, request)
    switch (options?.rules ?? DEFAULT_RULE_MODE) {
      case "server":
        return send
      case "preflight":
        return preflight(change.guard, chatId, handle, options, request)
      case "diagnose":
        return Effect.catchIf(send, needsDiagnosis, (error) =>
          explain(error, change.violation(chatId, handle, options), (violation) =>
            change.withAnswer(violation, error)
          )
        )
    }
  }

/** Sends an add of a validated handle under the rule mode. */
export const addValidated: (
  chatId: ChatId,
  handle: Handle,
  options: ChangeOptions | undefined
) => Effect.Effect<AddResponse, AddParticipantError, LinqHttpClient> = underRules({
  method: "POST",
  guard: addGuard,
  response: ParticipantAddResponse,
  recognize: recognizeAdd,
  violation: addViolation,
  withAnswer: (violation: AddRuleViolation, error) => withAnswer(violation, error)
})

/** Sends a removal of a validated handle under the rule mode. */
export const removeValidated: (
  chatId: ChatId,
  handle: Handle,
  options: ChangeOptions | undefined
) => Effect.Effect<RemoveResponse, RemoveParticipantError, LinqHttpClient> = underRules({
  method: "DELETE",
  guard: removeGuard,
  response: ParticipantRemoveResponse,
  recognize: recognizeRemove,
  violation: removeViolation,
  withAnswer: (violation: RemoveRuleViolation, error) => withAnswer(violation, error)
})

/**
 * The violation `diagnosis` finds, carrying the answer's status, code and
 * trace id; the original error when it finds none or cannot read the chat.
 */
const explain = <E, V, R>(
  original: E,
  diagnosis: Effect.Effect<Option.Option<V>, unknown, R>,
  carry: (violation: V) => V
): Effect.Effect<never, E | V, R> =>
  Effect.flatMap(
    Effect.orElseSucceed(diagnosis, () => Option.none<V>()),
    Option.match({
      onNone: () => Effect.fail(original),
      onSome: (violation) => Effect.fail<E | V>(carry(violation))
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
