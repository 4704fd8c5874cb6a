/**
 * Confirming a sync: whether a chat shows the whole wanted set, and, when a
 * wait ran out first, the `MembershipPending` that says what is still off
 * and which changes are pending, failed or were never sent.
 */
import type { Chat, ChatId, GetChatError, Handle } from "@linq-effect/core"
import { MembershipPending } from "@linq-effect/core"
import { Option } from "effect"
import type { SyncStep } from "../Sync.js"
import { planFor } from "./plan.js"
import { doneHandles } from "./steps.js"
import type { ParticipantEvent } from "@linq-effect/webhooks"
import { handleKey } from "./batch.js"

/**
 * What `chat` shows against the whole wanted set `desired`: `missing` are
 * wanted handles not active, `unexpected` active members not wanted (the
 * chat's own number, `is_me`, is neither): what a plan would still add and
 * remove.
 */
export const offFrom = (chat: Chat, desired: ReadonlyArray<Handle>) => {
  const plan = planFor(chat, desired)
  return { missing: plan.add, unexpected: plan.remove }
}

/** Whether `chat` shows exactly the wanted set. */
export const showsWanted = (chat: Chat, desired: ReadonlyArray<Handle>): boolean => {
  const off = offFrom(chat, desired)
  return off.missing.length === 0 && off.unexpected.length === 0
}

/**
 * Whether `chat` (a read), with the changes `events` showed since, shows
 * exactly the wanted set: what a sync confirmed by events reports.
 */
export const showsWantedAfter = (
  chat: Chat,
  events: ReadonlyArray<ParticipantEvent>,
  desired: ReadonlyArray<Handle>
): boolean => {
  const latest = new Map(events.map((e) => [handleKey(e.handle), e._tag] as const))
  const off = offFrom(chat, desired)
  return (
    off.missing.every((h) => latest.get(handleKey(h)) === "ParticipantAdded") &&
    off.unexpected.every((h) => latest.get(handleKey(h)) === "ParticipantRemoved")
  )
}

/**
 * A sync's wait ran out: what is still off against the whole wanted set (in
 * the last chat a read showed, `earlier` if none in this wait, else the chat
 * the sync `planned` from, `seen: false`), which changes were accepted
 * (`sent`), answered with an error (`failed`), or never sent (`notSent`).
 */
export const notShown = (
  chatId: ChatId,
  desired: ReadonlyArray<Handle>,
  planned: Chat,
  waited: { readonly last: Option.Option<Chat>; readonly error: Option.Option<GetChatError> },
  earlier: Option.Option<Chat>,
  steps: ReadonlyArray<SyncStep<unknown, unknown>>,
  notSent: ReadonlyArray<string>
): MembershipPending => {
  const last = Option.orElse(waited.last, () => earlier)
  return new MembershipPending({
    chatId,
    ...offFrom(
      Option.getOrElse(last, () => planned),
      desired
    ),
    sent: doneHandles(steps),
    notSent,
    failed: steps.filter((s) => !s.done).map((s) => s.handle),
    seen: Option.isSome(last),
    ...(Option.isSome(waited.error) ? { readError: waited.error.value } : {})
  })
}
