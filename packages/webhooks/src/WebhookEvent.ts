/**
 * The events Linq's webhooks carry, as Effect Schemas: `participant.added`
 * and `participant.removed` decode to {@link ParticipantAdded} and
 * {@link ParticipantRemoved} (with core's `ChatId`, `Handle` and
 * `ChatHandle`), and every other `event_type` to {@link UnknownWebhookEvent}
 * (Linq keeps adding types: 17 in February 2026, 45+ by August), never to a
 * failure. {@link WebhookEvent} is the union, decoding Linq's wire JSON
 * (snake_case, ISO dates) and encoding back to it.
 *
 * @since 1.0.0
 */
import { ChatHandle, ChatId, Handle } from "@linq-effect/core"
import { DateTime, Schema, SchemaTransformation } from "effect"

/** An optional key: absent stays absent (no `undefined` on the wire). */
const optional = <S extends Schema.Top>(schema: S) => Schema.optionalKey(schema)

/** The event types this module decodes to their own classes. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(["participant.added", "participant.removed"])

// ---------------------------------------------------------------------------
// Domain classes (their Encoded side is camelCase with string dates)
// ---------------------------------------------------------------------------

const participantFields = {
  /** The delivery's `event_id`: the same on every retry of one event (deduplicate by it). */
  eventId: Schema.String,
  /** The chat the change was applied to. */
  chatId: ChatId,
  /** Who joined or left: `data.participant.handle`, else the deprecated `data.handle`. */
  handle: Handle,
  /** The participant as Linq shows it after the change, when Linq sends it. */
  participant: optional(ChatHandle),
  /** When the change happened: `added_at` / `removed_at`, else the envelope's `created_at`. */
  at: Schema.DateTimeUtcFromString,
  /** When Linq created the event (`created_at`). */
  createdAt: Schema.DateTimeUtcFromString,
  /** The payload version (`webhook_version`, a date such as `2026-02-03`). */
  webhookVersion: Schema.String,
  /** Linq's `trace_id` of the event (not the 202's: nothing links the two). */
  traceId: Schema.String,
  /** `api_version` (`"v3"`), when sent. */
  apiVersion: optional(Schema.String),
  /** `partner_id`, when sent. */
  partnerId: optional(Schema.String)
}

/**
 * Linq applied a queued add: `participant.added`.
 *
 * @since 1.0.0
 * @category models
 */
export class ParticipantAdded extends Schema.TaggedClass<ParticipantAdded>()(
  "ParticipantAdded",
  participantFields
) {}

/**
 * Linq applied a queued remove (or your own number left the group):
 * `participant.removed`.
 *
 * @since 1.0.0
 * @category models
 */
export class ParticipantRemoved extends Schema.TaggedClass<ParticipantRemoved>()(
  "ParticipantRemoved",
  participantFields
) {}

/**
 * An event of a type this SDK does not model (`message.received`,
 * `chat.group_name_updated`, a type added after this release, ...). Its
 * `data` is kept as sent; the envelope's other fields when they are strings.
 *
 * @since 1.0.0
 * @category models
 */
export class UnknownWebhookEvent extends Schema.TaggedClass<UnknownWebhookEvent>()("UnknownWebhookEvent", {
  eventId: Schema.String,
  eventType: Schema.String,
  data: Schema.Unknown,
  createdAt: optional(Schema.String),
  webhookVersion: optional(Schema.String),
  traceId: optional(Schema.String)
}) {}

// ---------------------------------------------------------------------------
// The wire envelope
// ---------------------------------------------------------------------------

const ParticipantData = Schema.Struct({
  /** Deprecated by Linq ("use participant instead"), still the only required field of `data`. */
  handle: optional(Schema.String),
  chat_id: optional(Schema.String),
  participant: optional(Schema.Unknown),
  added_at: optional(Schema.String),
  removed_at: optional(Schema.String)
})

const wireParticipantEvent = <T extends "participant.added" | "participant.removed">(eventType: T) =>
  Schema.Struct({
    api_version: optional(Schema.String),
    webhook_version: Schema.String,
    event_type: Schema.Literal(eventType),
    event_id: Schema.String,
    created_at: Schema.String,
    data: ParticipantData,
    trace_id: Schema.String,
    partner_id: optional(Schema.String)
  })

type WireParticipantEvent = Schema.Schema.Type<ReturnType<typeof wireParticipantEvent>>

/** What a participant class's Encoded side holds (its `_tag` aside). */
type ParticipantEncoded = Omit<(typeof ParticipantAdded)["Encoded"], "_tag">

