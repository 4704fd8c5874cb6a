/**
 * The plain data FakeLinq starts from, and the default seed with named ids
 * and handles to write tests against.
 *
 * @since 0.1.0
 */
import type { Chat, ChatHandle, ServiceType } from "@linq-effect/core"
import { DateTime } from "effect"

/**
 * One handle of a seeded chat, with the wire names of `ChatHandle`. Only
 * `handle` is required: `service` defaults to the chat's (SMS if none),
 * `status` to `"active"`, `joined_at` to the chat's `created_at`, `left_at`
 * to `null` (to `created_at` for a handle that left or was removed).
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedHandle {
  readonly handle: string
  readonly service?: ServiceType | undefined
  readonly status?: "active" | "left" | "removed" | null | undefined
  readonly id?: string | undefined
  readonly is_me?: boolean | null | undefined
  readonly joined_at?: string | undefined
  readonly left_at?: string | null | undefined
}

/**
 * One seeded chat, with the wire names of `Chat`. A plain string handle is an
 * active participant; `is_group` defaults to `true` with 3 or more handles,
 * `display_name` to `null`, `is_archived` to `false`, dates (ISO strings) to
 * 2025-01-15.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedChat {
  readonly id: string
  readonly service?: ServiceType | null | undefined
  readonly handles: ReadonlyArray<string | SeedHandle>
  readonly is_group?: boolean | undefined
  readonly display_name?: string | null | undefined
  readonly is_archived?: boolean | undefined
  readonly created_at?: string | undefined
  readonly updated_at?: string | undefined
}

/**
 * What FakeLinq holds at start: chats, and the services each handle can use
 * (`capabilities`; a handle not listed supports iMessage, SMS and RCS).
 *
 * @example
 * ```ts
 * import { FakeLinq, type FakeSeed } from "@linq-effect/testing"
 *
 * const seed: FakeSeed = {
 *   chats: [{ id: "chat-1", service: "iMessage", handles: ["+12025550101", "+12025550102", "+12025550103"] }],
 *   capabilities: { "+12025550199": ["RCS"] }
 * }
 * const layer = FakeLinq.layer(seed)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeSeed {
  readonly chats: ReadonlyArray<SeedChat>
  readonly capabilities?: Readonly<Record<string, ReadonlyArray<ServiceType>>> | undefined
}

const date = (iso: string | undefined, otherwise: DateTime.Utc): DateTime.Utc =>
  iso === undefined ? otherwise : DateTime.makeUnsafe(iso)

/**
 * Turns a seeded chat into the `Chat` the fake holds. Throws on a date that is
 * not an ISO date-time (a bug in the seed).
 *
 * @since 0.1.0
 * @category constructors
 */
export const chatFromSeed = (seed: SeedChat): Chat => {
  const createdAt = DateTime.makeUnsafe(seed.created_at ?? "2025-01-15T09:00:00.000Z")
  const service = seed.service ?? null
  const handles = seed.handles.map((entry, index): ChatHandle => {
    const h: SeedHandle = typeof entry === "string" ? { handle: entry } : entry
    const status = h.status === undefined ? "active" : h.status
    const gone = status === "left" || status === "removed"
    return {
      id: h.id ?? `${seed.id}/handle-${index + 1}`,
      handle: h.handle,
      service: h.service ?? service ?? "SMS",
      joined_at: date(h.joined_at, createdAt),
      ...(h.is_me === undefined ? {} : { is_me: h.is_me }),
      left_at: h.left_at != null ? DateTime.makeUnsafe(h.left_at) : gone ? createdAt : null,
      status
    }
  })
  return {
    id: seed.id,
    display_name: seed.display_name ?? null,
    service,
    handles,
    is_group: seed.is_group ?? seed.handles.length >= 3,
    is_archived: seed.is_archived ?? false,
    created_at: createdAt,
    updated_at: date(seed.updated_at, createdAt)
  }
}

