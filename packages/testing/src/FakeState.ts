/**
 * FakeLinq's in-memory state: chats and handle capabilities, and the atomic
 * add and remove operations that check core's `GroupChatRules` and apply the
 * change in one step.
 *
 * @since 0.1.0
 */
import type { Chat, ChatHandle, GroupChatRuleViolation, ServiceType } from "@linq-effect/core"
import { GroupChatRules } from "@linq-effect/core"
import type { Scope } from "effect"
import { DateTime, Duration, Effect, FiberSet, Option, Ref } from "effect"
import * as Ids from "./internal/ids.js"
import type { FakeSeed, SeedChat } from "./Seed.js"
import { chatFromSeed } from "./Seed.js"

/**
 * Every service; what a handle not listed in the capabilities supports.
 *
 * @since 0.1.0
 * @category constants
 */
export const ALL_SERVICES: ReadonlyArray<ServiceType> = ["iMessage", "SMS", "RCS"]

/**
 * The result of an add or a remove: the chat does not exist, a rule refused
 * it, or it was accepted (applied, or queued when the fake has a queue delay).
 *
 * @since 0.1.0
 * @category models
 */
export type ChangeResult =
  | { readonly _tag: "ChatNotFound" }
  | { readonly _tag: "Refused"; readonly violation: GroupChatRuleViolation }
  | { readonly _tag: "Accepted" }

/**
 * The state's data at one instant.
 *
 * @since 0.1.0
 * @category models
 */
export interface StateData {
  readonly chats: ReadonlyMap<string, Chat>
  readonly capabilities: ReadonlyMap<string, ReadonlyArray<ServiceType>>
}

/**
 * FakeLinq's state.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeState {
  /** A chat by id. */
  readonly chat: (chatId: string) => Effect.Effect<Option.Option<Chat>>
  /** Every chat, in seed order (new chats last). */
  readonly chats: Effect.Effect<ReadonlyArray<Chat>>
  /** Adds a chat, or replaces the chat with the same id. */
  readonly putChat: (chat: SeedChat) => Effect.Effect<void>
  /** The services a handle supports (all three when not listed). */
  readonly capabilities: (handle: string) => Effect.Effect<ReadonlyArray<ServiceType>>
  /** Sets the services a handle supports. */
  readonly setCapabilities: (handle: string, services: ReadonlyArray<ServiceType>) => Effect.Effect<void>
  /** Checks and (immediately or after the queue delay) applies an addition. */
  readonly add: (chatId: string, handle: string) => Effect.Effect<ChangeResult>
  /** Checks and (immediately or after the queue delay) applies a removal. */
  readonly remove: (chatId: string, handle: string) => Effect.Effect<ChangeResult>
  /** How many accepted changes are still queued. */
  readonly pendingChanges: Effect.Effect<number>
  /** Waits until no accepted change is queued. */
  readonly awaitQueue: Effect.Effect<void>
  /** Back to the seed; queued changes are dropped. */
  readonly reset: Effect.Effect<void>
}

/**
 * The services a handle supports in `data` (all three when not listed).
 *
 * @since 0.1.0
 * @category getters
 */
export const servicesOf = (data: StateData, handle: string): ReadonlyArray<ServiceType> => {
  const exact = data.capabilities.get(handle)
  if (exact !== undefined) return exact
  for (const [key, services] of data.capabilities) {
    if (GroupChatRules.sameHandle(key, handle)) return services
  }
  return ALL_SERVICES
}

const fromSeed = (seed: FakeSeed): StateData => ({
  chats: new Map(seed.chats.map((c) => [c.id, chatFromSeed(c)])),
  capabilities: new Map(Object.entries(seed.capabilities ?? {}))
})

const withChat = (data: StateData, chat: Chat): StateData => {
  const chats = new Map(data.chats)
  chats.set(chat.id, chat)
  return { chats, capabilities: data.capabilities }
}

type Operation = "add" | "remove"

