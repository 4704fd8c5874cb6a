/**
 * Linq's webhook subscriptions, with the API's wire names: a subscription
 * (`GET /v3/webhook-subscriptions/{id}`), the answer to its creation (the
 * only one that carries `signing_secret`), the list, and the errors of the
 * subscription operations: {@link InvalidWebhookSubscription} (bad input,
 * nothing sent) and {@link WebhookSubscriptionNotFound} (404).
 *
 * Shapes from Linq's SDK documents (`WebhookSubscriptionResponse`,
 * `WebhookSubscriptionCreatedResponse`, `ListWebhookSubscriptionsResult`);
 * unknown fields are ignored.
 *
 * @since 1.0.0
 */
import { Schema } from "effect"

const subscriptionFields = {
  id: Schema.String,
  /** Where Linq sends the events (`https:`; `?version=` pins the payload version). */
  target_url: Schema.String,
  /** The event types sent to it (`participant.added`, `message.received`, …). */
  subscribed_events: Schema.Array(Schema.String),
  /** Only events of these numbers, when set. */
  phone_numbers: Schema.optionalKey(Schema.NullOr(Schema.Array(Schema.String))),
  is_active: Schema.Boolean,
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}

/**
 * A webhook subscription, as Linq lists and reads it (no secret: Linq never
 * shows it again after creation).
 *
 * @since 1.0.0
 * @category schemas
 */
export const WebhookSubscription = Schema.Struct(subscriptionFields).annotate({
  identifier: "WebhookSubscription"
})

/**
 * @since 1.0.0
 * @category models
 */
export type WebhookSubscription = typeof WebhookSubscription.Type

/**
 * The 201 of `POST /v3/webhook-subscriptions`: the subscription and its
 * `signing_secret`, decoded straight to a `Redacted` (it prints as
 * `<redacted>`; `Redacted.value` reads it). Linq shows the secret in this
 * answer only.
 *
 * @since 1.0.0
 * @category schemas
 */
export const WebhookSubscriptionCreated = Schema.Struct({
  ...subscriptionFields,
  signing_secret: Schema.RedactedFromValue(Schema.String)
}).annotate({ identifier: "WebhookSubscriptionCreated" })

/**
 * @since 1.0.0
 * @category models
 */
export type WebhookSubscriptionCreated = typeof WebhookSubscriptionCreated.Type

/**
 * The answer of `GET /v3/webhook-subscriptions`: `{ subscriptions }`.
 *
 * @since 1.0.0
 * @category schemas
 */
export const WebhookSubscriptionList = Schema.Struct({
  subscriptions: Schema.Array(WebhookSubscription)
}).annotate({ identifier: "WebhookSubscriptionList" })

/**
 * @since 1.0.0
 * @category models
 */
export type WebhookSubscriptionList = typeof WebhookSubscriptionList.Type

/**
 * A subscription operation's input cannot be sent: `field` names it
 * (`"targetUrl"`, `"events"`, `"id"`), `input` is the value given, as text,
 * and `reason` says what it must be. Raised before anything is sent.
 *
 * @since 1.0.0
 * @category input errors
 */
export class InvalidWebhookSubscription extends Schema.TaggedError<InvalidWebhookSubscription>()(
  "InvalidWebhookSubscription",
  {
    field: Schema.Literals(["targetUrl", "events", "id"]),
    input: Schema.String,
    reason: Schema.String
  }
) {
  override get message(): string {
    return `Invalid webhook subscription ${this.field}: ${this.reason}`
  }
}

/**
 * 404 from a subscription route: no subscription with that id (this
 * account's). Carries the API answer's `status`, `message`, and `code` and
 * `traceId` when sent.
 *
 * @since 1.0.0
 * @category api errors
 */
export class WebhookSubscriptionNotFound extends Schema.TaggedError<WebhookSubscriptionNotFound>()(
  "WebhookSubscriptionNotFound",
  {
    subscriptionId: Schema.String,
    status: Schema.Number,
    message: Schema.String,
    code: Schema.optionalKey(Schema.Number),
    traceId: Schema.optionalKey(Schema.String)
  }
) {}
