/**
 * Test helpers: deliveries signed with node:crypto (an oracle independent of
 * the code under test), and sample events in Linq's wire shape.
 */
import { createHmac } from "node:crypto"
import { Effect } from "effect"
import { TestClock } from "effect/testing"

/** The Standard Webhooks specification's example secret. */
export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
export const OTHER_SECRET = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkhIQ=="
/** 2026-02-03T10:00:00Z, in unix seconds. */
export const NOW_SECONDS = 1_770_112_800

/** Runs `self` with the TestClock at {@link NOW_SECONDS}, the time the sample deliveries are signed at. */
export const atNow = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.andThen(TestClock.setTime(NOW_SECONDS * 1000), self)
export const CHAT = "550e8400-e29b-41d4-a716-446655440000"
export const HANDLE = "+12223334444"

const keyBytes = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ""), "base64")

/** The Standard Webhooks header set, one `v1` entry per secret. */
export const standardHeaders = (
  body: string | Uint8Array,
  options: {
    readonly secrets?: ReadonlyArray<string>
    readonly id?: string
    readonly timestamp?: number
  } = {}
): Record<string, string> => {
  const id = options.id ?? "msg_2mQbVbI2kmGZ1wHcsH6qV3z8Zt1"
  const timestamp = String(options.timestamp ?? NOW_SECONDS)
  const signatures = (options.secrets ?? [SECRET]).map(
    (secret) =>
      `v1,${createHmac("sha256", keyBytes(secret))
        .update(`${id}.${timestamp}.`)
        .update(body)
        .digest("base64")}`
  )
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signatures.join(" ") }
}

/** The legacy header set: hex over "{timestamp}.{body}", keyed by the secret's text (or its decoded bytes). */
export const legacyHeaders = (
  body: string | Uint8Array,
  options: { readonly secret?: string; readonly timestamp?: number; readonly key?: "text" | "bytes" } = {}
): Record<string, string> => {
  const secret = options.secret ?? SECRET
  const timestamp = String(options.timestamp ?? NOW_SECONDS)
  const key = options.key === "bytes" ? keyBytes(secret) : Buffer.from(secret, "utf8")
  return {
    "X-Webhook-Timestamp": timestamp,
    "X-Webhook-Signature": createHmac("sha256", key).update(`${timestamp}.`).update(body).digest("hex"),
    "X-Webhook-Event": "participant.added",
    "X-Webhook-Subscription-ID": "sub_1"
  }
}

/** Both header sets, as Linq sends them. */
export const bothHeaders = (
  body: string,
  options: { readonly id?: string; readonly timestamp?: number } = {}
) => ({
  ...standardHeaders(body, options),
  ...legacyHeaders(body, options.timestamp === undefined ? {} : { timestamp: options.timestamp })
})

export const participantEvent = (
  overrides: { readonly type?: string; readonly id?: string; readonly data?: unknown } = {}
): Record<string, unknown> => ({
  api_version: "v3",
  webhook_version: "2026-02-03",
  event_type: overrides.type ?? "participant.added",
  event_id: overrides.id ?? "0b8f7a4e-5d1c-4f0e-9a3b-2c6d8e1f4a70",
  created_at: "2026-02-03T10:00:00Z",
  trace_id: "trace-abc",
  partner_id: "partner-1",
  data: overrides.data ?? {
    handle: HANDLE,
    chat_id: CHAT,
    added_at: "2026-02-03T09:59:58Z",
    participant: {
      id: "h-1",
      handle: HANDLE,
      service: "iMessage",
      joined_at: "2026-02-03T09:59:58Z",
      status: "active",
      left_at: null,
      is_me: false
    }
  }
})

/** Pretty-printed on purpose: what Linq sends is not what `JSON.stringify(JSON.parse(body))` gives. */
export const body = (event: Record<string, unknown> = participantEvent()) => JSON.stringify(event, null, 2)
