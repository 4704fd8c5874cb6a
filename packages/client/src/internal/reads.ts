/**
 * The two reads the membership operations are built on: a chat, and whether
 * a handle can use a service. Each is one metered call. A chat read also
 * drops from the client's ledger (`ledger.ts`) the changes the chat shows.
 */
import type { Chat as ChatT, ChatId, CheckCapabilityError, GetChatError, Handle } from "@linq-effect/core"
import { Chat, parseChatId, parseHandle, RequestTimeout } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { Duration, Effect, Option, Schema } from "effect"
import { ledgerOf } from "./ledger.js"
import { metered } from "./metrics.js"
import type { CallOptions } from "./options.js"
import { requestOverrides } from "./options.js"

/** `GET` path of a chat. */
export const CHAT_PATH = "/v3/chats/{chatId}"

/** The services a capability can be checked for, and their paths. */
export const CAPABILITY_PATHS = {
  iMessage: "/v3/capability/check_imessage",
  RCS: "/v3/capability/check_rcs"
} as const

/** A service a handle's capability can be checked for. */
export type CapabilityService = keyof typeof CAPABILITY_PATHS

/** The capability answer: `{ address, available }` (other fields ignored). */
const CapabilityResponse = Schema.Struct({
  address: Schema.optional(Schema.String),
  available: Schema.Boolean
})

/** Reads a chat; `GetChatError` on bad input or a failed call. */
export const getChat = (
  chatId: string | ChatId,
  options?: CallOptions
): Effect.Effect<ChatT, GetChatError, LinqHttpClient> =>
  metered("getChat")(
    Effect.flatMap(parseChatId(chatId), (id) =>
      Effect.flatMap(LinqHttpClient, (client) =>
        client
          .execute({
            method: "GET",
            path: CHAT_PATH,
            params: { chatId: id },
            response: Chat,
            ...requestOverrides(options)
          })
          // Every read settles the changes of this client's ledger the chat now shows.
          .pipe(Effect.tap((chat) => ledgerOf(client).observe(id, chat)))
      )
    )
  )

/** Whether `handle` can use `service`; `CheckCapabilityError` on bad input or a failed call. */
export const checkCapability = (
  handle: string | Handle,
  service: CapabilityService,
  options?: CallOptions
): Effect.Effect<boolean, CheckCapabilityError, LinqHttpClient> =>
  metered("checkCapability")(
    Effect.flatMap(parseHandle(handle), (address) =>
      !Object.hasOwn(CAPABILITY_PATHS, service)
        ? Effect.die(
            new Error(`checkCapability: the service must be "iMessage" or "RCS", got ${String(service)}`)
          )
        : Effect.flatMap(LinqHttpClient, (client) =>
            client.execute({
              method: "POST",
              path: CAPABILITY_PATHS[service],
              body: { address },
              response: CapabilityResponse,
              ...requestOverrides(options)
            })
          )
    ).pipe(Effect.map((answer) => answer.available))
  )

/**
 * The options of a read bounded by `budget`: the call's own, with `budget`
 * as its timeout and no retry of its own.
 */
export const boundedOptions = (options: CallOptions | undefined, budget: Duration.Duration): CallOptions => ({
  ...options,
  timeout: budget,
  maxRetries: 0
})

/**
 * The call's own timeout (per call, else the client's; a per-call value that
 * is not a duration counts as not given), cut to `limit`.
 */
export const budgetOf = (
  callTimeout: Duration.Input | undefined,
  clientTimeout: Duration.Duration,
  limit: Duration.Input
): Duration.Duration => {
  const own = Option.getOrElse(
    Option.flatMap(Option.fromNullishOr(callTimeout), Duration.fromInput),
    () => clientTimeout
  )
  return Duration.min(own, Duration.fromInputUnsafe(limit))
}

/**
 * One read of the chat bounded by `budget`: the call's own timeout cut to
 * it, no retry, and the whole read (a rate limiter's wait included) cut off
 * at `budget` with `RequestTimeout`.
 */
export const boundedGetChat = (
  chatId: ChatId,
  budget: Duration.Duration,
  options: CallOptions | undefined
): Effect.Effect<ChatT, GetChatError, LinqHttpClient> =>
  Effect.flatMap(LinqHttpClient, (client) =>
    Effect.timeoutOrElse(getChat(chatId, boundedOptions(options, budget)), {
      duration: budget,
      orElse: () =>
        Effect.fail(
          new RequestTimeout({
            method: "GET",
            url: `${client.baseUrl}${CHAT_PATH.replace("{chatId}", encodeURIComponent(chatId))}`,
            timeout: budget
          })
        )
    })
  )
