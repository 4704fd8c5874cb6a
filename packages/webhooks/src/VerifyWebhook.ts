/**
 * Checking that a delivery comes from Linq, and reading its event:
 * {@link verifyWebhook} (one call), {@link makeVerifier} (the secrets decoded
 * and the keys imported once, for a server), {@link signWebhook} (the
 * sender's side, for tests and fakes), and the failures:
 * {@link InvalidWebhookSignature}, {@link StaleWebhook} and
 * {@link MalformedWebhook}.
 *
 * Both of Linq's signature schemes are checked over the raw bytes of the
 * body, never over a re-serialized one: the Standard Webhooks headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`) first, and the
 * legacy `X-Webhook-Timestamp` / `X-Webhook-Signature` pair only when none of
 * those are present. HMAC-SHA256 runs on `effect/crypto`'s `Mac`: the one in
 * context when there is one, else a synchronous `node:crypto` HMAC where the
 * runtime has `node:crypto` (Node, Bun, Deno; found at run time, not
 * imported), else WebCrypto. Tags are compared in constant time
 * (`Mac.timingSafeEqual`), and timestamps are read against Effect's `Clock`.
 *
 * @since 1.0.0
 */
import { Clock, Duration, Effect, Option, Redacted, Result, Schema } from "effect"
import { Mac } from "effect/crypto"
import { Base64, Hex } from "effect/encoding"
import { defaultMac } from "./internal/mac.js"
import {
  ParticipantAddedFromWire,
  ParticipantRemovedFromWire,
  UnknownWebhookEventFromWire,
  type WebhookEvent
} from "./WebhookEvent.js"

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * Why a delivery's signature was refused:
 *
 * - `MissingHeaders`: neither header set is complete (`webhook-id`,
 *   `webhook-timestamp`, `webhook-signature`; or `X-Webhook-Timestamp`,
 *   `X-Webhook-Signature`);
 * - `NoMatchingSignature`: no signature matches any secret (a wrong secret, a
 *   forged or altered body, a body re-serialized before verifying);
 * - `MalformedHeader`: a timestamp that is not unix seconds, a signature
 *   header with no `v1,<base64>` entry, a legacy signature that is not hex;
 * - `MalformedSecret`: a secret that is not `whsec_` and base64 (the
 *   secret itself is never shown).
 *
 * @since 1.0.0
 * @category models
 */
export const InvalidWebhookSignatureReason = Schema.Literals([
  "MissingHeaders",
  "NoMatchingSignature",
  "MalformedHeader",
  "MalformedSecret"
])

/**
 * @since 1.0.0
 * @category models
 */
export type InvalidWebhookSignatureReason = typeof InvalidWebhookSignatureReason.Type

/**
 * The signature scheme a delivery was checked with: `"standard"` (Standard
 * Webhooks) or `"legacy"` (`X-Webhook-*`).
 *
 * @since 1.0.0
 * @category models
 */
export const WebhookScheme = Schema.Literals(["standard", "legacy"])

/**
 * @since 1.0.0
 * @category models
 */
export type WebhookScheme = typeof WebhookScheme.Type

/**
 * The delivery is not signed by a secret given (see
 * {@link InvalidWebhookSignatureReason}). Answer it with 401: Linq does not
 * retry it. Never holds a secret, a signature or the body.
 *
 * @since 1.0.0
 * @category errors
 */
export class InvalidWebhookSignature extends Schema.TaggedError<InvalidWebhookSignature>()(
  "InvalidWebhookSignature",
  {
    reason: InvalidWebhookSignatureReason,
    scheme: Schema.optionalKey(WebhookScheme),
    description: Schema.String
  }
) {
  override get message(): string {
    return `Invalid webhook signature (${this.reason}): ${this.description}`
  }
}

/**
 * The delivery is signed, but its timestamp is further than the tolerance
 * from now, either way (a replay, or a clock far off). Answer it with 401.
 *
 * @since 1.0.0
 * @category errors
 */
