/**
 * The ledger of changes this client sent that Linq accepted (202) but the
 * chat does not show yet. Linq queues every change and checks the rules again
 * when it applies it, so a check against the chat alone misses what is
 * already on the queue: two removals from a group of 4, one after the other,
 * both pass it, and Linq drops the second after answering 202. `"preflight"`
 * checks against the chat as it is and as it will be once the ledger's
 * changes apply ({@link project}); `syncParticipants` plans against the
 * latter.
 *
 * An entry goes when a chat read shows it (an add's handle active, a
 * removal's handle not active), when it is older than {@link PENDING_BOUND}
 * (Linq may drop a queued change without a word; the ledger must not block
 * later changes forever), or when a later change of the same handle in the
 * same chat is accepted (the latest one wins).
 *
 * A change whose request is still in flight is *reserved*: `"preflight"`
 * checks and reserves in one step, so two fibers cannot both pass a check
 * that only one of them may pass; the reservation is kept once Linq accepts
 * and dropped if the request fails (or is interrupted). A reserved removal
 * already counts as gone; a reserved add does not count as a member yet (if
 * it fails, a removal that counted on it would leave the group short; a
 * duplicate add meanwhile is harmless).
 *
 * {@link Ledger} is a small interface so that another store can be put behind
 * it (participant webhooks settling entries, a store shared by replicas);
 * only the in-memory one exists. There is one per `LinqHttpClient` instance
 * (one per built layer), held in a `WeakMap`: two clients never share one,
 * and it goes with its client.
 */
import type { Chat, ChatHandle } from "@linq-effect/core"
import { GroupChatRules } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Clock, Duration, Effect, type Option, Result } from "effect"

/** The kind of a participant change. */
export type Op = "add" | "remove"

/**
 * How long an accepted change counts as pending at most. Linq does not
 * document its queue's delay (seconds in practice); after this bound the
 * change is taken as applied or dropped and the chat alone decides.
 */
export const PENDING_BOUND = Duration.minutes(2)

/** A change of one handle in one chat, accepted (or, while `reserved`, in flight) and not yet shown. */
export interface PendingChange {
  readonly chatId: string
  readonly handle: string
  readonly op: Op
  /** Clock millis of the acceptance (of the reservation while reserved). */
  readonly at: number
  /** The request is still in flight. */
  readonly reserved: boolean
}

/** A change reserved by {@link Ledger.reserve}, to {@link Ledger.commit} or {@link Ledger.release}. */
export interface Reservation {
  readonly chatId: string
  readonly id: number
}

/** Where a client keeps the changes it sent and the chat does not show yet. */
export interface Ledger {
  /**
   * Drops what `chat` (a read of the chat `chatId`, the id as the client
   * sent it) shows and what is older than the bound; the changes of the
   * chat that still count, in the order they were made.
   */
  readonly observe: (chatId: string, chat: Chat) => Effect.Effect<ReadonlyArray<PendingChange>>
  /**
   * In one atomic step: observes `chat`, runs `check` on the chat as it
   * will be ({@link project}), and, when it finds nothing, reserves the
   * change. The violation found, or the reservation.
   */
  readonly reserve: <V>(
    chatId: string,
    chat: Chat,
    change: { readonly op: Op; readonly handle: string },
    check: (projected: Chat) => Option.Option<V>
  ) => Effect.Effect<Result.Result<Reservation, V>>
  /** Linq accepted the reserved change: it is pending from now on. */
  readonly commit: (reservation: Reservation) => Effect.Effect<void>
  /** The reserved change's request failed: it is forgotten. */
  readonly release: (reservation: Reservation) => Effect.Effect<void>
  /** Linq accepted a change that was not reserved: it is pending from now on. */
  readonly record: (chatId: string, op: Op, handle: string) => Effect.Effect<void>
  /** The change is known to be applied (a participant webhook): it is forgotten. */
  readonly settle: (chatId: string, op: Op, handle: string) => Effect.Effect<void>
  /** How many changes it holds, reserved or accepted, in every chat. */
  readonly size: Effect.Effect<number>
}

interface Entry extends PendingChange {
  readonly id: number
}

/** Whether the chat shows the change applied. */
const shows = (chat: Chat, entry: PendingChange): boolean =>
  GroupChatRules.isParticipant(chat, entry.handle) === (entry.op === "add")

/** What counts when projecting: accepted changes, and reserved removals (in-flight adds do not count yet). */
const counts = (entry: PendingChange): boolean => !entry.reserved || entry.op === "remove"

/**
 * The chat as it will be once `pending` applies, in order: a removed
 * handle is no longer active, an added one is (appended when the chat does
 * not list it as active).
 */
