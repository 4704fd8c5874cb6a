/**
 * FakeLinq's webhook sender: an applied change becomes a `participant.*`
 * event, which is dropped, held for reordering, or handed to one delivery
 * fiber per endpoint and copy; each fiber signs (both header sets), sends to
 * the target, and retries on Linq's schedule. Every delivery is recorded.
 *
 * @internal
 */
import { ChatHandle } from "@linq-effect/core"
import { type LinqWebhooks, signWebhook, type WebhookSecret } from "@linq-effect/webhooks"
import { Clock, DateTime, Duration, Effect, Fiber, FiberSet, Option, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import type {
  FakeWebhookOptions,
  FakeWebhookSubscription,
  FakeWebhooks,
  WebhookAttempt,
  WebhookDelivery,
  WebhookOutcome,
  WebhookPayload,
  WebhookTarget
} from "../WebhookDelivery.js"
import { linqRetryDelays } from "../WebhookDelivery.js"
import * as Ids from "./ids.js"
import type { AppliedChange } from "./state.js"

const encodeChatHandle = Schema.encodeSync(ChatHandle)

/** Where and how one event is sent: a secret, the subscription it is for, its target. */
export interface Endpoint {
  readonly secret: WebhookSecret | ReadonlyArray<WebhookSecret>
  readonly subscriptionId: string
  /** The subscription's `target_url` (used when the options name no target). */
  readonly targetUrl: string | undefined
}

/** Where the subscriptions of the fake send an event of `eventType`, and what they are. */
export interface SubscriptionSource {
  readonly endpointsOf: (eventType: string) => Effect.Effect<ReadonlyArray<Endpoint>>
  readonly subscriptions: Effect.Effect<ReadonlyArray<FakeWebhookSubscription>>
}

/** The endpoint of a configured secret: every event, subscribed or not. */
const CONFIGURED_SUBSCRIPTION = "sub_fake"

const isService = (target: WebhookTarget): target is LinqWebhooks.Service =>
  typeof target === "object" && !(target instanceof URL)

/** `?version=` of a target URL, if it pins one. */
const pinnedVersion = (url: string | undefined): string | undefined => {
  if (url === undefined || !URL.canParse(url)) return undefined
  return new URL(url).searchParams.get("version") ?? undefined
}

const retryable = (result: WebhookAttempt["result"]): boolean =>
  result._tag === "Failed" || result.status === 429 || result.status >= 500

/** The status `LinqWebhooks.handler` answers for a `receive` result (500 for a defect, as a server would). */
const serviceStatus = (
  service: LinqWebhooks.Service,
  body: string,
  headers: Record<string, string>
): Effect.Effect<WebhookAttempt["result"]> =>
  Effect.match(service.receive({ body, headers }), {
    onSuccess: () => ({ _tag: "Answered", status: 204 }) as const,
    onFailure: (error) => {
      switch (error._tag) {
        case "InvalidWebhookSignature":
        case "StaleWebhook":
          return { _tag: "Answered", status: 401 } as const
        case "MalformedWebhook":
          return { _tag: "Answered", status: 400 } as const
        case "WebhookUnavailable":
          return { _tag: "Answered", status: 503 } as const
      }
    }
  }).pipe(Effect.catchDefect(() => Effect.succeed({ _tag: "Answered", status: 500 } as const)))

/** A POST of `body` to `url` over fetch; the status, or `Failed` on a transport error. */
const post = (
  url: string,
  body: string,
  headers: Record<string, string>
): Effect.Effect<WebhookAttempt["result"]> =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeaders(headers),
        HttpClientRequest.bodyText(body, "application/json")
      )
    )
  ).pipe(
    Effect.flatMap((response) => Effect.as(response.text.pipe(Effect.ignore), response.status)),
    Effect.map((status) => ({ _tag: "Answered", status }) as const),
    Effect.catch((error) => Effect.succeed({ _tag: "Failed", description: error.message } as const)),
    Effect.scoped,
    Effect.provide(FetchHttpClient.layer)
  )

const positive = (name: string, n: number): number => {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`FakeLinq webhooks: ${name} must be a whole number >= 1`)
  return n
}

