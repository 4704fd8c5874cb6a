/**
 * Adding and removing group-chat participants, as composable Effects.
 *
 * @since 0.1.0
 */
import type {
  AddParticipantError,
  ChatId,
  Handle,
  InputError,
  LinqApiError,
  LinqTransportError,
  ParticipantAddResponse as AddResponse,
  ParticipantRemoveResponse as RemoveResponse,
  RemoveParticipantError
} from "@linq-effect/core"
import {
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  parseChatId,
  parseHandle
} from "@linq-effect/core"
import type { ErrorMapping } from "@linq-effect/http"
import { LinqHttpClient } from "@linq-effect/http"
import type { Duration, Option, Schema } from "effect"
import { Effect } from "effect"
import { recognizeAdd, recognizeRemove } from "./internal/recognize.js"

/**
 * The API path of the participants of a chat.
 *
 * @since 0.1.0
 * @category constants
 */
export const PARTICIPANTS_PATH = "/v3/chats/{chatId}/participants"

/**
 * Per-call overrides of the client's settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParticipantRequestOptions {
  /** How long one attempt may take (default: the client's, 60 seconds). */
  readonly timeout?: Duration.DurationInput
  /** Retries after the first attempt (default: the client's, 2). */
  readonly maxRetries?: number
  /**
   * Headers of this call only (a request id, an idempotency key). They can
   * never replace `Authorization`.
   */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * The `{ handle }` of a participant: a plain string (validated before
 * anything is sent) or an already validated {@link Handle}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParticipantInput {
  readonly handle: string | Handle
}

const validate = (chatId: string | ChatId, params: ParticipantInput) =>
  Effect.flatMap(parseChatId(chatId), (id) =>
    Effect.map(parseHandle(params?.handle), (handle) => ({ chatId: id, handle }))
  )

const overrides = (options: ParticipantRequestOptions | undefined) =>
  options === undefined
    ? {}
    : {
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
        ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
        ...(options.headers === undefined ? {} : { headers: options.headers })
      }

/**
 * One participant call: validate, then send through `LinqHttpClient` with the
 * operation's method, answer schema and rule recognition.
 */
const participantCall =
  <A, I, V extends { readonly _tag: string }>(
    method: "POST" | "DELETE",
    response: Schema.Schema<A, I, never>,
    recognize: (chatId: string, handle: string) => (answer: ErrorMapping.ApiAnswer) => Option.Option<V>
  ) =>
  (
    chatId: string | ChatId,
    params: ParticipantInput,
    options: ParticipantRequestOptions | undefined
  ): Effect.Effect<A, InputError | V | LinqApiError | LinqTransportError, LinqHttpClient> =>
    Effect.flatMap(validate(chatId, params), ({ chatId, handle }) =>
      Effect.flatMap(LinqHttpClient, (client) =>
        client.execute({
          method,
          path: PARTICIPANTS_PATH,
          params: { chatId },
          body: { handle },
          response,
          recognize: recognize(chatId, handle),
          ...overrides(options)
        })
      )
    )

const add = participantCall("POST", ParticipantAddResponse, recognizeAdd)
const remove = participantCall("DELETE", ParticipantRemoveResponse, recognizeRemove)

/**
 * Adds a participant to a group chat (`POST /v3/chats/{chatId}/participants`).
 *
 * The handle must be an E.164 phone number or an email address, and the chat
 * id safe as a path segment: otherwise the effect fails with `InvalidHandle` /
 * `InvalidChatId` and sends nothing. Linq queues the addition: success
 * (`status: "accepted"`) means queued, not done. Group chats only (3 or more
 * participants); the handle must support the group's service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
import { recognizeAdd, recognizeRemove } from "./internal/recognize.js"
 * import { addParticipant } from "@linq-effect/client"
 *
 * const program = addParticipant("550e8400-e29b-41d4-a716-446655440000", {
 *   handle: "+12052499136"
 * }).pipe(
 *   Effect.tap((response) => Effect.log(`queued, trace ${response.trace_id}`)),
 *   Effect.catchTags({
 *     CrossServiceAddition: (e) => Effect.log(`cannot join: ${e.message}`),
 *     ParticipantAlreadyInChat: () => Effect.log("already there")
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const addParticipant = (
  chatId: string | ChatId,
  params: ParticipantInput,
  options?: ParticipantRequestOptions
): Effect.Effect<AddResponse, AddParticipantError, LinqHttpClient> => add(chatId, params, options)

/**
 * Removes a participant from a group chat (`DELETE
 * /v3/chats/{chatId}/participants`, with a JSON body `{ handle }`).
 *
 * Inputs are validated as for {@link addParticipant}. Linq queues the
 * removal. Group chats only; 3 or more participants must remain.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
import { recognizeAdd, recognizeRemove } from "./internal/recognize.js"
 * import { removeParticipant } from "@linq-effect/client"
 *
 * const program = removeParticipant("550e8400-e29b-41d4-a716-446655440000", {
 *   handle: "+12052499136"
 * }).pipe(
 *   Effect.catchTag("TooFewParticipants", () => Effect.log("a group keeps at least 3 people"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const removeParticipant = (
  chatId: string | ChatId,
  params: ParticipantInput,
  options?: ParticipantRequestOptions
): Effect.Effect<RemoveResponse, RemoveParticipantError, LinqHttpClient> => remove(chatId, params, options)