const check = (
  data: StateData,
  op: Operation,
  chat: Chat,
  handle: string
): Option.Option<GroupChatRuleViolation> =>
  op === "add"
    ? GroupChatRules.checkAdd(chat, handle, servicesOf(data, handle))
    : GroupChatRules.checkRemove(chat, handle)

const apply = (op: Operation, chat: Chat, handle: string, now: DateTime.Utc, handleId: string): Chat => {
  if (op === "add") {
    const added: ChatHandle = {
      id: handleId,
      handle,
      service: chat.service ?? "SMS",
      joined_at: now,
      left_at: null,
      status: "active"
    }
    return { ...chat, handles: [...chat.handles, added], updated_at: now }
  }
  // Every active entry of the handle goes (an email may be listed in two cases).
  const handles = chat.handles.map((h) =>
    GroupChatRules.isActive(h) && GroupChatRules.sameHandle(h.handle, handle)
      ? { ...h, status: "removed" as const, left_at: now }
      : h
  )
  return { ...chat, handles, updated_at: now }
}

/**
 * Checks `op` against `data` and, when allowed and `commit` is set, applies it:
 * one pure step, run inside `Ref.modify` so that check and change are atomic.
 */
const step = (
  data: StateData,
  op: Operation,
  chatId: string,
  handle: string,
  now: DateTime.Utc,
  handleId: string,
  commit: boolean
): readonly [ChangeResult, StateData] => {
  const chat = data.chats.get(chatId)
  if (chat === undefined) return [{ _tag: "ChatNotFound" }, data]
  const violation = check(data, op, chat, handle)
  if (Option.isSome(violation)) return [{ _tag: "Refused", violation: violation.value }, data]
  return [{ _tag: "Accepted" }, commit ? withChat(data, apply(op, chat, handle, now, handleId)) : data]
}

/**
 * Makes the state from a seed. `queueDelay` (default zero) is how long an
 * accepted change waits before it is applied, as on Linq's queue: the rules
 * are checked when the request arrives and again when the change is applied;
 * a queued change that no longer passes them is dropped.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  seed: FakeSeed,
  options: { readonly queueDelay?: Duration.DurationInput | undefined } = {}
): Effect.Effect<FakeState, never, Scope.Scope> =>
  Effect.gen(function* () {
    const initial = fromSeed(seed)
    const ref = yield* Ref.make(initial)
    const queue = yield* FiberSet.make<void, never>()
    const delay = Duration.decode(options.queueDelay ?? Duration.zero)
    const queued = Duration.greaterThan(delay, Duration.zero)

    const change = (op: Operation) => (chatId: string, handle: string) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const handleId = yield* Ids.uuid
        const result = yield* Ref.modify(ref, (data) =>
          step(data, op, chatId, handle, now, handleId, !queued)
        )
        if (queued && result._tag === "Accepted") {
          const later = Effect.gen(function* () {
            const at = yield* DateTime.now
            yield* Ref.update(ref, (data) => step(data, op, chatId, handle, at, handleId, true)[1])
          })
          // forked from an uninterruptible region: the queued fiber itself must stay interruptible
          yield* FiberSet.run(queue, Effect.interruptible(Effect.delay(later, delay)))
        }
        return result
      }).pipe(Effect.uninterruptible)

    return {
      chat: (chatId) => Effect.map(Ref.get(ref), (data) => Option.fromNullable(data.chats.get(chatId))),
      chats: Effect.map(Ref.get(ref), (data) => Array.from(data.chats.values())),
      putChat: (chat) => Ref.update(ref, (data) => withChat(data, chatFromSeed(chat))),
      capabilities: (handle) => Effect.map(Ref.get(ref), (data) => servicesOf(data, handle)),
      setCapabilities: (handle, services) =>
        Ref.update(ref, (data) => {
          const capabilities = new Map(data.capabilities)
          capabilities.set(handle, services)
          return { chats: data.chats, capabilities }
        }),
      add: change("add"),
      remove: change("remove"),
      pendingChanges: FiberSet.size(queue),
      awaitQueue: FiberSet.awaitEmpty(queue),
      reset: Effect.zipRight(FiberSet.clear(queue), Ref.set(ref, initial))
    }
  })
