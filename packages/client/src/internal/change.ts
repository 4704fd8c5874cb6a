/**
 * One participant change (add or remove) under a rule mode:
 *
 * - `"server"`: send; the answer alone decides (`recognize.ts`).
 * - `"diagnose"`: send; when the failure is a 400/409/422 that is not
 *   precise, read the chat (and capability) and return the violation the
 *   rules find there, else the status's own error (`InvalidRequest`,
 *   `ApiError`…). A violation is returned only when the chat's state shows
 *   it (or the answer carries 1006): a guess from the answer's text is never
 *   returned. The text only decides when to read: a 409 whose text names a
 *   rule is read at once rather than after its retries, and retried like any
 *   409 is when the chat does not bear it out. The diagnosis is bounded: one
 *   chat read (plus a capability check for an iMessage/RCS group) per call,
 *   never retried, all within {@link diagnosisBudget}; if it fails or runs
 *   out of time, the status's own error is returned.
 * - `"preflight"`: read the chat (and capability) first and refuse locally
 *   when a rule would break against the chat plus the changes this client
 *   sent that the chat does not show yet (`ledger.ts`); else send as
 *   `"server"` does.
 *
 * In every mode an accepted change is recorded in the client's ledger.
 */
import type {
  InvalidOption,
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
import { ErrorMapping, LinqHttpClient, RetryPolicy } from "@linq-effect/http"
import type { Schema } from "effect"
import { Duration, Effect, Option, Random } from "effect"
import { metered } from "./metrics.js"
import type { Guard } from "./pending.js"
import { addGuard, preflight, recorded, removeGuard } from "./pending.js"
import type { CallOptions } from "./options.js"
import { requestOverrides } from "./options.js"
import { budgetOf, boundedOptions } from "./reads.js"
import { CANNOT_UPDATE_DM, recognizeAdd, recognizeRemove } from "./recognize.js"
import type { ServerAnswer } from "./rules.js"
import { addViolation, needsDiagnosis, removeViolation, withAnswer } from "./rules.js"

/** The API path of the participants of a chat. */
export const PARTICIPANTS_PATH = "/v3/chats/{chatId}/participants"

/** How rule violations are told (see the module's doc). */
export type RuleMode = "server" | "diagnose" | "preflight"

/** The options of one change. */
export interface ChangeOptions extends CallOptions {
  readonly rules?: RuleMode | undefined
}

/** The default rule mode: success costs nothing extra. */
export const DEFAULT_RULE_MODE: RuleMode = "diagnose"

/** The longest a `"diagnose"` diagnosis (its chat read and capability check together) may take: 2 seconds. */
export const DIAGNOSIS_BUDGET: Duration.Duration = Duration.seconds(2)

/**
 * The time a diagnosis may take: the call's timeout (per-call, else the
 * client's), but never more than {@link DIAGNOSIS_BUDGET}. Its reads get this
 * as their timeout and no retries, and the whole diagnosis is cut at it.
 */
export const diagnosisBudget = (
  callTimeout: Duration.Input | undefined,
  clientTimeout: Duration.Duration
): Duration.Duration => budgetOf(callTimeout, clientTimeout, DIAGNOSIS_BUDGET)

const validate = (chatId: string | ChatId, handle: string | Handle) =>
  Effect.flatMap(parseChatId(chatId), (id) =>
    Effect.map(parseHandle(handle), (h) => ({ chatId: id, handle: h }))
  )

/** What tells an add from a removal; everything else about a change is shared. */
interface Change<A, I, V extends ServerAnswer, E> {
  readonly method: "POST" | "DELETE"
  /** What `"preflight"` checks, against the chat plus this client's pending changes (`pending.ts`). */
  readonly guard: Guard<V, E>
  readonly response: Schema.Codec<A, I>
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
  ): Effect.Effect<A, V | E | InvalidOption | LinqApiError | LinqTransportError, LinqHttpClient> => {
    const sendWith = (recognize: (answer: ErrorMapping.ApiAnswer) => Option.Option<V>, maxRetries?: number) =>
      Effect.flatMap(LinqHttpClient, (client) =>
        client.execute({
          method: change.method,
          path: PARTICIPANTS_PATH,
          params: { chatId },
          body: { handle },
          response: change.response,
          recognize,
          ...requestOverrides(options),
          ...(maxRetries === undefined ? {} : { maxRetries })
        })
      )
    const request = sendWith(change.recognize(chatId, handle))
    // Accepted changes go into the client's ledger until the chat shows them.
    const recordedWith: typeof sendWith = (recognize, maxRetries) =>
      recorded(change.guard.op, chatId, handle, sendWith(recognize, maxRetries))
    const send = recorded(change.guard.op, chatId, handle, request)
    switch (options?.rules ?? DEFAULT_RULE_MODE) {
      case "server":
        return send
      case "preflight":
        return preflight(change.guard, chatId, handle, options, request)
      case "diagnose":
        return diagnosed(change, chatId, handle, options, recordedWith)
    }
  }

/**
 * The `"diagnose"` mode: send, reading the answer's text only to know when to
 * diagnose; return a violation only when the chat's state shows it.
 */
const diagnosed = <A, I, V extends ServerAnswer, E>(
  change: Change<A, I, V, E>,
  chatId: ChatId,
  handle: Handle,
  options: ChangeOptions | undefined,
  sendWith: (
    recognize: (answer: ErrorMapping.ApiAnswer) => Option.Option<V>,
    maxRetries?: number
  ) => Effect.Effect<A, V | InvalidOption | LinqApiError | LinqTransportError, LinqHttpClient>
): Effect.Effect<A, V | E | InvalidOption | LinqApiError | LinqTransportError, LinqHttpClient> =>
  Effect.flatMap(LinqHttpClient, (client) => {
    // One read (and capability check), no retries, within the budget; a failed or late one finds nothing.
    // Made once a refusal came back: by then the call's timeout was checked by sending.
    const diagnosis = Effect.suspend(() => {
      const budget = diagnosisBudget(options?.timeout, client.timeout)
      return Effect.timeoutOrElse(
        Effect.orElseSucceed(change.violation(chatId, handle, boundedOptions(options, budget)), () =>
          Option.none<V>()
        ),
        { duration: budget, orElse: () => Effect.succeed(Option.none<V>()) }
      )
    })
    const byText = change.recognize(chatId, handle)
    // The answer a guess was read from: its status's own error is the fallback.
    let guessedFrom: ErrorMapping.ApiAnswer | undefined
    const guessing = (answer: ErrorMapping.ApiAnswer) => {
      const guess = byText(answer)
      guessedFrom = Option.isSome(guess) && answer.code !== CANNOT_UPDATE_DM ? answer : undefined
      return guess
    }
    // The retries left after a guess: only 1006 is recognised (the text is not read again).
    const byCode = (answer: ErrorMapping.ApiAnswer) =>
      answer.code === CANNOT_UPDATE_DM ? byText(answer) : Option.none()
    const retries = options?.maxRetries ?? client.maxRetries
    return Effect.catchIf(sendWith(guessing), needsDiagnosis, (error) =>
      Effect.flatMap(diagnosis, (found) => {
        if (Option.isSome(found)) return Effect.fail(change.withAnswer(found.value, error))
        const answer = guessedFrom
        // Not a guess: already the status's own error, retried as its status is.
        if (answer === undefined) return Effect.fail(error)
        // A guess the chat does not bear out: its status's own error, retried as its status is
        // (the first retry waits the policy's first wait, or the answer's Retry-After).
        const own = ErrorMapping.toApiError(answer)
        if (!RetryPolicy.isRetryableStatus(answer.status) || retries < 1) return Effect.fail(own)
        return Effect.andThen(firstWait(answer), sendWith(byCode, retries - 1))
      })
    )
  })

/** The retry policy's first wait after `answer`: its `Retry-After` (capped), else 0.5 s minus up to 25 % jitter. */
const firstWait = (answer: ErrorMapping.ApiAnswer) =>
  answer.retryAfter === undefined
    ? Effect.flatMap(Random.nextBetween(0.75, 1), (factor) =>
        Effect.sleep(Duration.times(RetryPolicy.INITIAL_DELAY, factor))
      )
    : Effect.sleep(Duration.min(answer.retryAfter, RetryPolicy.MAX_RETRY_AFTER))

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

// Made once: the tagged metrics of the operation are looked up here, not per call.
const meteredAdd = metered("addParticipant")
const meteredRemove = metered("removeParticipant")

/** `addParticipant`: validate, then add under the rule mode; one metered call. */
export const add = (chatId: string | ChatId, handle: string | Handle, options?: ChangeOptions) =>
  meteredAdd(Effect.flatMap(validate(chatId, handle), (v) => addValidated(v.chatId, v.handle, options)))

/** `removeParticipant`: validate, then remove under the rule mode; one metered call. */
export const remove = (chatId: string | ChatId, handle: string | Handle, options?: ChangeOptions) =>
  meteredRemove(Effect.flatMap(validate(chatId, handle), (v) => removeValidated(v.chatId, v.handle, options)))