export class StaleWebhook extends Schema.TaggedError<StaleWebhook>()("StaleWebhook", {
  scheme: WebhookScheme,
  /** The signed timestamp, unix seconds. */
  timestamp: Schema.Number,
  /** Now minus the timestamp, in seconds: negative for a timestamp in the future. */
  ageSeconds: Schema.Number,
  toleranceSeconds: Schema.Number
}) {
  override get message(): string {
    const off = this.ageSeconds >= 0 ? `${this.ageSeconds} s old` : `${-this.ageSeconds} s in the future`
    return `Stale webhook: its timestamp is ${off}, beyond the ${this.toleranceSeconds} s tolerance`
  }
}

/**
 * The delivery verifies, but is not an event: not UTF-8, not JSON, or JSON
 * that fails the {@link WebhookEvent} Schema (a `participant.added` whose
 * `data` is `42`, a handle that is not a `Handle`). Answer it with 400.
 * `description` names the problem and where, never the body's values.
 *
 * @since 1.0.0
 * @category errors
 */
export class MalformedWebhook extends Schema.TaggedError<MalformedWebhook>()("MalformedWebhook", {
  eventType: Schema.optionalKey(Schema.String),
  eventId: Schema.optionalKey(Schema.String),
  description: Schema.String
}) {
  override get message(): string {
    return `Malformed webhook${this.eventType === undefined ? "" : ` (${this.eventType})`}: ${this.description}`
  }
}

/**
 * What {@link verifyWebhook} can fail with.
 *
 * @since 1.0.0
 * @category errors
 */
export type WebhookError = InvalidWebhookSignature | StaleWebhook | MalformedWebhook

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/**
 * A signing secret: `whsec_` then base64, as Linq shows it when a
 * subscription is created (the `whsec_` prefix is optional). Pass it as
 * `Redacted` where it comes from configuration.
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookSecret = string | Redacted.Redacted<string>

/**
 * A delivery's headers: a web `Headers`, or a record (`effect/http`'s
 * `Headers`, node's `IncomingHttpHeaders`, a plain object) looked up without
 * regard to case.
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookHeaders = Headers | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * One delivery as received: the raw body (the bytes Linq signed, or their
 * UTF-8 text; not JSON parsed and re-serialized) and its headers.
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookRequest {
  readonly body: string | Uint8Array
  readonly headers: WebhookHeaders
}

/**
 * The options of {@link verifyWebhook} and {@link makeVerifier}.
 *
 * @since 1.0.0
 * @category options
 */
export interface VerifyOptions {
  /**
   * The signing secret, or several while one is rotated out: a delivery
   * signed by any of them verifies.
   */
  readonly secret: WebhookSecret | ReadonlyArray<WebhookSecret>
  /**
   * How far a delivery's timestamp may be from `Clock`'s now, either way.
   * Defaults to 5 minutes.
   */
  readonly tolerance?: Duration.Input | undefined
}

/**
 * A delivery that passed the signature and timestamp checks, before its body
 * is read as an event.
 *
 * @since 1.0.0
 * @category models
 */
export interface VerifiedDelivery {
  readonly scheme: WebhookScheme
  /** `webhook-id` (standard scheme only). */
  readonly id: string | undefined
  /** The signed timestamp, unix seconds. */
  readonly timestamp: number
}

/**
 * A verifier built by {@link makeVerifier}: the secrets decoded and their
 * keys imported once.
 *
 * @since 1.0.0
 * @category models
 */
export interface Verifier {
  /** Checks signature and timestamp, then decodes the event. */
  readonly verify: (request: WebhookRequest) => Effect.Effect<WebhookEvent, WebhookError>
  /** Checks signature and timestamp only. */
  readonly verifySignature: (
    request: WebhookRequest
  ) => Effect.Effect<VerifiedDelivery, InvalidWebhookSignature | StaleWebhook>
}

