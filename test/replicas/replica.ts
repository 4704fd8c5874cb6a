/**
 * One replica of a service, run as its own process by `replicas.ts`: its
 * task comes in `LINQ_REPLICA_TASK` (JSON), it prints `{"ready":true}` when
 * its layers are built, waits for `go` on stdin, does the task and prints
 * `{"result":…}`.
 *
 * - `calls`: `calls` reads of one chat (`getChat`), `concurrency` at a time,
 *   through a `LinqHttpClient` with `rateLimit`, sharing it through
 *   `LinqShared.layerRedis` when `redisUrl` is given. The result counts the
 *   outcomes and says whether the limit was shared.
 * - `webhooks`: a `LinqWebhooks.nodeHandler` on a node:http server of its
 *   own (its port in the ready line), sharing the duplicate window; the
 *   result lists the event ids its subscriber received.
 * - `confirm`: adds a participant, then `awaitMembership` with a
 *   `LinqWebhooks` sharing its confirmations; the result says how it was
 *   confirmed (by events, or by the read near the deadline).
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { createInterface } from "node:readline"
import { NodeHttpClient, NodeRedis } from "@effect/platform-node"
import { addParticipant, awaitMembership, getChat } from "@linq-effect/client"
import { LinqHttpClient, LinqShared, sharedMode } from "@linq-effect/http"
import { LinqWebhooks } from "@linq-effect/webhooks"
import { Effect, Layer, Metric, Option, Stream } from "effect"
import { RateLimiter } from "effect/persistence"

export type ReplicaTask = CallsTask | WebhooksTask | ConfirmTask

/** Adds `handle` to `chatId`, then awaits its confirmation (events only, unless the deadline nears). */
export interface ConfirmTask {
  readonly kind: "confirm"
  readonly redisUrl: string
  readonly secret: string
  readonly baseUrl: string
  readonly chatId: string
  readonly handle: string
  readonly timeoutMs: number
  readonly index?: number
}

/** How the confirmation ended: by `events` (how many), with a chat read or not. */
export interface ConfirmResult {
  readonly confirmed: boolean
  readonly events: number
  readonly read: boolean
}

export interface WebhooksTask {
  readonly kind: "webhooks"
  readonly redisUrl: string
  readonly secret: string
  /** After `go`, report once this many events came in (at most 20 s); default: at once. */
  readonly untilEvents?: number | undefined
  readonly index?: number
}

/** The event ids a webhook replica's subscriber received, in order. */
export interface WebhooksResult {
  readonly events: ReadonlyArray<string>
}

export interface CallsTask {
  readonly kind: "calls"
  readonly baseUrl: string
  readonly redisUrl?: string | undefined
  readonly limit: number
  readonly intervalMs: number
  readonly calls: number
  readonly concurrency: number
  readonly chatId: string
  /**
   * `"sliding"` (default): `rateLimit` on the layer, shared by `LinqShared`. The others, for the
   * bench's comparison: each call through effect/persistence's `RateLimiter` (`onExceeded:
   * "delay"`) on `layerStoreRedis`, with that algorithm, and no `rateLimit` on the layer.
   */
  readonly algorithm?: "sliding" | "fixed-window" | "token-bucket" | undefined
  /** The key prefix (default `"replicas:"`): a run of its own starts from an empty window. */
  readonly prefix?: string | undefined
  readonly index?: number
}

export interface CallsResult {
  readonly ok: number
  readonly failed: Record<string, number>
  /** `linq_shared_mode{concern="rateLimit"}` at the end (1 shared, 0 local), or null without LinqShared. */
  readonly shared: number | null
}

/**
 * These tests are about sharing, not about slow commands: on a loaded CI machine (2 cores, tsx
 * children starting) a command may exceed the 200 ms default and fall back (the fault tests cover that).
 */
const COMMAND_TIMEOUT = "2 seconds"

