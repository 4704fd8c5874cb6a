/**
 * Linq's webhook subscriptions: {@link ensureWebhookSubscription} (find the
 * subscription of a URL, or create it, with the payload version pinned),
 * {@link listWebhookSubscriptions} and {@link deleteWebhookSubscription}.
 * Inputs are checked before anything is sent; the signing secret is a
 * `Redacted` from the moment it is decoded, and Linq shows it only in the
 * answer to the creation.
 *
 * @since 1.0.0
 */
import {
  type InvalidOption,
  InvalidWebhookSubscription,
  type LinqApiError,
  type LinqTransportError,
  UnexpectedResponse,
  WebhookSubscription,
  WebhookSubscriptionCreated,
  WebhookSubscriptionList,
  WebhookSubscriptionNotFound
} from "@linq-effect/core"
import { type ErrorMapping, LinqHttpClient, type RequestOptions } from "@linq-effect/http"
import { Effect, Option, type Redacted, Schema } from "effect"
import { metered } from "./internal/metrics.js"
import { requestOverrides } from "./internal/options.js"

const SUBSCRIPTIONS_PATH = "/v3/webhook-subscriptions"
const SUBSCRIPTION_PATH = "/v3/webhook-subscriptions/{subscriptionId}"

/**
 * The payload version {@link ensureWebhookSubscription} pins on a target
 * URL (`?version=2026-02-03`), the one `@linq-effect/webhooks` is written
 * against.
 *
 * @since 1.0.0
 * @category constants
 */
export const webhookPayloadVersion = "2026-02-03"

/**
 * The events {@link ensureWebhookSubscription} subscribes to unless told:
 * the participant changes that confirm a queued add or remove.
 *
 * @since 1.0.0
 * @category constants
 */
export const participantWebhookEvents: ReadonlyArray<string> = ["participant.added", "participant.removed"]

/**
 * The input of {@link ensureWebhookSubscription}.
 *
 * @since 1.0.0
 * @category models
 */
export interface EnsureWebhookSubscriptionInput {
  /** Your endpoint: an `https:` URL (any `?version=` is replaced by the pin). */
  readonly targetUrl: string
  /**
   * Event types (`participant.added`, `message.received`, …: dot-separated
   * lower-case words; types this SDK does not know are allowed). Defaults to
   * {@link participantWebhookEvents}.
   */
  readonly events?: ReadonlyArray<string> | undefined
}

/**
 * What {@link ensureWebhookSubscription} found or made: the subscription,
 * whether it was `created` now, and its `signingSecret`: `Some` only when it
 * was created by this call (Linq shows the secret in the creation's answer
 * only, never again: store it then).
 *
 * @since 1.0.0
 * @category models
 */
export interface EnsuredWebhookSubscription {
  readonly subscription: WebhookSubscription
  readonly created: boolean
  readonly signingSecret: Option.Option<Redacted.Redacted<string>>
}

/**
 * The failures of the subscription operations: bad input (nothing sent:
 * `InvalidWebhookSubscription`, or `InvalidOption` for a per-call option),
 * an unknown subscription (404), the API's other answers and transport faults.
 *
 * @since 1.0.0
 * @category errors
 */
export type WebhookSubscriptionError =
  | InvalidWebhookSubscription
  | InvalidOption
  | WebhookSubscriptionNotFound
  | LinqApiError
  | LinqTransportError

const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/

const invalid = (field: InvalidWebhookSubscription["field"], input: unknown, reason: string) =>
  Effect.fail(new InvalidWebhookSubscription({ field, input: String(input).slice(0, 200), reason }))

/** The URL without its `?version=` (what identifies a subscription's endpoint). */
const endpointOf = (url: URL): string => {
  const copy = new URL(url.href)
  copy.searchParams.delete("version")
  copy.hash = ""
  return copy.href
}

const parseTarget = (input: unknown): Effect.Effect<URL, InvalidWebhookSubscription> => {
  if (typeof input !== "string" || !URL.canParse(input)) return invalid("targetUrl", input, "not a URL")
  const url = new URL(input)
  if (url.protocol !== "https:") return invalid("targetUrl", input, "Linq sends webhooks to https: URLs only")
  if (url.username !== "" || url.password !== "")
    return invalid("targetUrl", url.host, "a URL with credentials in it is refused")
  url.hash = ""
  url.searchParams.set("version", webhookPayloadVersion)
  return Effect.succeed(url)
}

