/**
 * Confirmation across replicas when Redis fails (the README's table: best
 * effort). Replica A awaits a change (`awaitMembership` with its own
 * `LinqWebhooks` and `LinqShared`); Linq's webhook for it lands on replica B
 * (another `LinqWebhooks` and `LinqShared` connection, its `nodeHandler` on a
 * node:http server), while the test's own redis-server is stopped or frozen
 * (SIGSTOP):
 *
 * - B answers the delivery 503 (its duplicate window refuses rather than risk
 *   a double; Linq retries later), after at most one `commandTimeout` when frozen;
 * - A still ends within its timeout, by its read of the chat before the
 *   deadline: confirmed when Linq applied the change, `MembershipPending`
 *   (typed) when it did not; never a defect, never a hang.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { addParticipant, awaitMembership } from "@linq-effect/client"
import { LinqHttpClient, LinqShared } from "@linq-effect/http"
import { FakeLinq, type ServedFakeLinq } from "@linq-effect/testing"
import { LinqWebhooks } from "@linq-effect/webhooks"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Fiber, Layer, Option, type Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { SECRET } from "../../packages/webhooks/test/testkit.js"
import * as RedisServer from "./redisServer.js"
import { signedAdded } from "./webhook.js"

const chatId = FakeLinq.chats.iMessageGroup
const handle = FakeLinq.handles.newcomer
const PREFIX = "confirm-faults:"
const TIMEOUT_MS = 3_000

const shared = (url: string) =>
  LinqShared.layerRedis({ url, prefix: PREFIX, commandTimeout: "200 millis", retryInterval: "200 millis" })

/** Waits until the store answers (every 20 ms, at most 5 s). */
const connected = (store: LinqShared.Service) =>
  Effect.gen(function* () {
    for (let i = 0; i < 250; i++) {
      if (yield* store.available) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.die(new Error("not connected to Redis within 5 s"))
  })

/** Replica A: a client and its webhooks service (for confirmations), sharing through Redis. */
const awaiting = (fake: ServedFakeLinq, url: string) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      Layer.mergeAll(
        LinqWebhooks.layer({ secret: SECRET }),
        LinqHttpClient.layer({ apiKey: "sk_confirm_faults", baseUrl: fake.baseUrl }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      ).pipe(Layer.provideMerge(shared(url)))
    )
    yield* connected(Context.get(context, LinqShared))
    return context
  })

/** Replica B: a webhook endpoint on loopback, sharing its duplicate window; returns its URL. */
const receiving = (url: string) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      LinqWebhooks.layer({ secret: SECRET }).pipe(Layer.provideMerge(shared(url)))
    )
    yield* connected(Context.get(context, LinqShared))
    const server = createServer(Context.get(context, LinqWebhooks).nodeHandler)
    yield* Effect.acquireRelease(
      Effect.callback<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () => Effect.sync(() => server.close())
    )
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })

/** Linq's `participant.added` webhook for the handle, signed now, POSTed to `url`: the answer's status. */
const deliverAdded = (url: string, id: string) =>
  Effect.promise(() => {
    const { text, headers } = signedAdded(id, chatId, handle)
    return fetch(url, { method: "POST", body: text, headers }).then((r) => r.status)
  })

/**
 * A's wait and B's delivery, with Redis in the state `fault` put it in: A's exit (bounded: `None`
 * would be a hang past the timeout) and B's answer.
 */
const scenario = (options: {
  readonly fault: (redis: RedisServer.RedisServer) => Effect.Effect<void, never, Scope.Scope>
  readonly applied: boolean
}) =>
  Effect.gen(function* () {
    const redis = yield* RedisServer.start
    const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
    const a = yield* awaiting(fake, redis.url)
    const b = yield* receiving(redis.url)
    if (options.applied)
      yield* Effect.orDie(addParticipant(chatId, { handle }, { rules: "server" }).pipe(Effect.provide(a)))
    yield* fake.clearJournal
    yield* options.fault(redis)
    const wait = yield* Effect.forkChild(
      awaitMembership(chatId, { added: [handle] }, { timeout: `${TIMEOUT_MS} millis` }).pipe(
        Effect.provide(a),
        Effect.exit,
        // Far longer than the timeout: only a hang reaches it.
        Effect.timeoutOption(`${TIMEOUT_MS + 5_000} millis`)
      ),
      { startImmediately: true }
    )
    const status = yield* deliverAdded(b, "0b8f7a4e-5d1c-4f0e-9a3b-00000000fa17")
    const exit = yield* Fiber.join(wait)
    const reads = (yield* fake.journal).filter((e) => e.route === "getChat").length
    return { status, exit, reads }
  })

const stopped = (redis: RedisServer.RedisServer) => redis.stop
const frozen = (redis: RedisServer.RedisServer) =>
  Effect.andThen(
    redis.freeze,
    // Woken before the server is stopped at the scope's end.
    Effect.addFinalizer(() => redis.thaw)
  )

describe("LinqShared: confirmation when Redis fails", () => {
  for (const [name, fault] of [
    ["stopped", stopped],
    ["frozen (SIGSTOP)", frozen]
  ] as const) {
    it.live(`Redis ${name}: the receiving replica answers 503; an applied add is confirmed by the read`, () =>
      Effect.gen(function* () {
        const { status, exit, reads } = yield* scenario({ fault, applied: true })
        expect(status).toBe(503)
        expect(Option.isSome(exit)).toBe(true)
        const ended = Option.getOrThrow(exit)
        expect(Exit.isSuccess(ended)).toBe(true)
        if (Exit.isSuccess(ended)) {
          expect(ended.value).toMatchObject({ chatId, events: [] })
          expect(Option.isSome(ended.value.chat)).toBe(true)
        }
        expect(reads).toBeGreaterThanOrEqual(1)
      }).pipe(Effect.scoped)
    )

    it.live(
      `Redis ${name}: an add Linq did not apply ends as MembershipPending, typed, within the timeout`,
      () =>
        Effect.gen(function* () {
          const { status, exit, reads } = yield* scenario({ fault, applied: false })
          expect(status).toBe(503)
          expect(Option.isSome(exit)).toBe(true)
          const ended = Option.getOrThrow(exit)
          expect(Exit.isFailure(ended)).toBe(true)
          if (Exit.isFailure(ended)) {
            expect(Cause.hasDies(ended.cause)).toBe(false)
            const error = Cause.squash(ended.cause)
            expect(error).toMatchObject({ _tag: "MembershipPending", chatId, missing: [handle], seen: true })
          }
          expect(reads).toBeGreaterThanOrEqual(1)
        }).pipe(Effect.scoped)
    )
  }
})