const send = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`)

const goSignal = new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line.trim() === "go") resolve()
  })
})

/** A webhook receiver: `LinqWebhooks.nodeHandler` on a node:http server, sharing its duplicate window. */
const webhooks = (task: WebhooksTask) =>
  Effect.gen(function* () {
    const service = yield* LinqWebhooks
    const store = yield* LinqShared
    while (!(yield* store.available)) yield* Effect.sleep("10 millis")
    const events: Array<string> = []
    yield* Effect.forkScoped(
      Stream.runForEach(yield* service.subscribe, (event) =>
        Effect.sync(() => {
          events.push(event.eventId)
        })
      )
    )
    const server = createServer(service.nodeHandler)
    yield* Effect.acquireRelease(
      Effect.callback<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () => Effect.sync(() => server.close())
    )
    send({ ready: true, port: (server.address() as AddressInfo).port })
    yield* Effect.promise(() => goSignal)
    const deadline = Date.now() + 20_000
    while (events.length < (task.untilEvents ?? 0) && Date.now() < deadline) yield* Effect.sleep("10 millis")
    // Let the subscriber drain what was accepted.
    yield* Effect.sleep("50 millis")
    send({ result: { events } satisfies WebhooksResult })
  }).pipe(
    Effect.provide(
      LinqWebhooks.layer({ secret: task.secret }).pipe(
        Layer.provideMerge(
          LinqShared.layerRedis({ url: task.redisUrl, prefix: "replicas:", commandTimeout: COMMAND_TIMEOUT })
        )
      )
    )
  )

/** effect/persistence's limiter on Redis, around each call (the bench's comparison); its connection lives as long as the scope. */
const effectLimited = (task: CallsTask, algorithm: "fixed-window" | "token-bucket") =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      RateLimiter.layer.pipe(
        Layer.provide(RateLimiter.layerStoreRedis({ prefix: task.prefix ?? "replicas:" })),
        Layer.provide(NodeRedis.layer({ url: task.redisUrl! }))
      )
    )
    const withLimiter = yield* Effect.provide(RateLimiter.makeWithRateLimiter, context)
    return withLimiter({
      key: `bench-${algorithm}`,
      limit: task.limit,
      window: `${task.intervalMs} millis`,
      algorithm,
      onExceeded: "delay"
    })
  })

/** A replica awaiting its own add, while the participant webhook lands on another replica. */
const confirm = (task: ConfirmTask) =>
  Effect.gen(function* () {
    const store = yield* LinqShared
    while (!(yield* store.available)) yield* Effect.sleep("10 millis")
    send({ ready: true })
    yield* Effect.promise(() => goSignal)
    yield* Effect.orDie(addParticipant(task.chatId, { handle: task.handle }, { rules: "server" }))
    const result = yield* awaitMembership(
      task.chatId,
      { added: [task.handle] },
      { timeout: `${task.timeoutMs} millis` }
    ).pipe(
      Effect.match({
        onSuccess: (confirmed) => ({
          confirmed: true,
          events: confirmed.events.length,
          read: Option.isSome(confirmed.chat)
        }),
        onFailure: () => ({ confirmed: false, events: 0, read: false })
      })
    )
    send({ result: result satisfies ConfirmResult })
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        LinqWebhooks.layer({ secret: task.secret }),
        LinqHttpClient.layer({ apiKey: "sk_replica_test", baseUrl: task.baseUrl }).pipe(
          Layer.provide(NodeHttpClient.layerUndici)
        )
      ).pipe(
        Layer.provideMerge(
          LinqShared.layerRedis({ url: task.redisUrl, prefix: "replicas:", commandTimeout: COMMAND_TIMEOUT })
        )
      )
    )
  )

const calls = (task: CallsTask) => {
  const sliding = task.algorithm === undefined || task.algorithm === "sliding"
  const client = LinqHttpClient.layer({
    apiKey: "sk_replica_test",
    baseUrl: task.baseUrl,
    maxRetries: 0,
    ...(sliding ? { rateLimit: { limit: task.limit, interval: `${task.intervalMs} millis` } } : {})
  })
  const http = client.pipe(Layer.provide(NodeHttpClient.layerUndici))
  const live =
    task.redisUrl === undefined || !sliding
      ? http
      : http.pipe(
          Layer.provideMerge(
            LinqShared.layerRedis({
              url: task.redisUrl,
              prefix: task.prefix ?? "replicas:",
              commandTimeout: COMMAND_TIMEOUT
            })
          )
        )
  return Effect.gen(function* () {
    const limited =
      sliding || task.algorithm === undefined
        ? <A, E, R>(effect: Effect.Effect<A, E, R>) => effect
        : yield* effectLimited(task, task.algorithm)
    if (task.redisUrl !== undefined && sliding) {
      // Ready means connected: the first take should find the shared store.
      const store = yield* Effect.serviceOption(LinqShared)
      while (store._tag === "Some" && !(yield* store.value.available)) yield* Effect.sleep("10 millis")
    }
    send({ ready: true })
    yield* Effect.promise(() => goSignal)
    let ok = 0
    const failed: Record<string, number> = {}
    yield* Effect.forEach(
      Array.from({ length: task.calls }),
      () =>
        limited(getChat(task.chatId)).pipe(
          Effect.match({
            onSuccess: () => {
              ok++
            },
            onFailure: (error) => {
              const tag =
                error._tag === "RateLimiterError" ? `RateLimiterError(${error.message})` : error._tag
              failed[tag] = (failed[tag] ?? 0) + 1
            }
          })
        ),
      { concurrency: task.concurrency, discard: true }
    )
    const mode =
      task.redisUrl === undefined || !sliding
        ? null
        : (yield* Metric.value(sharedMode.pipe(Metric.withAttributes({ concern: "rateLimit" })))).value
    send({ result: { ok, failed, shared: mode } satisfies CallsResult })
  }).pipe(Effect.provide(live as Layer.Layer<LinqHttpClient>))
}

const task = JSON.parse(process.env.LINQ_REPLICA_TASK ?? "{}") as ReplicaTask
Effect.runPromise(
  Effect.scoped(
    task.kind === "calls" ? calls(task) : task.kind === "webhooks" ? webhooks(task) : confirm(task)
  )
).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  }
)
