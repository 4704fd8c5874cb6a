/**
 * FakeLinq's webhooks, as Linq sends them: when the fake's queue applies an
 * add or a remove, it sends `participant.added` / `participant.removed`,
 * signed with both header sets (Standard Webhooks and the legacy
 * `X-Webhook-*`), to a URL (a real HTTP POST) or straight to a
 * `LinqWebhooks` service (its `receive`, no HTTP). The knobs Linq's delivery
 * has in production are options here: a delay, duplicates, reordering,
 * retries after a 5xx, a 429 or a connection error (on Linq's schedule, on
 * Effect's `Clock`), dropped events and a skewed signature clock. Every
 * delivery and each of its attempts is recorded for a test to assert on.
 *
 * @since 1.0.0
 */
import { Duration } from "effect"
import type { Effect } from "effect"
import type { LinqWebhooks, WebhookSecret } from "@linq-effect/webhooks"

/**
 * Where FakeLinq sends a webhook: a URL (`http:` or `https:`, POSTed with
 * `fetch`), or a `LinqWebhooks` service (handed to its `receive`, the answer
 * being the status its `handler` would give: 204, 401, 400 or 503).
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookTarget = string | URL | LinqWebhooks.Service

/**
 * An event as FakeLinq puts it on the wire (Linq's envelope): the body is
 * `JSON.stringify` of it.
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookPayload {
  readonly api_version: "v3"
  readonly webhook_version: string
  readonly event_type: "participant.added" | "participant.removed"
  readonly event_id: string
  readonly created_at: string
  readonly data: {
    readonly handle: string
    readonly chat_id: string
    readonly participant: unknown
    readonly added_at?: string
    readonly removed_at?: string
  }
  readonly trace_id: string
  readonly partner_id: string
}

/**
 * The options of FakeLinq's webhooks (`FakeLinq.layer(seed, { webhooks })`).
 * Without them the fake sends nothing (not even to its subscriptions: a test
 * must never reach out to a subscription's real `target_url`).
 *
 * **Example** (Everything a test can ask of Linq's delivery)
 *
 * ```ts
 * import { FakeLinq } from "@linq-effect/testing"
 *
 * const layer = FakeLinq.layer(FakeLinq.defaultSeed, {
 *   queueDelay: 0,
 *   webhooks: {
 *     target: "http://127.0.0.1:3000/webhooks/linq",
 *     secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
 *     delay: "50 millis",
 *     duplicates: 1,
 *     reorder: { size: 2 },
 *     drop: (event) => event.event_type === "participant.removed",
 *     retry: { scale: 0.001 },
 *     clockSkew: "-10 minutes"
 *   }
 * })
 * ```
 *
 * @since 1.0.0
 * @category options
 */
export interface FakeWebhookOptions {
  /**
   * Where every delivery goes: a {@link WebhookTarget}, or an Effect that
   * gives one when a delivery is sent (so a receiver built after the fake,
   * with the secret of a subscription made through the API, can be the
   * target). Defaults to each subscription's own `target_url`.
   */
  readonly target?: WebhookTarget | Effect.Effect<WebhookTarget> | undefined
  /**
   * The signing secret (`whsec_` then base64), or several (one `v1` entry
   * each, as during a rotation). With it, every event is sent once to
   * `target`, subscribed or not. Without it, an event is sent once per
   * subscription (made through `POST /v3/webhook-subscriptions`) that lists
   * its type, signed with that subscription's secret; with none, nothing is
   * sent.
   */
  readonly secret?: WebhookSecret | ReadonlyArray<WebhookSecret> | undefined
  /** How long after the change is applied a delivery is first sent. Defaults to `0`. */
  readonly delay?: Duration.Input | undefined
  /**
   * Extra copies of each delivery (same `event_id`, same body), as an
   * at-least-once sender sends them: a number, or one per event. Defaults to `0`.
   */
  readonly duplicates?: number | ((event: WebhookPayload) => number) | undefined
  /**
   * Events are held until `size` of them are waiting, then sent newest
   * first; a partial group is sent, newest first, once `maxWait` (default 5
   * seconds, on the `Clock`) has passed since its first event.
   */
  readonly reorder?: { readonly size: number; readonly maxWait?: Duration.Input | undefined } | undefined
  /**
   * Events never sent (recorded with outcome `Dropped`): the first `n`, or
   * those a predicate picks (`index` counts the events from 0).
   */
  readonly drop?: number | ((event: WebhookPayload, index: number) => boolean) | undefined
  /**
   * Retries after a 5xx, a 429, a connection error or no answer within
   * `timeout` (other statuses are final, as on Linq): `delays` (default
   * {@link linqRetryDelays}: 10 retries over about 25 minutes), each
   * multiplied by `scale` (default `1`; `0.001` runs the schedule in 1.5
   * seconds). `false`: no retries. Waits are on the `Clock` (`TestClock`
   * moves them). A retry sends the same body (same `event_id`), signed anew.
   */
  readonly retry?:
    | false
    | {
        readonly delays?: ReadonlyArray<Duration.Input> | undefined
        readonly scale?: number | undefined
      }
    | undefined
  /** How long an attempt waits for an answer. Defaults to 10 seconds (Linq's). */
  readonly timeout?: Duration.Input | undefined
  /**
   * Added to the `Clock`'s now in the signed timestamps (`webhook-timestamp`,
   * `X-Webhook-Timestamp`); negative for a sender behind. Defaults to `0`.
   */
  readonly clockSkew?: Duration.Input | undefined
  /** `webhook_version` when the target does not pin one (`?version=`). Defaults to `"2026-02-03"`. */
  readonly webhookVersion?: string | undefined
  /** `partner_id` of every event. Defaults to `"partner_fake"`. */
  readonly partnerId?: string | undefined
}