/**
 * The tolerance when none is given: 5 minutes, as Linq and Standard Webhooks
 * recommend.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultTolerance: Duration.Duration = Duration.minutes(5)

// ---------------------------------------------------------------------------
// Machinery
// ---------------------------------------------------------------------------

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
const SECONDS = /^\d{1,15}$/
const PREFIX = "whsec_"

/** The `Mac` in context, else the default (`internal/mac.ts`: node:crypto where the runtime has it, else WebCrypto). */
const currentMac: Effect.Effect<Mac.Mac["Service"]> = Effect.flatMap(Effect.serviceOption(Mac.Mac), (mac) =>
  Option.isSome(mac) ? Effect.succeed(mac.value) : defaultMac
)

interface SecretKeys {
  /** Keyed by the base64-decoded bytes (Standard Webhooks). */
  readonly standard: Mac.Key
  /** Legacy candidates: the secret's UTF-8 text, then its decoded bytes (which one Linq uses is not settled). */
  readonly legacy: ReadonlyArray<Mac.Key>
}

const malformedSecret = (index: number, count: number, why: string) =>
  new InvalidWebhookSignature({
    reason: "MalformedSecret",
    description: `${count > 1 ? `secret #${index + 1}` : "the secret"} ${why}`
  })

/**
 * The keys of each `Redacted` secret already imported, so that a one-shot
 * {@link verifyWebhook} given the same `Redacted` does not import them again.
 * Weak: a secret the program drops is dropped here too. Plain strings are not
 * kept.
 */
const importedKeys = new WeakMap<Redacted.Redacted<string>, SecretKeys>()

const importSecrets = (
  secrets: ReadonlyArray<WebhookSecret>
): Effect.Effect<ReadonlyArray<SecretKeys>, InvalidWebhookSignature> =>
  Effect.gen(function* () {
    if (secrets.length === 0) {
      return yield* new InvalidWebhookSignature({
        reason: "MalformedSecret",
        description: "no secret was given"
      })
    }
    const keys: Array<SecretKeys> = []
    for (let i = 0; i < secrets.length; i++) {
      const secret = secrets[i]
      const cached = Redacted.isRedacted(secret) ? importedKeys.get(secret) : undefined
      if (cached !== undefined) {
        keys.push(cached)
        continue
      }
      const text = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
      if (typeof text !== "string") {
        return yield* malformedSecret(i, secrets.length, "is not a string")
      }
      const encoded = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text
      const decoded = Base64.decode(encoded)
      if (Result.isFailure(decoded) || decoded.success.length === 0 || encoded.trim() !== encoded) {
        return yield* malformedSecret(i, secrets.length, "is not whsec_ followed by base64")
      }
      const key = (bytes: Uint8Array) => Effect.orDie(Mac.key(Mac.hmacSha256, bytes))
      const standard = yield* key(decoded.success)
      const imported = { standard, legacy: [yield* key(encoder.encode(text)), standard] }
      if (Redacted.isRedacted(secret)) importedKeys.set(secret, imported)
      keys.push(imported)
    }
    return keys
  })

/** A header's value, looked up without regard to case; repeated values joined by a space. */
const headerOf = (headers: WebhookHeaders, name: string): string | undefined => {
  let value: string | ReadonlyArray<string> | null | undefined
  if (typeof (headers as Headers).get === "function" && typeof (headers as Headers).has === "function") {
    value = (headers as Headers).get(name)
  } else {
    const record = headers as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
    value = record[name]
    if (value === undefined) {
      for (const key in record) {
        if (key.toLowerCase() === name) {
          value = record[key]
          break
        }
      }
    }
  }
  if (value === null || value === undefined) return undefined
  const text = typeof value === "string" ? value : value.join(" ")
  return text.trim() === "" ? undefined : text.trim()
}

const malformedHeader = (scheme: WebhookScheme, description: string) =>
  new InvalidWebhookSignature({ reason: "MalformedHeader", scheme, description })