const parseEvents = (
  input: ReadonlyArray<string> | undefined
): Effect.Effect<ReadonlyArray<string>, InvalidWebhookSubscription> => {
  const events = input ?? participantWebhookEvents
  if (!Array.isArray(events) || events.length === 0)
    return invalid("events", JSON.stringify(events), "at least one event type")
  const bad = events.find((e) => typeof e !== "string" || !EVENT_NAME.test(e))
  if (bad !== undefined)
    return invalid("events", bad, "an event type is dot-separated lower-case words, e.g. participant.added")
  return Effect.succeed(Array.from(new Set(events)))
}

const parseId = (input: unknown): Effect.Effect<string, InvalidWebhookSubscription> =>
  typeof input !== "string" || input.trim() === "" || input === "." || input === ".." || input.length > 200
    ? invalid("id", input, "a subscription id is a non-empty string (at most 200 characters)")
    : Effect.succeed(input)

/** A 201 body that is not the documented shape, its secret cut out of the excerpt. */
const createdBody = (body: unknown): Effect.Effect<WebhookSubscriptionCreated, UnexpectedResponse> =>
  Effect.mapError(Schema.decodeUnknownEffect(WebhookSubscriptionCreated)(body), (error) => {
    const shown = typeof body === "object" && body !== null ? { ...body, signing_secret: "<redacted>" } : body
    return new UnexpectedResponse({
      status: 201,
      excerpt: JSON.stringify(shown).slice(0, 200),
      reason: `the body is not the documented shape (${error.message.slice(0, 200)})`
    })
  })

const notFound =
  (subscriptionId: string) =>
  (answer: ErrorMapping.ApiAnswer): Option.Option<WebhookSubscriptionNotFound> =>
    answer.status === 404
      ? Option.some(
          new WebhookSubscriptionNotFound({
            subscriptionId,
            status: answer.status,
            message: answer.message,
            ...(answer.code === undefined ? {} : { code: answer.code }),
            ...(answer.traceId === undefined ? {} : { traceId: answer.traceId })
          })
        )
      : Option.none()

const list = (options: RequestOptions | undefined) =>
  Effect.flatMap(LinqHttpClient, (client) =>
    client.execute({
      method: "GET",
      path: SUBSCRIPTIONS_PATH,
      response: WebhookSubscriptionList,
      ...requestOverrides(options)
    })
  ).pipe(Effect.map((answer) => answer.subscriptions))