// The wire type is shared by both events, so its `event_type` is wider than each literal: cast at the call.
const participantTransformation = <Tag extends "ParticipantAdded" | "ParticipantRemoved">(
  tag: Tag,
  eventType: "participant.added" | "participant.removed",
  atKey: "added_at" | "removed_at"
) =>
  SchemaTransformation.transform({
    decode: (wire: WireParticipantEvent): ParticipantEncoded & { readonly _tag: Tag } => {
      const participant = wire.data.participant
      const participantHandle =
        typeof participant === "object" && participant !== null && "handle" in participant
          ? (participant as { readonly handle: unknown }).handle
          : undefined
      // Missing keys stay missing, so the class's schemas report them by name.
      return {
        _tag: tag,
        eventId: wire.event_id,
        ...(wire.data.chat_id === undefined ? {} : { chatId: wire.data.chat_id }),
        ...(typeof participantHandle === "string"
          ? { handle: participantHandle }
          : wire.data.handle === undefined
            ? {}
            : { handle: wire.data.handle }),
        ...(participant === undefined ? {} : { participant: participant as never }),
        at: wire.data[atKey] ?? wire.created_at,
        createdAt: wire.created_at,
        webhookVersion: wire.webhook_version,
        traceId: wire.trace_id,
        ...(wire.api_version === undefined ? {} : { apiVersion: wire.api_version }),
        ...(wire.partner_id === undefined ? {} : { partnerId: wire.partner_id })
      } as ParticipantEncoded & { readonly _tag: Tag }
    },
    encode: (event): WireParticipantEvent => ({
      ...(event.apiVersion === undefined ? {} : { api_version: event.apiVersion }),
      webhook_version: event.webhookVersion,
      event_type: eventType,
      event_id: event.eventId,
      created_at: event.createdAt,
      data: {
        handle: event.handle,
        chat_id: event.chatId,
        ...(event.participant === undefined ? {} : { participant: event.participant }),
        [atKey]: event.at
      },
      trace_id: event.traceId,
      ...(event.partnerId === undefined ? {} : { partner_id: event.partnerId })
    })
  })

/** A participant event's wire schema decoded to its class, written once for both events. */
const participantFromWire = <A, T extends "participant.added" | "participant.removed">(
  eventType: T,
  to: Schema.Codec<A, ParticipantEncoded & { readonly _tag: string }>,
  tag: "ParticipantAdded" | "ParticipantRemoved",
  atKey: "added_at" | "removed_at"
) =>
  wireParticipantEvent(eventType).pipe(
    Schema.decodeTo(to, participantTransformation(tag, eventType, atKey) as never)
  ) as unknown as Schema.Codec<A, WireParticipantEvent & { readonly event_type: T }>

/**
 * `participant.added` as Linq sends it, decoded to {@link ParticipantAdded}.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ParticipantAddedFromWire = participantFromWire(
  "participant.added",
  ParticipantAdded,
  "ParticipantAdded",
  "added_at"
)

/**
 * `participant.removed` as Linq sends it, decoded to {@link ParticipantRemoved}.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ParticipantRemovedFromWire = participantFromWire(
  "participant.removed",
  ParticipantRemoved,
  "ParticipantRemoved",
  "removed_at"
)

const WireUnknownEvent = Schema.Struct({
  event_type: Schema.String.check(
    Schema.makeFilter((type: string) => !KNOWN_TYPES.has(type), {
      message: "a known event type is decoded by its own schema"
    })
  ),
  event_id: Schema.String,
  data: optional(Schema.Unknown),
  created_at: optional(Schema.Unknown),
  webhook_version: optional(Schema.Unknown),
  trace_id: optional(Schema.Unknown)
})

type WireUnknownEvent = typeof WireUnknownEvent.Type

const stringField = <K extends string>(key: K, value: unknown): { readonly [k in K]?: string } =>
  (typeof value === "string" ? { [key]: value } : {}) as { readonly [k in K]?: string }

/**
 * Any event whose `event_type` is not modelled, decoded to
 * {@link UnknownWebhookEvent}: only `event_id` and `event_type` (strings) are
 * required.
 *
 * @since 1.0.0
 * @category schemas
 */
export const UnknownWebhookEventFromWire = WireUnknownEvent.pipe(
  Schema.decodeTo(
    UnknownWebhookEvent,
    SchemaTransformation.transform({
      decode: (wire: WireUnknownEvent): (typeof UnknownWebhookEvent)["Encoded"] => ({
        _tag: "UnknownWebhookEvent",
        eventId: wire.event_id,
        eventType: wire.event_type,
        data: wire.data,
        ...stringField("createdAt", wire.created_at),
        ...stringField("webhookVersion", wire.webhook_version),
        ...stringField("traceId", wire.trace_id)
      }),
      encode: (event): WireUnknownEvent => ({
        event_type: event.eventType,
        event_id: event.eventId,
        ...(event.data === undefined ? {} : { data: event.data }),
        ...(event.createdAt === undefined ? {} : { created_at: event.createdAt }),
        ...(event.webhookVersion === undefined ? {} : { webhook_version: event.webhookVersion }),
        ...(event.traceId === undefined ? {} : { trace_id: event.traceId })
      })
    }) as never
  )
) as unknown as Schema.Codec<UnknownWebhookEvent, WireUnknownEvent>

