/**
 * Test helpers for confirmations: the SDK over an in-process FakeLinq (with
 * a queue delay), with or without a `LinqWebhooks`, participant events
 * signed as Linq signs them and taken in through `LinqWebhooks.receive`,
 * and the journal's request counts.
 */
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, type RouteName } from "@linq-effect/testing"
import { LinqWebhooks, signWebhook } from "@linq-effect/webhooks"
import { Clock, type Duration, Effect, Layer } from "effect"

export const C = FakeLinq.chats
export const H = FakeLinq.handles
export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/** The SDK over an in-process FakeLinq whose queued changes apply after `queueDelay`. */
export const reads = (queueDelay: Duration.Input) =>
  LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
    Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay }))
  )

/** The same, with a `LinqWebhooks` in context. */
export const events = (queueDelay: Duration.Input) =>
  Layer.merge(reads(queueDelay), LinqWebhooks.layer({ secret: SECRET }))

let next = 0

/**
 * Signs a `participant.added` / `participant.removed` of `handle` in `chatId`
 * (its change at `at`, clock millis; default now) and delivers it to
 * `LinqWebhooks.receive`; `id` is its `event_id` (a duplicate keeps it).
 */
export const deliver = (
  type: "participant.added" | "participant.removed",
  chatId: string,
  handle: string,
  options: { readonly at?: number; readonly id?: string } = {}
) =>
  Effect.gen(function* () {
    const webhooks = yield* LinqWebhooks
    const now = yield* Clock.currentTimeMillis
    const at = new Date(options.at ?? now).toISOString()
    const body = JSON.stringify({
      api_version: "v3",
      webhook_version: "2026-02-03",
      event_type: type,
      event_id: options.id ?? `evt-${next++}`,
      created_at: new Date(now).toISOString(),
      trace_id: "trace-1",
      partner_id: "partner-1",
      data: {
        handle,
        chat_id: chatId,
        [type === "participant.added" ? "added_at" : "removed_at"]: at
      }
    })
    const headers = yield* signWebhook(body, { secret: SECRET })
    return yield* webhooks.receive({ body, headers })
  })

const journal = Effect.flatMap(FakeLinq, (fake) => fake.journal)
/** The routes FakeLinq received, in order. */
export const routes = Effect.map(journal, (entries) => entries.map((e) => e.route))
/** How many requests of `route` FakeLinq received. */
export const count = (route: RouteName) => Effect.map(routes, (rs) => rs.filter((r) => r === route).length)

/** Real time for forked fibers to do what the clock lets them (in-process requests are async). */
export const settle = Effect.gen(function* () {
  for (let i = 0; i < 5; i++)
    yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 3)))
})

/** Waits on real time, a millisecond at a time, until `check` holds; dies after ~2 s. */
export const eventually = <R>(check: Effect.Effect<boolean, never, R>, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 2000; i++) {
      if (yield* check) return
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
    }
    return yield* Effect.die(new Error(`timed out waiting for ${what}`))
  })

/** Waits until FakeLinq has received `n` requests of `route`, then settles. */
export const awaitCount = (route: RouteName, n: number) =>
  Effect.andThen(
    eventually(
      Effect.map(count(route), (c) => c >= n),
      `${n} ${route}`
    ),
    settle
  )
