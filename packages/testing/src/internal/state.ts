/**
 * FakeLinq's state: chats and handle capabilities, and the add and remove
 * operations that check core's `GroupChatRules` and apply the change in one
 * atomic step, after the queue delay (as on Linq's queue) or, with a zero
 * delay, at once.
 *
 * @internal
 */
import type { Chat, ChatHandle, GroupChatRuleViolation, ServiceType } from "@linq-effect/core"
import { GroupChatRules } from "@linq-effect/core"
import { DateTime, Duration, Effect, FiberSet, Option, Ref } from "effect"
import type { FakeSeed, SeedChat } from "../Seed.js"
import { chatFromSeed } from "../Seed.js"
import * as Ids from "./ids.js"

/**
 * A change the queue applied: the chat after it and the participant entry
 * it added or marked removed (what a `participant.added` / `.removed`
 * webhook reports).
 */
export interface AppliedChange {
  readonly op: "add" | "remove"
  readonly chatId: string
  readonly handle: string
  readonly participant: ChatHandle
  readonly at: DateTime.Utc
}

/** What became of an add or a remove. */
export type ChangeResult =
  | { readonly _tag: "ChatNotFound" }
  | { readonly _tag: "Refused"; readonly violation: GroupChatRuleViolation }
  | { readonly _tag: "Accepted" }

interface Data {
  readonly chats: ReadonlyMap<string, Chat>
  readonly capabilities: ReadonlyMap<string, ReadonlyArray<ServiceType>>
}

const ALL_SERVICES: ReadonlyArray<ServiceType> = ["iMessage", "SMS", "RCS"]

const servicesOf = ({ capabilities }: Data, handle: string): ReadonlyArray<ServiceType> =>
  capabilities.get(handle) ??
  Array.from(capabilities).find(([key]) => GroupChatRules.sameHandle(key, handle))?.[1] ??
  ALL_SERVICES

const withChat = (data: Data, chat: Chat): Data => ({
  ...data,
  chats: new Map(data.chats).set(chat.id, chat)
})

/** One add or remove: the operation, the chat, the handle, and the new entry's id. */
interface Change {
  readonly op: "add" | "remove"
  readonly chatId: string
  readonly handle: string
  readonly id: string
}

const apply = ({ op, handle, id }: Change, chat: Chat, now: DateTime.Utc): Chat => {
  const service = chat.service ?? "SMS"
  const handles =
    op === "add"
      ? [...chat.handles, { id, handle, service, joined_at: now, left_at: null, status: "active" as const }]
      : // Every active entry of the handle goes (an email may be listed in two cases).
        chat.handles.map((h) =>
          GroupChatRules.isActive(h) && GroupChatRules.sameHandle(h.handle, handle)
            ? { ...h, status: "removed" as const, left_at: now }
            : h
        )
  return { ...chat, handles, updated_at: now }
}

/** Checks `change` against `data` and, when allowed and `commit` is set, applies it (one pure step). */
const step = (
  data: Data,
  change: Change,
  now: DateTime.Utc,
  commit: boolean
): readonly [ChangeResult, Data] => {
  const chat = data.chats.get(change.chatId)
  if (chat === undefined) return [{ _tag: "ChatNotFound" }, data]
  const violation: Option.Option<GroupChatRuleViolation> =
    change.op === "add"
      ? GroupChatRules.checkAdd(chat, change.handle, servicesOf(data, change.handle))
      : GroupChatRules.checkRemove(chat, change.handle)
  if (Option.isSome(violation)) return [{ _tag: "Refused", violation: violation.value }, data]
  return [{ _tag: "Accepted" }, commit ? withChat(data, apply(change, chat, now)) : data]
}

/** The entry `change` left in `data` (the new one of an add, the first removed one of a remove). */
const appliedOf = (data: Data, change: Change, at: DateTime.Utc): Option.Option<AppliedChange> =>
  Option.map(
    Option.fromNullishOr(
      data.chats
        .get(change.chatId)
        ?.handles.find((h) =>
          change.op === "add"
            ? h.id === change.id
            : h.status === "removed" && h.left_at === at && GroupChatRules.sameHandle(h.handle, change.handle)
        )
    ),
    (participant) => ({ op: change.op, chatId: change.chatId, handle: change.handle, participant, at })
  )

/**
 * The state, made from a seed for the lifetime of the scope; `onApplied`
 * hears of every change once applied (the webhooks' source).
 */
export const make = (
  seed: FakeSeed,
  queueDelay: Duration.Input,
  onApplied: (applied: AppliedChange) => Effect.Effect<void> = () => Effect.void
) =>
  Effect.gen(function* () {
    const initial: Data = {
      chats: new Map(seed.chats.map((c) => [c.id, chatFromSeed(c)])),
      capabilities: new Map(Object.entries(seed.capabilities ?? {}))
    }
    const ref = yield* Ref.make(initial)
    const queue = yield* FiberSet.make<void, never>()
    const delay = Duration.fromInputUnsafe(queueDelay)
    const queued = Duration.isGreaterThan(delay, Duration.zero)

    // The rules are checked on arrival and again when a queued change is applied: a stale one is dropped.
    const change = (op: Change["op"]) => (chatId: string, handle: string) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const change: Change = { op, chatId, handle, id: yield* Ids.uuid }
        // Applies `change` at `at`, and tells `onApplied` when it was applied.
        const commit = (at: DateTime.Utc) =>
          Effect.flatMap(
            Ref.modify(ref, (data) => {
              const [result, next] = step(data, change, at, true)
              const applied = result._tag === "Accepted" ? appliedOf(next, change, at) : Option.none()
              return [[result, applied] as const, next]
            }),
            ([result, applied]) =>
              Effect.as(Option.match(applied, { onNone: () => Effect.void, onSome: onApplied }), result)
          )
        const result = queued
          ? yield* Ref.modify(ref, (data) => step(data, change, now, false))
          : yield* commit(now)
        if (queued && result._tag === "Accepted") {
          const later = Effect.flatMap(DateTime.now, commit)
          // forked from an uninterruptible region: the queued fiber itself must stay interruptible
          yield* FiberSet.run(queue, Effect.interruptible(Effect.delay(later, delay)))
        }
        return result
      }).pipe(Effect.uninterruptible)

    const read = <A>(f: (data: Data) => A) => Effect.map(Ref.get(ref), f)
    return {
      chat: (chatId: string) => read((data) => Option.fromNullishOr(data.chats.get(chatId))),
      chats: read((data) => Array.from(data.chats.values())),
      putChat: (chat: SeedChat) => Ref.update(ref, (data) => withChat(data, chatFromSeed(chat))),
      capabilities: (handle: string) => read((data) => servicesOf(data, handle)),
      setCapabilities: (handle: string, services: ReadonlyArray<ServiceType>) =>
        Ref.update(ref, (data) => ({
          ...data,
          capabilities: new Map(data.capabilities).set(handle, services)
        })),
      add: change("add"),
      remove: change("remove"),
      pendingChanges: FiberSet.size(queue),
      awaitQueue: FiberSet.awaitEmpty(queue),
      reset: Effect.andThen(FiberSet.clear(queue), Ref.set(ref, initial))
    }
  })

/** FakeLinq's state. */
export type State = Effect.Success<ReturnType<typeof make>>
