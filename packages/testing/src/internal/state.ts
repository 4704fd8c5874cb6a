/**
 * FakeLinq's state: chats and handle capabilities, and the add and remove
 * operations that check core's `GroupChatRules` and apply the change in one
 * atomic step, at once or after the queue delay (as on Linq's queue).
 *
 * @internal
 */
import type { Chat, GroupChatRuleViolation, ServiceType } from "@linq-effect/core"
import { GroupChatRules } from "@linq-effect/core"
import { DateTime, Duration, Effect, FiberSet, Option, Ref } from "effect"
import type { FakeSeed, SeedChat } from "../Seed.js"
import { chatFromSeed } from "../Seed.js"
import * as Ids from "./ids.js"

const ALL_SERVICES: ReadonlyArray<ServiceType> = ["iMessage", "SMS", "RCS"]

/** What became of an add or a remove. */
export type ChangeResult =
  | { readonly _tag: "ChatNotFound" }
  | { readonly _tag: "Refused"; readonly violation: GroupChatRuleViolation }
  | { readonly _tag: "Accepted" }

interface Data {
  readonly chats: ReadonlyMap<string, Chat>
  readonly capabilities: ReadonlyMap<string, ReadonlyArray<ServiceType>>
}

const servicesOf = (data: Data, handle: string): ReadonlyArray<ServiceType> => {
  const exact = data.capabilities.get(handle)
  if (exact !== undefined) return exact
  for (const [key, services] of data.capabilities) {
    if (GroupChatRules.sameHandle(key, handle)) return services
  }
  return ALL_SERVICES
}

const withChat = (data: Data, chat: Chat): Data => ({
  chats: new Map(data.chats).set(chat.id, chat),
  capabilities: data.capabilities
})

type Operation = "add" | "remove"

const apply = (op: Operation, chat: Chat, handle: string, now: DateTime.Utc, id: string): Chat => {
  const handles =
    op === "add"
      ? [
          ...chat.handles,
          {
            id,
            handle,
            service: chat.service ?? "SMS",
            joined_at: now,
            left_at: null,
            status: "active" as const
          }
        ]
      : // Every active entry of the handle goes (an email may be listed in two cases).
        chat.handles.map((h) =>
          GroupChatRules.isActive(h) && GroupChatRules.sameHandle(h.handle, handle)
            ? { ...h, status: "removed" as const, left_at: now }
            : h
        )
  return { ...chat, handles, updated_at: now }
}

/** Checks `op` against `data` and, when allowed and `commit` is set, applies it (one pure step). */
const step = (
  data: Data,
  op: Operation,
  chatId: string,
  handle: string,
  now: DateTime.Utc,
  id: string,
  commit: boolean
): readonly [ChangeResult, Data] => {
  const chat = data.chats.get(chatId)
  if (chat === undefined) return [{ _tag: "ChatNotFound" }, data]
  const violation: Option.Option<GroupChatRuleViolation> =
    op === "add"
      ? GroupChatRules.checkAdd(chat, handle, servicesOf(data, handle))
      : GroupChatRules.checkRemove(chat, handle)
  if (Option.isSome(violation)) return [{ _tag: "Refused", violation: violation.value }, data]
  return [{ _tag: "Accepted" }, commit ? withChat(data, apply(op, chat, handle, now, id)) : data]
}

/** The state, made from a seed for the lifetime of the scope. */
export const make = (seed: FakeSeed, queueDelay: Duration.DurationInput = Duration.zero) =>
  Effect.gen(function* () {
    const initial: Data = {
      chats: new Map(seed.chats.map((c) => [c.id, chatFromSeed(c)])),
      capabilities: new Map(Object.entries(seed.capabilities ?? {}))
    }
    const ref = yield* Ref.make(initial)
    const queue = yield* FiberSet.make<void, never>()
    const delay = Duration.decode(queueDelay)
    const queued = Duration.greaterThan(delay, Duration.zero)

    // The rules are checked on arrival and again when a queued change is applied: a stale one is dropped.
    const change = (op: Operation) => (chatId: string, handle: string) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const id = yield* Ids.uuid
        const result = yield* Ref.modify(ref, (data) => step(data, op, chatId, handle, now, id, !queued))
        if (queued && result._tag === "Accepted") {
          const later = Effect.flatMap(DateTime.now, (at) =>
            Ref.update(ref, (data) => step(data, op, chatId, handle, at, id, true)[1])
          )
          // forked from an uninterruptible region: the queued fiber itself must stay interruptible
          yield* FiberSet.run(queue, Effect.interruptible(Effect.delay(later, delay)))
        }
        return result
      }).pipe(Effect.uninterruptible)

    return {
      chat: (chatId: string) =>
        Effect.map(Ref.get(ref), (data) => Option.fromNullable(data.chats.get(chatId))),
      chats: Effect.map(Ref.get(ref), (data) => Array.from(data.chats.values())),
      putChat: (chat: SeedChat) => Ref.update(ref, (data) => withChat(data, chatFromSeed(chat))),
      capabilities: (handle: string) => Effect.map(Ref.get(ref), (data) => servicesOf(data, handle)),
      setCapabilities: (handle: string, services: ReadonlyArray<ServiceType>) =>
        Ref.update(ref, (data) => ({
          chats: data.chats,
          capabilities: new Map(data.capabilities).set(handle, services)
        })),
      add: change("add"),
      remove: change("remove"),
      pendingChanges: FiberSet.size(queue),
      awaitQueue: FiberSet.awaitEmpty(queue),
      reset: Effect.zipRight(FiberSet.clear(queue), Ref.set(ref, initial))
    }
  })

/** FakeLinq's state. */
export type State = Effect.Effect.Success<ReturnType<typeof make>>