const concat = (prefix: string, body: string | Uint8Array): Uint8Array => {
  if (typeof body === "string") return encoder.encode(prefix + body)
  const head = encoder.encode(prefix)
  const out = new Uint8Array(head.length + body.length)
  out.set(head, 0)
  out.set(body, head.length)
  return out
}

/** The `v1` signatures of a `webhook-signature` header, decoded; other versions are skipped. */
const standardSignatures = (header: string): ReadonlyArray<Uint8Array> | undefined => {
  const out: Array<Uint8Array> = []
  for (const raw of header.split(/\s+/)) {
    // node joins repeated headers with ", ": drop the separator's comma.
    const entry = raw.endsWith(",") ? raw.slice(0, -1) : raw
    const comma = entry.indexOf(",")
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue
    const decoded = Base64.decode(entry.slice(comma + 1))
    if (Result.isSuccess(decoded) && decoded.success.length > 0) out.push(decoded.success)
  }
  return out.length === 0 ? undefined : out
}

const LEGACY_HEX = /^(?:sha256=)?([0-9a-fA-F]{64})$/

const matchesAny = (expected: Uint8Array, signatures: ReadonlyArray<Uint8Array>): boolean => {
  let matched = false
  // Every entry is compared (no early exit), each in constant time.
  for (const signature of signatures) matched = Mac.timingSafeEqual(expected, signature) || matched
  return matched
}

/** Whether the tag of `data` under any of `keys` (from `index` on) is one of `signatures`. */
const anyMatches = (
  mac: Mac.Mac["Service"],
  keys: ReadonlyArray<Mac.Key>,
  data: Uint8Array,
  signatures: ReadonlyArray<Uint8Array>,
  index = 0
): Effect.Effect<boolean> =>
  index >= keys.length
    ? Effect.succeed(false)
    : Effect.flatMap(Effect.orDie(mac.sign(keys[index] as Mac.Key, data)), (expected) =>
        matchesAny(expected, signatures)
          ? Effect.succeed(true)
          : anyMatches(mac, keys, data, signatures, index + 1)
      )

const toSeconds = (input: Duration.Input): number => Duration.toSeconds(Duration.fromInputUnsafe(input))