/**
 * The retry delays of Linq's webhook delivery (the SDK changelog of
 * 2026-03-21: "up to 10 times over about 25 minutes"): 5 seconds, doubling,
 * at most 5 minutes: 5, 10, 20, 40, 80 and 160 seconds, then 5 minutes four
 * times (1,515 seconds in all). The exact schedule is not documented.
 *
 * @since 1.0.0
 * @category constants
 */
export const linqRetryDelays: ReadonlyArray<Duration.Duration> = [
  5, 10, 20, 40, 80, 160, 300, 300, 300, 300
].map((seconds) => Duration.seconds(seconds))

/**
 * One attempt of a delivery: when it was sent (`at`, ms on the fake's
 * `Clock`), the `timestamp` it was signed with (unix seconds, skew
 * included), the `headers` sent (both signature sets, `content-type`,
 * `x-webhook-subscription-id`), and what came back: an `Answered` status, or `Failed` (a
 * connection error or no answer in time, with a `description`).
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookAttempt {
  readonly at: number
  readonly timestamp: number
  readonly headers: Readonly<Record<string, string>>
  readonly result:
    | { readonly _tag: "Answered"; readonly status: number }
    | { readonly _tag: "Failed"; readonly description: string }
}

/**
 * What became of a delivery:
 * - `Pending`: not sent yet, or between retries;
 * - `Delivered`: answered 2xx;
 * - `Refused`: answered with a status Linq does not retry (a 4xx but 429);
 * - `GaveUp`: still failing after the last retry;
 * - `Dropped`: never sent (the `drop` option).
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookOutcome =
  | { readonly _tag: "Pending" }
  | { readonly _tag: "Delivered"; readonly status: number }
  | { readonly _tag: "Refused"; readonly status: number }
  | { readonly _tag: "GaveUp" }
  | { readonly _tag: "Dropped" }

/**
 * One delivery of one event to one target: `seq` (from 1, in the order the
 * deliveries were made), `eventId`, `eventType`, `copy` (0, then 1, 2, … for
 * the `duplicates`), `subscriptionId` (`X-Webhook-Subscription-ID`), `target`
 * (the URL, or `"service"`), the exact `body` sent, its `payload`, every
 * attempt, and the outcome.
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookDelivery {
  readonly seq: number
  readonly eventId: string
  readonly eventType: WebhookPayload["event_type"]
  readonly copy: number
  readonly subscriptionId: string
  readonly target: string
  readonly body: string
  readonly payload: WebhookPayload
  readonly attempts: ReadonlyArray<WebhookAttempt>
  readonly outcome: WebhookOutcome
}

/**
 * The webhooks side of a FakeLinq (`fake.webhooks`).
 *
 * @since 1.0.0
 * @category models
 */
export interface FakeWebhooks {
  /** Every delivery made (dropped ones included), in `seq` order. */
  readonly deliveries: Effect.Effect<ReadonlyArray<WebhookDelivery>>
  /**
   * Waits until no delivery is held, waiting or being sent (retries and
   * delays follow the `Clock`: on `TestClock`, move it).
   */
  readonly awaitDeliveries: Effect.Effect<void>
  /** Forgets the recorded deliveries (those in flight go on). */
  readonly clearDeliveries: Effect.Effect<void>
  /**
   * The subscriptions made through `POST /v3/webhook-subscriptions`, each
   * with the `signing_secret` Linq shows only in the 201 (a test may read it
   * again here).
   */
  readonly subscriptions: Effect.Effect<ReadonlyArray<FakeWebhookSubscription>>
}

/**
 * A webhook subscription held by FakeLinq, in the API's wire form, with its
 * `signing_secret` (`whsec_` then base64).
 *
 * @since 1.0.0
 * @category models
 */
export interface FakeWebhookSubscription {
  readonly id: string
  readonly target_url: string
  readonly subscribed_events: ReadonlyArray<string>
  readonly phone_numbers?: ReadonlyArray<string>
  readonly is_active: boolean
  readonly created_at: string
  readonly updated_at: string
  readonly signing_secret: string
}