/**
 * The ids of the default seed's chats. alice is the chat's own number
 * (`is_me: true`, as Linq marks the partner's own handle) in every chat she
 * is in, and counts as a member there; the RCS and SMS groups have no handle
 * marked as ours (`is_me` absent, as in an answer that leaves it out).
 *
 * - `iMessageGroup`: iMessage group, 4 active members (alice, ours; bob,
 *   carol, dave) and erin, removed earlier.
 * - `rcsGroup`: RCS group, 4 active members (frank, grace, heidi, ivan).
 * - `smallGroup`: iMessage group with exactly 3 members (alice, ours; bob,
 *   erin): any removal is refused (`TooFewParticipants`).
 * - `smsGroup`: SMS group, 3 members (grace, heidi, judy).
 * - `directMessage`: a DM (not a group) between alice (ours) and bob, on iMessage.
 * - `missing`: an id no chat has (answers 404).
 *
 * @since 0.1.0
 * @category default seed
 */
export const DefaultChats = {
  iMessageGroup: "550e8400-e29b-41d4-a716-446655440000",
  rcsGroup: "6ba7b810-9dad-41d1-80b4-00c04fd430c8",
  smallGroup: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  smsGroup: "9b2f3c1a-5d4e-4f60-8a7b-1c2d3e4f5a6b",
  directMessage: "f47ac10b-58cc-4372-a567-0e02b2c3d479",
  missing: "00000000-0000-4000-8000-000000000000"
} as const

/**
 * The handles of the default seed (fictional numbers; erin is an email
 * handle; alice is the chats' own number, `is_me`). Their chats are listed in
 * {@link DefaultChats}; three are in none:
 * `rcsOnly` supports RCS only (adding it to an iMessage group is a
 * cross-service addition), `iMessageCapable` iMessage and SMS, and `newcomer`,
 * not listed in the capabilities, every service.
 *
 * @since 0.1.0
 * @category default seed
 */
export const DefaultHandles = {
  alice: "+12025550101",
  bob: "+12025550102",
  carol: "+12025550103",
  dave: "+12025550104",
  erin: "erin@example.com",
  frank: "+12025550106",
  grace: "+12025550107",
  heidi: "+12025550108",
  ivan: "+12025550109",
  judy: "+12025550110",
  rcsOnly: "+12025550198",
  iMessageCapable: "+12025550199",
  newcomer: "+442071234567"
} as const

const [C, H] = [DefaultChats, DefaultHandles]
const erinRemoved: SeedHandle = { handle: H.erin, status: "removed", left_at: "2025-01-16T12:00:00.000Z" }
/** alice is the chat's own number (`is_me: true`) in every chat she is in. */
const aliceMe: SeedHandle = { handle: H.alice, is_me: true }

/**
 * The seed `FakeLinq.layer()` and `FakeLinq.serve()` start from when given
 * none: see {@link DefaultChats} and {@link DefaultHandles}.
 *
 * @since 0.1.0
 * @category default seed
 */
export const defaultSeed: FakeSeed = {
  chats: [
    {
      id: C.iMessageGroup,
      display_name: "Launch team",
      service: "iMessage",
      handles: [aliceMe, H.bob, H.carol, H.dave, erinRemoved]
    },
    {
      id: C.rcsGroup,
      display_name: "Field crew",
      service: "RCS",
      handles: [H.frank, H.grace, H.heidi, H.ivan]
    },
    { id: C.smallGroup, display_name: "Three of us", service: "iMessage", handles: [aliceMe, H.bob, H.erin] },
    { id: C.smsGroup, service: "SMS", handles: [H.grace, H.heidi, H.judy] },
    { id: C.directMessage, service: "iMessage", is_group: false, handles: [aliceMe, H.bob] }
  ],
  capabilities: { [H.rcsOnly]: ["RCS"], [H.iMessageCapable]: ["iMessage", "SMS"] }
}