/**
 * Every webhook subscription of the account (`GET /v3/webhook-subscriptions`).
 *
 * **Example** (The URLs Linq sends to)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { listWebhookSubscriptions } from "@linq-effect/client"
 *
 * const urls = listWebhookSubscriptions().pipe(Effect.map((all) => all.map((s) => s.target_url)))
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const listWebhookSubscriptions = (
  options?: RequestOptions
): Effect.Effect<
  ReadonlyArray<WebhookSubscription>,
  InvalidOption | LinqApiError | LinqTransportError,
  LinqHttpClient
> => metered("listWebhookSubscriptions")(list(options))

/**
 * Finds the subscription of `targetUrl`, or creates it: Linq keeps one
 * subscription per target URL, so this is safe to run at every start.
 *
 * **Details**
 *
 * `targetUrl` must be `https:`; `?version=2026-02-03` is set on it (any
 * other `version` is replaced), and a subscription matches when its
 * `target_url` is the same URL whatever its `version`. A found subscription
 * that misses one of `events`, is inactive, or pins another version is
 * updated (`PUT`, its other events kept). A bad input fails with
 * `InvalidWebhookSubscription` and sends nothing. Two starts racing to
 * create it: the loser (a 409) finds the winner's.
 *
 * **Gotchas**
 *
 * `signingSecret` is `Some` only on the call that created the subscription:
 * Linq shows the secret in that answer alone. Store it then (it is a
 * `Redacted`: it prints as `<redacted>`); a later call finds the
 * subscription and returns `None`. Lost it? Delete the subscription and
 * ensure it again.
 *
 * **Example** (At start-up)
 *
 * ```ts
 * import { Effect, Option, Redacted } from "effect"
 * import { ensureWebhookSubscription } from "@linq-effect/client"
 *
 * const program = Effect.gen(function* () {
 *   const { subscription, signingSecret } = yield* ensureWebhookSubscription({
 *     targetUrl: "https://hooks.example.com/linq"
 *   })
 *   if (Option.isSome(signingSecret)) {
 *     // first run: keep it where LINQ_WEBHOOK_SECRET comes from
 *     yield* Effect.log(`created ${subscription.id}`, signingSecret.value) // logs <redacted>
 *   }
 * })
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const ensureWebhookSubscription = (
  input: EnsureWebhookSubscriptionInput,
  options?: RequestOptions
): Effect.Effect<EnsuredWebhookSubscription, WebhookSubscriptionError, LinqHttpClient> =>
  metered("ensureWebhookSubscription")(
    Effect.gen(function* () {
      const target = yield* parseTarget(input?.targetUrl)
      const events = yield* parseEvents(input?.events)
      const client = yield* LinqHttpClient
      const endpoint = endpointOf(target)
      const find = Effect.map(list(options), (all) =>
        Option.fromNullishOr(
          all.find((s) => URL.canParse(s.target_url) && endpointOf(new URL(s.target_url)) === endpoint)
        )
      )
      const found = (subscription: WebhookSubscription) =>
        Effect.gen(function* () {
          const missing = events.filter((e) => !subscription.subscribed_events.includes(e))
          const stale =
            missing.length > 0 || !subscription.is_active || subscription.target_url !== target.href
          const current = stale
            ? yield* client.execute({
                method: "PUT",
                path: SUBSCRIPTION_PATH,
                params: { subscriptionId: subscription.id },
                body: {
                  target_url: target.href,
                  subscribed_events: [...subscription.subscribed_events, ...missing],
                  is_active: true
                },
                response: WebhookSubscription,
                recognize: notFound(subscription.id),
                ...requestOverrides(options)
              })
            : subscription
          return { subscription: current, created: false, signingSecret: Option.none() }
        })
      const existing = yield* find
      if (Option.isSome(existing)) return yield* found(existing.value)
      const created = yield* client
        .execute({
          method: "POST",
          path: SUBSCRIPTIONS_PATH,
          body: { target_url: target.href, subscribed_events: events },
          response: Schema.Unknown,
          ...requestOverrides(options)
        })
        .pipe(
          Effect.flatMap(createdBody),
          Effect.map((body): EnsuredWebhookSubscription => {
            const { signing_secret, ...subscription } = body
            return { subscription, created: true, signingSecret: Option.some(signing_secret) }
          }),
          Effect.map(Option.some),
          // another start created it first (one subscription per URL): take that one
          Effect.catchIf(
            (error) => error._tag === "ApiError" && error.status === 409,
            () => Effect.succeedNone
          )
        )
      if (Option.isSome(created)) return created.value
      const winner = yield* find
      return Option.isSome(winner)
        ? yield* found(winner.value)
        : yield* Effect.fail(
            new UnexpectedResponse({
              status: 409,
              excerpt: "",
              reason: "the subscription was refused as a duplicate, but no subscription of that URL is listed"
            })
          )
    })
  )

/**
 * Deletes a webhook subscription (`DELETE /v3/webhook-subscriptions/{id}`):
 * Linq stops sending to it. An unknown id fails with
 * `WebhookSubscriptionNotFound`; an empty one with
 * `InvalidWebhookSubscription`, sending nothing.
 *
 * **Example** (Removing every subscription of a host)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { deleteWebhookSubscription, listWebhookSubscriptions } from "@linq-effect/client"
 *
 * const program = Effect.flatMap(listWebhookSubscriptions(), (all) =>
 *   Effect.forEach(
 *     all.filter((s) => new URL(s.target_url).host === "old.example.com"),
 *     (s) => deleteWebhookSubscription(s.id)
 *   )
 * )
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const deleteWebhookSubscription = (
  id: string,
  options?: RequestOptions
): Effect.Effect<void, WebhookSubscriptionError, LinqHttpClient> =>
  metered("deleteWebhookSubscription")(
    Effect.gen(function* () {
      const subscriptionId = yield* parseId(id)
      const client = yield* LinqHttpClient
      yield* client.execute({
        method: "DELETE",
        path: SUBSCRIPTION_PATH,
        params: { subscriptionId },
        response: Schema.Unknown,
        recognize: notFound(subscriptionId),
        ...requestOverrides(options)
      })
    })
  )