const makeWith = (
  mac: Mac.Mac["Service"],
  secrets: ReadonlyArray<SecretKeys>,
  toleranceSeconds: number
): Verifier => {
  const standardKeys = secrets.map((s) => s.standard)
  const legacyKeys = secrets.flatMap((s) => s.legacy)
  const checkTime = (scheme: WebhookScheme, timestamp: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const ageSeconds = Math.round(Number(now) / 1000 - timestamp)
      return Math.abs(Number(now) / 1000 - timestamp) > toleranceSeconds
        ? Effect.fail(new StaleWebhook({ scheme, timestamp, ageSeconds, toleranceSeconds }))
        : Effect.void
    })

  const verifySignature = (
    request: WebhookRequest
  ): Effect.Effect<VerifiedDelivery, InvalidWebhookSignature | StaleWebhook> =>
    Effect.suspend(() => {
      const { body, headers } = request
      if (typeof body !== "string" && !(body instanceof Uint8Array)) {
        return Effect.die(new TypeError("verifyWebhook: body must be the raw string or Uint8Array"))
      }
      if (headers === null || typeof headers !== "object") {
        return Effect.fail(
          new InvalidWebhookSignature({ reason: "MissingHeaders", description: "no headers were given" })
        )
      }
      const id = headerOf(headers, "webhook-id")
      const timestamp = headerOf(headers, "webhook-timestamp")
      const signature = headerOf(headers, "webhook-signature")
      if (id !== undefined || timestamp !== undefined || signature !== undefined) {
        if (id === undefined || timestamp === undefined || signature === undefined) {
          const missing = [
            id === undefined ? "webhook-id" : [],
            timestamp === undefined ? "webhook-timestamp" : [],
            signature === undefined ? "webhook-signature" : []
          ].flat()
          return Effect.fail(
            new InvalidWebhookSignature({
              reason: "MissingHeaders",
              scheme: "standard",
              description: `no ${missing.join(" or ")} header`
            })
          )
        }
        if (!SECONDS.test(timestamp)) {
          return Effect.fail(malformedHeader("standard", "webhook-timestamp is not unix seconds"))
        }
        const signatures = standardSignatures(signature)
        if (signatures === undefined) {
          return Effect.fail(malformedHeader("standard", "webhook-signature has no v1,<base64> entry"))
        }
        const seconds = Number(timestamp)
        return Effect.flatMap(
          anyMatches(mac, standardKeys, concat(`${id}.${timestamp}.`, body), signatures),
          (matched): Effect.Effect<VerifiedDelivery, InvalidWebhookSignature | StaleWebhook> =>
            matched
              ? Effect.as(checkTime("standard", seconds), { scheme: "standard", id, timestamp: seconds })
              : Effect.fail(
                  new InvalidWebhookSignature({
                    reason: "NoMatchingSignature",
                    scheme: "standard",
                    description: "no v1 signature matches a secret (was the body re-serialized?)"
                  })
                )
        )
      }
      const legacyTimestamp = headerOf(headers, "x-webhook-timestamp")
      const legacySignature = headerOf(headers, "x-webhook-signature")
      if (legacyTimestamp === undefined || legacySignature === undefined) {
        return Effect.fail(
          new InvalidWebhookSignature({
            reason: "MissingHeaders",
            ...(legacyTimestamp === undefined && legacySignature === undefined
              ? {}
              : { scheme: "legacy" as const }),
            description:
              legacyTimestamp === undefined && legacySignature === undefined
                ? "neither webhook-id, webhook-timestamp and webhook-signature nor X-Webhook-Timestamp and X-Webhook-Signature"
                : `no ${legacyTimestamp === undefined ? "X-Webhook-Timestamp" : "X-Webhook-Signature"} header`
          })
        )
      }
      if (!SECONDS.test(legacyTimestamp)) {
        return Effect.fail(malformedHeader("legacy", "X-Webhook-Timestamp is not unix seconds"))
      }
      const hex = LEGACY_HEX.exec(legacySignature)?.[1]
      const decoded = hex === undefined ? undefined : Hex.decode(hex)
      if (decoded === undefined || Result.isFailure(decoded)) {
        return Effect.fail(malformedHeader("legacy", "X-Webhook-Signature is not a hex HMAC-SHA256"))
      }
      const seconds = Number(legacyTimestamp)
      return Effect.flatMap(
        anyMatches(mac, legacyKeys, concat(`${legacyTimestamp}.`, body), [decoded.success]),
        (matched): Effect.Effect<VerifiedDelivery, InvalidWebhookSignature | StaleWebhook> =>
          matched
            ? Effect.as(checkTime("legacy", seconds), { scheme: "legacy", id: undefined, timestamp: seconds })
            : Effect.fail(
                new InvalidWebhookSignature({
                  reason: "NoMatchingSignature",
                  scheme: "legacy",
                  description: "X-Webhook-Signature matches no secret (was the body re-serialized?)"
                })
              )
      )
    })

  return {
    verifySignature,
    verify: (request) => Effect.flatMap(verifySignature(request), () => decodeEvent(request.body))
  }
}

/** The member of `WebhookEvent` that decodes an `event_type`, so that a failure names that member's problem only. */
const schemaFor = (eventType: unknown): Schema.Codec<WebhookEvent, unknown> =>
  (eventType === "participant.added"
    ? ParticipantAddedFromWire
    : eventType === "participant.removed"
      ? ParticipantRemovedFromWire
      : UnknownWebhookEventFromWire) as unknown as Schema.Codec<WebhookEvent, unknown>

/**
 * Reads a verified body as a {@link WebhookEvent}.
 *
 * @since 1.0.0
 * @category decoding
 */