/** The sender, for the lifetime of the scope; inert without options. */
export const make = (options: FakeWebhookOptions | undefined, source: SubscriptionSource) =>
  Effect.gen(function* () {
    const fibers = yield* FiberSet.make<void, never>()
    const records = new Map<number, WebhookDelivery>()
    let nextSeq = 1
    let nextEvent = 0
    const held: Array<WebhookPayload> = []
    /** The timer that sends a partial group after `maxWait`. */
    let flushTimer: Fiber.Fiber<void> | undefined

    const delay = Duration.fromInputUnsafe(options?.delay ?? 0)
    const timeout = Duration.fromInputUnsafe(options?.timeout ?? "10 seconds")
    const skewMillis = Duration.toMillis(Duration.fromInputUnsafe(options?.clockSkew ?? 0))
    const retry = options?.retry
    const scale = retry === false ? 0 : (retry?.scale ?? 1)
    const delays =
      retry === false
        ? []
        : (retry?.delays ?? linqRetryDelays).map((d) => Duration.times(Duration.fromInputUnsafe(d), scale))
    const reorderSize = options?.reorder === undefined ? 1 : positive("reorder.size", options.reorder.size)
    const reorderWait = Duration.fromInputUnsafe(options?.reorder?.maxWait ?? "5 seconds")

    const update = (seq: number, f: (delivery: WebhookDelivery) => WebhookDelivery) =>
      Effect.sync(() => {
        const current = records.get(seq)
        if (current !== undefined) records.set(seq, f(current))
      })
    const record = (delivery: Omit<WebhookDelivery, "seq">) =>
      Effect.sync(() => {
        const seq = nextSeq++
        records.set(seq, { ...delivery, seq })
        return seq
      })

    const resolveTarget = (endpoint: Endpoint): Effect.Effect<Option.Option<WebhookTarget>> => {
      const configured = options?.target
      if (configured === undefined) return Effect.succeed(Option.fromNullishOr(endpoint.targetUrl))
      return Effect.isEffect(configured)
        ? Effect.map(configured, Option.some)
        : Effect.succeed(Option.some(configured))
    }

    /** Sends one delivery until it is answered for good or the retries run out. */
    const deliver = (
      seq: number,
      endpoint: Endpoint,
      target: WebhookTarget,
      payload: WebhookPayload,
      body: string
    ) =>
      Effect.gen(function* () {
        const finish = (outcome: WebhookOutcome) => update(seq, (d) => ({ ...d, outcome }))
        for (let attempt = 0; ; attempt++) {
          const now = yield* Clock.currentTimeMillis
          const timestamp = Math.floor((now + skewMillis) / 1000)
          const signed = yield* signWebhook(body, {
            secret: endpoint.secret,
            id: payload.event_id,
            timestamp,
            scheme: "both",
            eventType: payload.event_type
          })
          const headers = {
            ...signed,
            "content-type": "application/json",
            "x-webhook-subscription-id": endpoint.subscriptionId
          }
          const send = isService(target)
            ? serviceStatus(target, body, headers)
            : post(String(target), body, headers)
          const result = yield* Effect.timeoutOrElse(send, {
            duration: timeout,
            orElse: () =>
              Effect.succeed({
                _tag: "Failed",
                description: `no answer within ${Duration.format(timeout)}`
              } as const)
          })
          yield* update(seq, (d) => ({
            ...d,
            attempts: [...d.attempts, { at: now, timestamp, headers, result }]
          }))
          if (result._tag === "Answered" && result.status >= 200 && result.status < 300)
            return yield* finish({ _tag: "Delivered", status: result.status })
          if (!retryable(result) && result._tag === "Answered")
            return yield* finish({ _tag: "Refused", status: result.status })
          const wait = delays[attempt]
          if (wait === undefined) return yield* finish({ _tag: "GaveUp" })
          yield* Effect.sleep(wait)
        }
      }).pipe(
        // a malformed secret is the test's mistake: recorded, never a defect in the queue
        Effect.catch(() => update(seq, (d) => ({ ...d, outcome: { _tag: "GaveUp" } })))
      )

    /** One event to every endpoint, each copy its own delivery. */
    const dispatch = (payload: WebhookPayload) =>
      Effect.gen(function* () {
        const configured = options?.secret
        const endpoints: ReadonlyArray<Endpoint> =
          configured === undefined
            ? yield* source.endpointsOf(payload.event_type)
            : [{ secret: configured, subscriptionId: CONFIGURED_SUBSCRIPTION, targetUrl: undefined }]
        const duplicates = options?.duplicates
        const copies =
          1 + Math.max(0, typeof duplicates === "function" ? duplicates(payload) : (duplicates ?? 0))
        for (const endpoint of endpoints) {
          const target = yield* resolveTarget(endpoint)
          if (Option.isNone(target)) continue
          const version = pinnedVersion(isService(target.value) ? endpoint.targetUrl : String(target.value))
          const sent = version === undefined ? payload : { ...payload, webhook_version: version }
          const body = JSON.stringify(sent)
          for (let copy = 0; copy < copies; copy++) {
            const seq = yield* record({
              eventId: sent.event_id,
              eventType: sent.event_type,
              copy,
              subscriptionId: endpoint.subscriptionId,
              target: isService(target.value) ? "service" : String(target.value),
              body,
              payload: sent,
              attempts: [],
              outcome: { _tag: "Pending" }
            })
            yield* FiberSet.run(
              fibers,
              Effect.interruptible(Effect.delay(deliver(seq, endpoint, target.value, sent, body), delay))
            )
          }
        }
      })

    /** Sends the held group, newest first. */
    const release = Effect.suspend(() => {
      const timer = flushTimer
      flushTimer = undefined
      const group = held.splice(0, held.length).reverse()
      return Effect.andThen(
        Effect.forEach(group, dispatch, { discard: true }),
        timer === undefined ? Effect.void : Fiber.interrupt(timer)
      )
    })

    const payloadOf = (applied: AppliedChange): Effect.Effect<WebhookPayload> =>
      Effect.gen(function* () {
        const at = DateTime.formatIso(applied.at)
        const createdAt = DateTime.formatIso(yield* DateTime.now)
        return {
          api_version: "v3",
          webhook_version: options?.webhookVersion ?? "2026-02-03",
          event_type: applied.op === "add" ? "participant.added" : "participant.removed",
          event_id: yield* Ids.uuid,
          created_at: createdAt,
          data: {
            handle: applied.participant.handle,
            chat_id: applied.chatId,
            participant: encodeChatHandle(applied.participant),
            ...(applied.op === "add" ? { added_at: at } : { removed_at: at })
          },
          trace_id: yield* Ids.traceId,
          partner_id: options?.partnerId ?? "partner_fake"
        }
      })

    /** Hears an applied change: drops it, holds it, or sends it. */
    const emit = (applied: AppliedChange): Effect.Effect<void> =>
      options === undefined
        ? Effect.void
        : Effect.gen(function* () {
            const payload = yield* payloadOf(applied)
            const index = nextEvent++
            const drop = options.drop
            const dropped = typeof drop === "function" ? drop(payload, index) : index < (drop ?? 0)
            if (dropped) {
              yield* record({
                eventId: payload.event_id,
                eventType: payload.event_type,
                copy: 0,
                subscriptionId: "",
                target: "",
                body: JSON.stringify(payload),
                payload,
                attempts: [],
                outcome: { _tag: "Dropped" }
              })
              return
            }
            held.push(payload)
            if (held.length >= reorderSize) return yield* release
            if (held.length === 1) {
              // the timer's own release must not interrupt itself: it forgets itself first
              const flush = Effect.andThen(
                Effect.sync(() => {
                  flushTimer = undefined
                }),
                release
              )
              flushTimer = yield* FiberSet.run(fibers, Effect.interruptible(Effect.delay(flush, reorderWait)))
            }
          })

    const service: FakeWebhooks = {
      deliveries: Effect.sync(() => Array.from(records.values())),
      awaitDeliveries: FiberSet.awaitEmpty(fibers),
      clearDeliveries: Effect.sync(() => records.clear()),
      subscriptions: source.subscriptions
    }
    return {
      emit,
      service,
      reset: Effect.sync(() => {
        held.splice(0, held.length)
        flushTimer = undefined
      }).pipe(Effect.andThen(FiberSet.clear(fibers)))
    }
  })
