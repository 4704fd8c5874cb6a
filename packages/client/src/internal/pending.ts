/**
 * The ledger (`ledger.ts`) at the call sites: `"preflight"` checks against
 * the chat plus the changes still pending and reserves its change in the same
 * step; every accepted change is recorded; a sync plans against the
 * projected chat.
 */
import type {
  AddRuleViolation,
  Chat,
  ChatId,
  CheckCapabilityError,
  GetChatError,
  Handle,
  RemoveRuleViolation
} from "@linq-effect/core"
import { GroupChatRules } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { Effect, Exit, Option, Result } from "effect"
import type { Op } from "./ledger.js"
import { ledgerOf, project } from "./ledger.js"
import type { CallOptions } from "./options.js"
import { getChat } from "./reads.js"
import { crossServiceIn } from "./rules.js"

/** What `"preflight"` checks for one kind of change. */
export interface Guard<V, E> {
  readonly op: Op
  /** Reads the chat (`getChat`). */
  readonly read: (chatId: ChatId, options: CallOptions | undefined) => Effect.Effect<Chat, E, LinqHttpClient>
  /** The rules, against one state of the chat (checked and reserved in one step). */
  readonly check: (projected: Chat, handle: Handle) => Option.Option<V>
  /** What needs a request of its own, checked once the change is reserved. */
  readonly after: (
    chat: Chat,
    handle: Handle,
    options: CallOptions | undefined
  ) => Effect.Effect<Option.Option<V>, E, LinqHttpClient>
}

/** An add: the rules, then the newcomer's capability when the group's service needs it. */
export const addGuard: Guard<AddRuleViolation, GetChatError | CheckCapabilityError> = {
  op: "add",
  read: getChat,
  check: (projected, handle) => GroupChatRules.checkAdd(projected, handle),
  after: crossServiceIn
}

/** A removal: the rules only. */
export const removeGuard: Guard<RemoveRuleViolation, GetChatError> = {
  op: "remove",
  read: getChat,
  check: (projected, handle) => GroupChatRules.checkRemove(projected, handle),
  after: () => Effect.succeedNone
}

/**
 * `"preflight"`: reads the chat, checks the change against it as it is (Linq
 * checks a change when it arrives) and as it will be once the pending changes
 * apply (Linq checks again when it applies it, after them) and reserves it,
 * in one step; checks what needs a request (capability), then sends `request`. The reservation is kept when the
 * request succeeds and dropped otherwise (a refusal, a failure, an
 * interruption).
 */
export const preflight = <A, EA, V, E>(
  guard: Guard<V, E>,
  chatId: ChatId,
  handle: Handle,
  options: CallOptions | undefined,
  request: Effect.Effect<A, EA, LinqHttpClient>
): Effect.Effect<A, EA | V | E, LinqHttpClient> =>
  Effect.gen(function* () {
    const ledger = ledgerOf(yield* LinqHttpClient)
    const chat = yield* guard.read(chatId, options)
    return yield* Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(
        ledger.reserve(chatId, chat, { op: guard.op, handle }, (projected) =>
          Option.orElse(guard.check(chat, handle), () => guard.check(projected, handle))
        ),
        Result.match({
          onFailure: (violation) => Effect.fail<EA | V | E>(violation),
          onSuccess: (reservation) =>
            restore(
              Effect.flatMap(
                guard.after(chat, handle, options),
                Option.match({
                  onNone: () => request,
                  onSome: (violation) => Effect.fail<EA | V | E>(violation)
                })
              )
            ).pipe(
              Effect.onExit((exit) =>
                Exit.isSuccess(exit) ? ledger.commit(reservation) : ledger.release(reservation)
              )
            )
        })
      )
    )
  })

/** `request` (a change Linq answers 202), recorded in the client's ledger once it succeeds. */
export const recorded = <A, E>(
  op: Op,
  chatId: ChatId,
  handle: string,
  request: Effect.Effect<A, E, LinqHttpClient>
): Effect.Effect<A, E, LinqHttpClient> =>
  Effect.flatMap(LinqHttpClient, (client) =>
    Effect.onExit(request, (exit) =>
      Exit.isSuccess(exit) ? ledgerOf(client).record(chatId, op, handle) : Effect.void
    )
  )

/**
 * Reads the chat: as it is (`chat`), and as it will be once the changes this
 * client sent and Linq accepted apply (`projected`).
 */
export const projectedChat = (
  chatId: ChatId,
  options: CallOptions | undefined
): Effect.Effect<{ readonly chat: Chat; readonly projected: Chat }, GetChatError, LinqHttpClient> =>
  Effect.flatMap(LinqHttpClient, (client) =>
    Effect.flatMap(getChat(chatId, options), (chat) =>
      Effect.map(ledgerOf(client).observe(chatId, chat), (pending) => ({
        chat,
        projected: project(chat, pending)
      }))
    )
  )