export const decodeEvent = (body: string | Uint8Array): Effect.Effect<WebhookEvent, MalformedWebhook> =>
  Effect.suspend(() => {
    let text: string
    try {
      text = typeof body === "string" ? body : decoder.decode(body)
    } catch {
      return Effect.fail(new MalformedWebhook({ description: "the body is not UTF-8" }))
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return Effect.fail(new MalformedWebhook({ description: "the body is not JSON" }))
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return Effect.fail(new MalformedWebhook({ description: "the body is not a JSON object" }))
    }
    const envelope = json as { readonly event_type?: unknown; readonly event_id?: unknown }
    const known = {
      ...(typeof envelope.event_type === "string" ? { eventType: envelope.event_type } : {}),
      ...(typeof envelope.event_id === "string" ? { eventId: envelope.event_id } : {})
    }
    const decoded = Schema.decodeUnknownResult(schemaFor(envelope.event_type))(json)
    if (Result.isSuccess(decoded)) return Effect.succeed(decoded.success)
    return Effect.fail(new MalformedWebhook({ ...known, description: oneLine(decoded.failure.message) }))
  })

/** A Schema failure on one line: its messages and paths (never the values). */
const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, " ")

const asList = (secret: VerifyOptions["secret"]): ReadonlyArray<WebhookSecret> =>
  typeof secret === "string" || Redacted.isRedacted(secret)
    ? [secret]
    : (secret as ReadonlyArray<WebhookSecret>)

/**
 * Builds a {@link Verifier}: decodes the secrets and imports their keys once,
 * on the `Mac` in context (else node:crypto's where the runtime has it, else
 * WebCrypto's).
 *
 * **When to use**
 *
 * In a server, to verify many deliveries with the same secrets;
 * {@link verifyWebhook} does this work on every call. `LinqWebhooks` uses it.
 *
 * **Details**
 *
 * Fails with `InvalidWebhookSignature` (`MalformedSecret`) when a secret is
 * not `whsec_` then base64, or none is given. A bad `tolerance` is a defect.
 *
 * **Example** (One verifier for a server's life)
 *
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { makeVerifier } from "@linq-effect/webhooks"
 *
 * const verifier = Effect.runSync(
 *   makeVerifier({ secret: [Redacted.make("whsec_new…"), Redacted.make("whsec_old…")], tolerance: "2 minutes" })
 * )
 * // per request: verifier.verify({ body, headers })
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const makeVerifier = (options: VerifyOptions): Effect.Effect<Verifier, InvalidWebhookSignature> =>
  Effect.gen(function* () {
    const toleranceSeconds = toSeconds(options.tolerance ?? defaultTolerance)
    if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
      return yield* Effect.die(new RangeError("verifyWebhook: tolerance must be a finite duration >= 0"))
    }
    const keys = yield* importSecrets(asList(options.secret))
    const mac = yield* currentMac
    return makeWith(mac, keys, toleranceSeconds)
  })

/**
 * Verifies one delivery and decodes its event.
 *
 * **Details**
 *
 * - With any of `webhook-id`, `webhook-timestamp`, `webhook-signature`
 *   present, the delivery is checked as Standard Webhooks: every `v1,<base64>`
 *   entry of `webhook-signature` against the HMAC-SHA256 of
 *   `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed by each secret's
 *   base64-decoded bytes.
 * - With none of them, the legacy pair: `X-Webhook-Signature` (hex) against
 *   the HMAC-SHA256 of `"{X-Webhook-Timestamp}.{body}"`, keyed by each
 *   secret's text, then by its decoded bytes (Linq's documents do not settle
 *   which one it uses).
 * - Then the timestamp: more than `tolerance` (default 5 minutes) from
 *   `Clock`'s now, either way, is a {@link StaleWebhook}. Then the body,
 *   which must be a {@link WebhookEvent} ({@link MalformedWebhook}).
 *
 * **Gotchas**
 *
 * Pass the body exactly as received: a body parsed and re-serialized (by a
 * JSON body parser, say) does not verify. Verification does not deduplicate:
 * Linq delivers at least once (see `LinqWebhooks`).
 *
 * **Example** (Verifying a delivery)
 *
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { verifyWebhook } from "@linq-effect/webhooks"
 *
 * declare const body: string
 * declare const headers: Record<string, string>
 *
 * const program = verifyWebhook(
 *   { body, headers },
 *   { secret: Redacted.make("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }
 * ).pipe(
 *   Effect.catchTag("InvalidWebhookSignature", (e) => Effect.logWarning(e.reason))
 * )
 * ```
 *
 * @since 1.0.0
 * @category verifying
 */
