/**
 * FakeLinq's webhook subscriptions: the store (one subscription per
 * `target_url`, each with its `whsec_` signing secret), the answers of the
 * `/v3/webhook-subscriptions` and `/v3/webhook-events` routes, and the
 * endpoints a webhook of a type goes to.
 *
 * @internal
 */
import { DateTime, Effect, Random, Ref } from "effect"
import { Base64 } from "effect/encoding"
import { type Answer, ErrorCode, envelope, json } from "./answers.js"
import * as Ids from "./ids.js"
import type { Incoming } from "./middleware.js"
import type { FakeWebhookSubscription } from "../WebhookDelivery.js"
import type { Endpoint } from "./webhooks.js"

/** The event types Linq lists (`GET /v3/webhook-events`), as its SDK documents them. */
export const EVENT_TYPES: ReadonlyArray<string> = [
  "message.sent",
  "message.received",
  "message.read",
  "message.delivered",
  "message.failed",
  "reaction.added",
  "reaction.removed",
  "participant.added",
  "participant.removed",
  "chat.created",
  "chat.group_name_updated",
  "chat.group_icon_updated",
  "chat.group_name_update_failed",
  "chat.group_icon_update_failed",
  "chat.typing_indicator.started",
  "chat.typing_indicator.stopped"
]

/** A subscription as the fake keeps it (its secret included). */
type StoredSubscription = FakeWebhookSubscription

/** The subscription's wire form, without the secret (every answer but the 201). */
const shown = ({ signing_secret: _, ...subscription }: StoredSubscription) => subscription

const secret = Effect.map(
  Effect.all(Array.from({ length: 24 }, () => Random.nextIntBetween(0, 256))),
  (bytes) => `whsec_${Base64.encode(Uint8Array.from(bytes))}`
)

type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly answer: Answer }

const bad = (
  request: Incoming,
  code: number,
  message: string
): { readonly ok: false; readonly answer: Answer } => ({
  ok: false,
  answer: envelope(400, code, message, request.traceId)
})

const checkUrl = (request: Incoming, value: unknown): Checked<string> => {
  if (typeof value !== "string" || value === "")
    return bad(request, ErrorCode.MissingRequiredField, "Missing required field: target_url")
  if (!URL.canParse(value) || new URL(value).protocol !== "https:")
    return bad(request, ErrorCode.InvalidParameter, "target_url must be an https URL")
  return { ok: true, value }
}

const checkEvents = (request: Incoming, value: unknown): Checked<ReadonlyArray<string>> => {
  if (!Array.isArray(value) || value.length === 0)
    return bad(request, ErrorCode.MissingRequiredField, "Missing required field: subscribed_events")
  const unknown = value.find((e) => typeof e !== "string" || !EVENT_TYPES.includes(e))
  if (unknown !== undefined)
    return bad(request, ErrorCode.InvalidParameter, `Invalid event type: ${String(unknown)}`)
  return { ok: true, value: Array.from(new Set(value as ReadonlyArray<string>)) }
}

const bodyOf = (request: Incoming): Checked<Record<string, unknown>> => {
  const body = request.json._tag === "Some" ? request.json.value : undefined
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? { ok: true, value: body as Record<string, unknown> }
    : bad(request, ErrorCode.InvalidRequestBody, "Request body must be a JSON object")
}

