/**
 * A sync's plan, as pure functions of a chat snapshot: who joins, who
 * leaves, who stays, and whether the rules allow the plan at all.
 */
import type { Chat, Handle } from "@linq-effect/core"
import { GroupChatRules, NotAGroupChat, TooFewParticipants } from "@linq-effect/core"
import { Option } from "effect"
import { handleKey } from "./batch.js"

/** Who joins, who leaves, and who stays (the chat's own number included). */
export interface Plan {
  readonly add: ReadonlyArray<Handle>
  readonly remove: ReadonlyArray<string>
  readonly keep: ReadonlyArray<string>
}

/** The chat's active members, each participant once, in the chat's order. */
export const activeMembers = (chat: Chat) => {
  const seen = new Set<string>()
  return GroupChatRules.activeParticipants(chat).filter((h) => {
    const key = handleKey(h.handle)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The plan that brings `chat`'s active members to `desired`. The chat's own
 * number (`is_me`) is always kept and never added or removed, whether or not
 * `desired` names it.
 */
export const planFor = (chat: Chat, desired: ReadonlyArray<Handle>): Plan => {
  const members = activeMembers(chat)
  const me = new Set(members.filter((h) => h.is_me === true).map((h) => handleKey(h.handle)))
  const wanted = new Map<string, Handle>()
  for (const handle of desired) {
    const key = handleKey(handle)
    if (!me.has(key) && !wanted.has(key)) wanted.set(key, handle)
  }
  const present = new Set(members.map((h) => handleKey(h.handle)))
  return {
    add: [...wanted].filter(([key]) => !present.has(key)).map(([, handle]) => handle),
    remove: members
      .filter((h) => !me.has(handleKey(h.handle)) && !wanted.has(handleKey(h.handle)))
      .map((h) => h.handle),
    keep: members
      .filter((h) => me.has(handleKey(h.handle)) || wanted.has(handleKey(h.handle)))
      .map((h) => h.handle)
  }
}

/** Whether the plan changes anything. */
export const isEmpty = (plan: Plan): boolean => plan.add.length === 0 && plan.remove.length === 0

/**
 * Why the rules refuse the plan, before any capability check: a direct
 * message, too few members to add to, or too few at the end. An empty plan
 * is never refused (nothing is sent).
 */
export const refusal = (chat: Chat, plan: Plan): Option.Option<NotAGroupChat | TooFewParticipants> => {
  if (isEmpty(plan)) return Option.none()
  const chatId = chat.id
  if (!chat.is_group) return Option.some(new NotAGroupChat({ chatId }))
  const now = activeMembers(chat).length
  if (plan.add.length > 0 && now < GroupChatRules.MIN_GROUP_PARTICIPANTS) {
    return Option.some(new TooFewParticipants({ chatId, participants: now }))
  }
  const end = plan.keep.length + plan.add.length
  if (end < GroupChatRules.MIN_GROUP_PARTICIPANTS) {
    return Option.some(new TooFewParticipants({ chatId, participants: end }))
  }
  return Option.none()
}

/** What the chat shows against what it should: `missing` should be active, `unexpected` should be gone. */
export const pending = <S extends string>(
  chat: Chat,
  present: ReadonlyArray<S>,
  absent: ReadonlyArray<S>
) => {
  const active = new Set(activeMembers(chat).map((h) => handleKey(h.handle)))
  return {
    missing: present.filter((h) => !active.has(handleKey(h))),
    unexpected: absent.filter((h) => active.has(handleKey(h)))
  }
}