export const verifyWebhook = (
  request: WebhookRequest,
  options: VerifyOptions
): Effect.Effect<WebhookEvent, WebhookError> =>
  Effect.flatMap(makeVerifier(options), (verifier) => verifier.verify(request))

// ---------------------------------------------------------------------------
// Signing (the sender's side)
// ---------------------------------------------------------------------------

/**
 * The options of {@link signWebhook}.
 *
 * @since 1.0.0
 * @category options
 */
export interface SignOptions {
  /** The signing secret, or several (one `v1` entry each, as during a rotation). */
  readonly secret: WebhookSecret | ReadonlyArray<WebhookSecret>
  /** `webhook-id`. Defaults to a random id (`msg_` then hex). */
  readonly id?: string | undefined
  /** Unix seconds. Defaults to `Clock`'s now. */
  readonly timestamp?: number | undefined
  /**
   * Which header sets to write: `"both"` (as Linq does; the default),
   * `"standard"` or `"legacy"`.
   */
  readonly scheme?: "both" | WebhookScheme | undefined
  /** The legacy key: the secret's text (`"text"`, the default) or its decoded bytes (`"bytes"`). */
  readonly legacyKey?: "text" | "bytes" | undefined
  /** `X-Webhook-Event`, for the legacy set. */
  readonly eventType?: string | undefined
}

/**
 * Signs a body as Linq does, returning the headers to send with it: the
 * Standard Webhooks set and the legacy `X-Webhook-*` set.
 *
 * **When to use**
 *
 * In tests and fakes that send webhooks (FakeLinq), and to check a receiver.
 *
 * @since 1.0.0
 * @category signing
 */
export const signWebhook = (
  body: string | Uint8Array,
  options: SignOptions
): Effect.Effect<Record<string, string>, InvalidWebhookSignature> =>
  Effect.gen(function* () {
    const keys = yield* importSecrets(asList(options.secret))
    const mac = yield* currentMac
    const timestamp = options.timestamp ?? Math.floor(Number(yield* Clock.currentTimeMillis) / 1000)
    const id = options.id ?? `msg_${Hex.encode(crypto.getRandomValues(new Uint8Array(12)))}`
    const scheme = options.scheme ?? "both"
    const headers: Record<string, string> = {}
    if (scheme !== "legacy") {
      const data = concat(`${id}.${timestamp}.`, body)
      const entries: Array<string> = []
      for (const key of keys)
        entries.push(`v1,${Base64.encode(yield* Effect.orDie(mac.sign(key.standard, data)))}`)
      headers["webhook-id"] = id
      headers["webhook-timestamp"] = String(timestamp)
      headers["webhook-signature"] = entries.join(" ")
    }
    if (scheme !== "standard") {
      const first = keys[0] as SecretKeys
      const key = options.legacyKey === "bytes" ? first.standard : (first.legacy[0] as Mac.Key)
      const tag = yield* Effect.orDie(mac.sign(key, concat(`${timestamp}.`, body)))
      headers["x-webhook-timestamp"] = String(timestamp)
      headers["x-webhook-signature"] = Hex.encode(tag)
      if (options.eventType !== undefined) headers["x-webhook-event"] = options.eventType
    }
    return headers
  })