/**
 * A verified webhook event: {@link ParticipantAdded}, {@link ParticipantRemoved}
 * or {@link UnknownWebhookEvent}, tagged by `_tag`. Decodes Linq's JSON
 * (`event_type`, `event_id`, `data`, ...) and encodes back to it.
 *
 * **Details**
 *
 * - the handle comes from `data.participant.handle`, else the deprecated
 *   `data.handle`; it must be a valid `Handle`;
 * - a participant event needs `data.chat_id` (Linq marks it optional, but an
 *   event without it confirms nothing) and a `ChatHandle`-shaped
 *   `participant` when one is sent;
 * - any other `event_type` decodes, with only `event_id` required.
 *
 * More tags may be added in later releases: match with a default branch.
 *
 * **Example** (Decoding a delivery's JSON)
 *
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent } from "@linq-effect/webhooks"
 *
 * const event = Schema.decodeUnknownSync(WebhookEvent)({
 *   api_version: "v3",
 *   webhook_version: "2026-02-03",
 *   event_type: "participant.added",
 *   event_id: "8f6f2c0e-0a51-4c39-9d7e-4a4b5d2f7e11",
 *   created_at: "2026-02-03T10:00:00Z",
 *   trace_id: "trace-1",
 *   partner_id: "partner-1",
 *   data: { handle: "+12223334444", chat_id: "550e8400-e29b-41d4-a716-446655440000" }
 * })
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const WebhookEvent = Schema.Union([
  ParticipantAddedFromWire,
  ParticipantRemovedFromWire,
  UnknownWebhookEventFromWire
]).annotate({ identifier: "WebhookEvent" })

/**
 * @since 1.0.0
 * @category models
 */
export type WebhookEvent = ParticipantAdded | ParticipantRemoved | UnknownWebhookEvent

/**
 * A participant event: {@link ParticipantAdded} or {@link ParticipantRemoved}.
 *
 * @since 1.0.0
 * @category models
 */
export type ParticipantEvent = ParticipantAdded | ParticipantRemoved

/**
 * Whether `event` is a {@link ParticipantEvent}.
 *
 * @since 1.0.0
 * @category guards
 */
export const isParticipantEvent = (event: WebhookEvent): event is ParticipantEvent =>
  event._tag === "ParticipantAdded" || event._tag === "ParticipantRemoved"

/**
 * Of two events of one participant of one chat, the one that tells its state
 * now: Linq's order of delivery is not documented, and a delivery can be
 * retried long after, so the order they came in says nothing.
 *
 * **Details**
 *
 * The later change time `at` wins; on the same `at`, the later `createdAt`;
 * on the same both, `held` (the one already known) stays. So a `participant.removed`
 * delivered late, whose `at` is before an `added`'s, does not undo that add, and a
 * duplicate changes nothing.
 *
 * **Example** (A stale removal delivered after a newer add)
 *
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent, isParticipantEvent, latestParticipantEvent } from "@linq-effect/webhooks"
 *
 * const event = (type: string, id: string, at: string) =>
 *   Schema.decodeUnknownSync(WebhookEvent)({
 *     webhook_version: "2026-02-03",
 *     event_type: type,
 *     event_id: id,
 *     created_at: at,
 *     trace_id: "trace-1",
 *     data: { handle: "+12223334444", chat_id: "550e8400-e29b-41d4-a716-446655440000" }
 *   })
 * const added = event("participant.added", "evt-2", "2026-02-03T10:00:05Z")
 * const removed = event("participant.removed", "evt-1", "2026-02-03T10:00:00Z")
 * if (isParticipantEvent(added) && isParticipantEvent(removed)) {
 *   latestParticipantEvent(added, removed)._tag // "ParticipantAdded": the removal is older
 * }
 * ```
 *
 * @since 1.0.0
 * @category combinators
 */
export const latestParticipantEvent = (held: ParticipantEvent, next: ParticipantEvent): ParticipantEvent => {
  const at = DateTime.toEpochMillis(next.at) - DateTime.toEpochMillis(held.at)
  if (at !== 0) return at > 0 ? next : held
  return DateTime.toEpochMillis(next.createdAt) > DateTime.toEpochMillis(held.createdAt) ? next : held
}