export const project = (chat: Chat, pending: ReadonlyArray<PendingChange>): Chat => {
  let handles: ReadonlyArray<ChatHandle> = chat.handles
  for (const change of pending) {
    if (!counts(change)) continue
    if (change.op === "remove") {
      handles = handles.map((h) =>
        GroupChatRules.sameHandle(h.handle, change.handle) && GroupChatRules.isActive(h)
          ? { ...h, status: "removed" as const }
          : h
      )
    } else if (
      !handles.some((h) => GroupChatRules.isActive(h) && GroupChatRules.sameHandle(h.handle, change.handle))
    ) {
      handles = [
        ...handles,
        {
          id: `pending:${change.handle}`,
          handle: change.handle,
          service: chat.service ?? "SMS",
          joined_at: chat.updated_at,
          status: "active" as const
        }
      ]
    }
  }
  return handles === chat.handles ? chat : { ...chat, handles }
}

/** A ledger held in this process's memory. */
export const makeInMemory = (bound: Duration.Input = PENDING_BOUND): Ledger => {
  const ttl = Duration.toMillis(bound)
  const byChat = new Map<string, ReadonlyArray<Entry>>()
  let next = 0

  const set = (chatId: string, entries: ReadonlyArray<Entry>) => {
    if (entries.length === 0) byChat.delete(chatId)
    else byChat.set(chatId, entries)
  }
  const fresh = (now: number) => (e: Entry) => e.reserved || now - e.at < ttl
  // When every chat was last swept.
  let swept = Number.NEGATIVE_INFINITY
  /**
   * Drops accepted entries older than the bound (reserved ones end with their request): in
   * `chatId` at every use, and in every chat at most once per bound, so that a change costs the
   * same however many chats hold entries, and memory holds at most two bounds' worth of changes.
   */
  const expire = (chatId: string, now: number) => {
    if (now - swept >= ttl) {
      swept = now
      for (const [id, entries] of byChat) set(id, entries.filter(fresh(now)))
    } else {
      const entries = byChat.get(chatId)
      if (entries !== undefined) set(chatId, entries.filter(fresh(now)))
    }
  }
  const observeNow = (chatId: string, chat: Chat, now: number): ReadonlyArray<Entry> => {
    expire(chatId, now)
    const kept = (byChat.get(chatId) ?? []).filter((e) => e.reserved || !shows(chat, e))
    set(chatId, kept)
    return kept
  }
  /** Accepted `entry` supersedes the accepted entries of the same handle before it. */
  const accept = (chatId: string, entry: Entry) =>
    set(chatId, [
      ...(byChat.get(chatId) ?? []).filter(
        (e) => e.id !== entry.id && (e.reserved || !GroupChatRules.sameHandle(e.handle, entry.handle))
      ),
      entry
    ])

  return {
    observe: (chatId, chat) =>
      Effect.map(Clock.currentTimeMillis, (now) => observeNow(chatId, chat, now).filter(counts)),
    reserve: (chatId, chat, change, check) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const violation = check(project(chat, observeNow(chatId, chat, now)))
        if (violation._tag === "Some") return Result.fail(violation.value)
        const entry: Entry = {
          chatId,
          handle: change.handle,
          op: change.op,
          at: now,
          reserved: true,
          id: next++
        }
        set(chatId, [...(byChat.get(chatId) ?? []), entry])
        return Result.succeed({ chatId, id: entry.id })
      }),
    commit: (reservation) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const entry = byChat.get(reservation.chatId)?.find((e) => e.id === reservation.id)
        if (entry !== undefined) accept(reservation.chatId, { ...entry, at: now, reserved: false })
      }),
    release: (reservation) =>
      Effect.sync(() =>
        set(
          reservation.chatId,
          (byChat.get(reservation.chatId) ?? []).filter((e) => e.id !== reservation.id)
        )
      ),
    record: (chatId, op, handle) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        expire(chatId, now)
        accept(chatId, { chatId, handle, op, at: now, reserved: false, id: next++ })
      }),
    settle: (chatId, op, handle) =>
      Effect.sync(() =>
        set(
          chatId,
          (byChat.get(chatId) ?? []).filter(
            (e) => e.reserved || e.op !== op || !GroupChatRules.sameHandle(e.handle, handle)
          )
        )
      ),
    size: Effect.sync(() => {
      let n = 0
      for (const entries of byChat.values()) n += entries.length
      return n
    })
  }
}

const ledgers = new WeakMap<LinqHttpClient["Service"], Ledger>()

/** The ledger of this client instance, made on first use. */
export const ledgerOf = (client: LinqHttpClient["Service"]): Ledger => {
  let ledger = ledgers.get(client)
  if (ledger === undefined) {
    ledger = makeInMemory()
    ledgers.set(client, ledger)
  }
  return ledger
}
