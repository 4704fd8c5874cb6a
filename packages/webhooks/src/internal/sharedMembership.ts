/**
 * Confirmation across replicas (with a `LinqShared` in context): the
 * membership memory (`membership.ts`) backed by Redis, and every participant
 * event taken in by any replica published on one Redis channel, so that an
 * `awaitMembership` waiting on replica A hears the event replica B received.
 *
 * - `note`: the replica's own memory, then (in the background) one script that keeps the event
 *   in a hash per (chat, handle) unless a later one (by `at`, then
 *   `createdAt`, as `latestParticipantEvent`) is held, for the window, and
 *   publishes it with the replica's id.
 * - `latest`: the replica's own memory and Redis' (one HGET per handle),
 *   the later of each.
 * - every replica subscribes to the channel and hands the other replicas'
 *   events to its confirmation subscribers (never to `events`: each event is
 *   still processed by the one replica that took it in).
 *
 * Best effort, on purpose: with Redis away, each replica confirms from its
 * own events, and `awaitMembership` reads the chat before its deadline for a
 * change no event showed. `linq_shared_mode{concern="events"}` says which.
 *
 * @internal
 */
import { type LinqShared, sharedMode } from "@linq-effect/http"
import { DateTime, Effect, Metric, PubSub, Queue, Schedule, Schema } from "effect"
import { Redis } from "effect/persistence"
import {
  latestParticipantEvent,
  type ParticipantEvent,
  ParticipantAdded,
  ParticipantRemoved
} from "../WebhookEvent.js"
import type { MembershipMemory } from "./membership.js"

const Json = Schema.toCodecJson(Schema.Union([ParticipantAdded, ParticipantRemoved]))
const encode = Schema.encodeSync(Json)
const decode = Schema.decodeUnknownOption(Json)

const gauge = sharedMode.pipe(Metric.withAttributes({ concern: "events" }))

const noteScript = Redis.script(
  (
    key: string,
    channel: string,
    at: number,
    createdAt: number,
    json: string,
    message: string,
    window: number
  ) => [key, channel, at, createdAt, json, message, window],
  {
    numberOfKeys: 2,
    lua: `
local at = tonumber(ARGV[1])
local created = tonumber(ARGV[2])
local held = redis.call("HMGET", KEYS[1], "at", "createdAt")
if held[1] then
  local hat = tonumber(held[1])
  local hcreated = tonumber(held[2])
  if hat > at or (hat == at and hcreated >= created) then return 0 end
end
redis.call("HSET", KEYS[1], "at", at, "createdAt", created, "event", ARGV[3])
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[5]))
redis.call("PUBLISH", KEYS[2], ARGV[4])
return 1
`
  }
).withReturnType<number>()

/** Emails compare case-insensitively, phone numbers exactly (as `membership.ts`). */
const handleKey = (handle: string) => (handle.includes("@") ? handle.toLowerCase() : handle)

export const make = (
  store: LinqShared.Service,
  windowMillis: number,
  local: MembershipMemory,
  /** The other replicas' events, for this replica's confirmation subscribers. */
  confirmations: PubSub.PubSub<ParticipantEvent>
): { readonly memory: MembershipMemory; readonly listen: Effect.Effect<void> } => {
  const instance = Math.random().toString(36).slice(2, 10)
  const channel = `${store.prefix}webhook:participants`
  const keyOf = (chatId: string, handle: string) =>
    `${store.prefix}webhook:latest:${chatId}\u0000${handleKey(handle)}`
  const window = Math.max(1, Math.round(windowMillis))
  const report = (up: boolean) => Metric.update(gauge, up ? 1 : 0)

  // The other replicas' events, for as long as the layer lives; resubscribed after every loss.
  const listen = Effect.scoped(
    Effect.gen(function* () {
      const redis = yield* store.redis
      const queue = yield* redis.subscribe(channel)
      yield* report(true)
      for (;;) {
        const { message } = yield* Queue.take(queue)
        const cut = message.indexOf(" ")
        if (cut < 0 || message.slice(0, cut) === instance) continue
        const event = decode(JSON.parse(message.slice(cut + 1)))
        if (event._tag === "Some") PubSub.publishUnsafe(confirmations, event.value)
      }
    })
  )
  const memory: MembershipMemory = {
    // The replica's own memory at once (before the event is published); Redis' in the background,
    // so a delivery waits for one Redis round trip (the duplicate claim), not two.
    note: (event, now) =>
      Effect.andThen(
        local.note(event, now),
        Effect.asVoid(
          Effect.forkDetach(
            Effect.suspend(() => {
              const json = JSON.stringify(encode(event))
              return store.use("events", (redis) =>
                redis.eval(noteScript)(
                  keyOf(event.chatId, event.handle),
                  channel,
                  DateTime.toEpochMillis(event.at),
                  DateTime.toEpochMillis(event.createdAt),
                  json,
                  `${instance} ${json}`,
                  window
                )
              )
            }).pipe(
              Effect.tap(() => report(true)),
              Effect.catch(() => report(false))
            ),
            { startImmediately: true }
          )
        )
      ),
    latest: (chatId, handles, now) =>
      Effect.flatMap(local.latest(chatId, handles, now), (own) =>
        store
          .use("events", (redis) =>
            Effect.forEach(
              handles,
              (handle) => redis.send<string | null>("HGET", keyOf(chatId, handle), "event"),
              {
                concurrency: "unbounded"
              }
            )
          )
          .pipe(
            Effect.map((replies) => {
              const byKey = new Map<string, ParticipantEvent>()
              for (const event of own) byKey.set(handleKey(event.handle), event)
              for (const reply of replies) {
                if (reply === null) continue
                const event = decode(JSON.parse(reply))
                if (event._tag === "None") continue
                const key = handleKey(event.value.handle)
                const held = byKey.get(key)
                byKey.set(key, held === undefined ? event.value : latestParticipantEvent(held, event.value))
              }
              return [...byKey.values()]
            }),
            Effect.catch(() => Effect.succeed(own))
          )
      ),
    size: local.size
  }
  return {
    memory,
    listen: listen.pipe(
      Effect.tapCause(() => report(false)),
      Effect.retry(Schedule.spaced("500 millis")),
      Effect.ignore
    )
  }
}