/** The store and the routes' answers, for the lifetime of the fake. */
export const make = Effect.gen(function* () {
  const ref = yield* Ref.make<ReadonlyArray<StoredSubscription>>([])
  const now = Effect.map(DateTime.now, DateTime.formatIso)
  const idOf = (request: Incoming) => request.params.subscriptionId ?? ""
  const notFound = (request: Incoming) =>
    envelope(404, undefined, "Webhook subscription not found", request.traceId)
  const conflict = (request: Incoming) =>
    envelope(409, undefined, "A webhook subscription for this target_url already exists", request.traceId)

  const create = (request: Incoming): Effect.Effect<Answer> =>
    Effect.gen(function* () {
      const body = bodyOf(request)
      if (!body.ok) return body.answer
      const url = checkUrl(request, body.value.target_url)
      if (!url.ok) return url.answer
      const events = checkEvents(request, body.value.subscribed_events)
      if (!events.ok) return events.answer
      const at = yield* now
      const phones = body.value.phone_numbers
      const subscription: StoredSubscription = {
        id: yield* Ids.uuid,
        target_url: url.value,
        subscribed_events: events.value,
        ...(Array.isArray(phones) ? { phone_numbers: phones.map(String) } : {}),
        is_active: true,
        created_at: at,
        updated_at: at,
        signing_secret: yield* secret
      }
      const added = yield* Ref.modify(ref, (all) =>
        all.some((s) => s.target_url === subscription.target_url)
          ? [false, all]
          : [true, [...all, subscription]]
      )
      return added ? json(201, subscription) : conflict(request)
    })

  const get = (request: Incoming): Effect.Effect<Answer> =>
    Effect.map(Ref.get(ref), (all) => {
      const found = all.find((s) => s.id === idOf(request))
      return found === undefined ? notFound(request) : json(200, shown(found))
    })

  const update = (request: Incoming): Effect.Effect<Answer> =>
    Effect.gen(function* () {
      const body = bodyOf(request)
      if (!body.ok) return body.answer
      const { target_url, subscribed_events, is_active } = body.value
      const url = target_url === undefined ? undefined : checkUrl(request, target_url)
      if (url !== undefined && !url.ok) return url.answer
      const events = subscribed_events === undefined ? undefined : checkEvents(request, subscribed_events)
      if (events !== undefined && !events.ok) return events.answer
      if (is_active !== undefined && typeof is_active !== "boolean")
        return bad(request, ErrorCode.InvalidParameter, "is_active must be a boolean").answer
      const at = yield* now
      return yield* Ref.modify(ref, (all): readonly [Answer, ReadonlyArray<StoredSubscription>] => {
        const current = all.find((s) => s.id === idOf(request))
        if (current === undefined) return [notFound(request), all]
        if (url !== undefined && all.some((s) => s.id !== current.id && s.target_url === url.value))
          return [conflict(request), all]
        const next: StoredSubscription = {
          ...current,
          ...(url === undefined ? {} : { target_url: url.value }),
          ...(events === undefined ? {} : { subscribed_events: events.value }),
          ...(is_active === undefined ? {} : { is_active }),
          updated_at: at
        }
        return [json(200, shown(next)), all.map((s) => (s.id === current.id ? next : s))]
      })
    })

  const remove = (request: Incoming): Effect.Effect<Answer> =>
    Ref.modify(ref, (all): readonly [Answer, ReadonlyArray<StoredSubscription>] =>
      all.some((s) => s.id === idOf(request))
        ? [{ status: 204, headers: {}, body: "" }, all.filter((s) => s.id !== idOf(request))]
        : [notFound(request), all]
    )

  return {
    create,
    list: (_: Incoming) => Effect.map(Ref.get(ref), (all) => json(200, { subscriptions: all.map(shown) })),
    get,
    update,
    remove,
    events: (_: Incoming) => Effect.succeed(json(200, { events: EVENT_TYPES })),
    /** The subscriptions, secrets included (what a test may read; Linq shows a secret once). */
    subscriptions: Ref.get(ref),
    /** The active subscriptions listing `eventType`, as delivery endpoints. */
    endpointsOf: (eventType: string): Effect.Effect<ReadonlyArray<Endpoint>> =>
      Effect.map(Ref.get(ref), (all) =>
        all
          .filter((s) => s.is_active && s.subscribed_events.includes(eventType))
          .map((s) => ({ secret: s.signing_secret, subscriptionId: s.id, targetUrl: s.target_url }))
      ),
    reset: Ref.set(ref, [])
  }
})

/** The fake's subscriptions. */
export type Subscriptions = Effect.Success<typeof make>
