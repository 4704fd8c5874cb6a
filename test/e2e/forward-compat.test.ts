/**
 * Issue 13, defect #10, end to end: Linq adds fields and values to its Chat.
 * A getChat answer without the deprecated `is_archived`, with new fields
 * (`health_status`, `group_chat_icon`, ...), a `service` this SDK does not
 * know ("WhatsApp") or a handle `status` it does not know ("invited") is
 * decoded, with the unknown values kept visible as unknown; and the
 * operations that read the chat (preflight, diagnose, sync) work on it, with
 * the documented decisions: a handle of unknown status is not an active
 * member, and a chat of unknown service skips the cross-service check (no
 * capability is read for it; the server still checks).
 *
 * The fake answers getChat with a body of the test's own (`Fault.body`);
 * the participant routes answer from the fake's state, seeded to match.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { addParticipant, getChat, removeParticipant, syncParticipants } from "@linq-effect/client"
import { GroupChatRules, isKnownChatHandleStatus, isKnownService } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, type FakeLinqOptions, type FakeSeed, Fault } from "@linq-effect/testing"
import { Effect, Layer } from "effect"
import { start, transports } from "./harness.js"

const H = FakeLinq.handles
const CHAT = "0b8f5e2c-3d4a-4e5f-9a6b-7c8d9e0f1a2b"

interface WireHandle {
  readonly handle: string
  readonly status?: unknown
  readonly service?: unknown
  readonly is_me?: boolean
  readonly extra?: Record<string, unknown>
}

/** A Chat body as a newer Linq might send it: `is_archived` only when given, `service` only when given. */
const chatBody = (options: {
  readonly service?: unknown
  readonly handles: ReadonlyArray<WireHandle>
  readonly isArchived?: boolean | null | undefined
  readonly extra?: Record<string, unknown> | undefined
}): string =>
  JSON.stringify({
    id: CHAT,
    display_name: "Forward",
    ...(options.service === undefined ? {} : { service: options.service }),
    handles: options.handles.map((h, i) => ({
      id: `h-${i + 1}`,
      handle: h.handle,
      service: h.service ?? "iMessage",
      joined_at: "2026-08-01T10:00:00.000Z",
      ...(h.is_me === undefined ? {} : { is_me: h.is_me }),
      left_at: h.status === "left" ? "2026-08-02T10:00:00.000Z" : null,
      ...(h.status === undefined ? {} : { status: h.status }),
      ...h.extra
    })),
    is_group: true,
    ...(options.isArchived === undefined ? {} : { is_archived: options.isArchived }),
    created_at: "2026-08-01T10:00:00.000Z",
    updated_at: "2026-08-03T10:00:00.000Z",
    ...options.extra
  })

/** New fields Linq may send, in several shapes. */
const newFields: ReadonlyArray<Record<string, unknown>> = [
  { health_status: "healthy", group_chat_icon: "https://cdn.linqapp.com/icons/forward.png" },
  {
    health_status: { status: "degraded", reason: "carrier_delay", checked_at: "2026-08-03T09:00:00Z" },
    group_chat_icon: null
  },
  {
    health_status: null,
    group_chat_icon: { url: "https://cdn.linqapp.com/i/1.jpg", width: 256, height: 256 },
    phone_number: "+12025550100",
    labels: ["beta", 42]
  }
]

/** The fake's own state of the chat: 3 active members, no service (so the server checks no service). */
const seedOf = (handles: ReadonlyArray<string>, service: "iMessage" | null = null): FakeSeed => ({
  chats: [{ id: CHAT, service, handles }],
  capabilities: FakeLinq.defaultSeed.capabilities
})

/** The SDK over an in-process FakeLinq that applies changes at once. */
const inProcess = (seed: FakeSeed, options: FakeLinqOptions = {}) =>
  LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(
    Layer.provideMerge(FakeLinq.layer(seed, { queueDelay: 0, ...options }))
  )

/** Every getChat is answered with `body`. */
const answerGetChat = (body: string) =>
  Effect.flatMap(FakeLinq, (fake) =>
    fake.inject(Fault.body(200, body, { contentType: "application/json" }), {
      route: "getChat",
      times: "always"
    })
  )

const routes = Effect.map(
  Effect.flatMap(FakeLinq, (fake) => fake.journal),
  (entries) => entries.map((e) => e.route)
)

const changesSent = Effect.map(
  Effect.flatMap(FakeLinq, (fake) => fake.journal),
  (entries) => entries.filter((e) => e.route === "add" || e.route === "remove").map((e) => [e.route, e.json])
)

/** Bodies with something this SDK does not know, each a different mix. */
const unknownBodies = [
  {
    name: "service WhatsApp, a handle invited, no is_archived",
    service: "WhatsApp",
    unknownStatus: "invited",
    isArchived: undefined,
    extra: newFields[0]
  },
  {
    name: "service Telegram, a handle pending, is_archived true",
    service: "Telegram",
    unknownStatus: "pending",
    isArchived: true,
    extra: newFields[1]
  },
  {
    name: "service imessage_business, a handle suspended, no is_archived, more new fields",
    service: "imessage_business",
    unknownStatus: "suspended",
    isArchived: undefined,
    extra: newFields[2]
  },
  {
    name: "service WhatsApp, a handle invited, is_archived null",
    service: "WhatsApp",
    unknownStatus: "invited",
    isArchived: null,
    extra: newFields[1]
  }
] as const

describe("getChat on a chat with new fields and values", () => {
  for (const b of unknownBodies) {
    it.effect(`${b.name}: decoded, unknown values kept and marked unknown`, () =>
      Effect.gen(function* () {
        yield* answerGetChat(
          chatBody({
            service: b.service,
            isArchived: b.isArchived,
            extra: b.extra,
            handles: [
              { handle: H.alice, is_me: true, status: "active" },
              { handle: H.bob, status: "active", extra: { display_name: "Bob", avatar_url: null } },
              { handle: H.carol, service: b.service },
              { handle: H.dave, status: b.unknownStatus },
              { handle: H.erin, status: "left" }
            ]
          })
        )
        const chat = yield* getChat(CHAT)
        expect(chat.service).toBe(b.service)
        expect(chat.service != null && isKnownService(chat.service)).toBe(false)
        expect(chat.is_archived).toBe(b.isArchived)
        expect(Object.keys(chat)).not.toContain("health_status")
        expect(chat.handles.map((h) => [h.handle, h.status ?? null, h.service])).toEqual([
          [H.alice, "active", "iMessage"],
          [H.bob, "active", "iMessage"],
          [H.carol, null, b.service],
          [H.dave, b.unknownStatus, "iMessage"],
          [H.erin, "left", "iMessage"]
        ])
        const dave = chat.handles[3]
        expect(dave?.status != null && isKnownChatHandleStatus(dave.status)).toBe(false)
        // an unknown status is not an active member
        expect(GroupChatRules.activeParticipants(chat).map((h) => h.handle)).toEqual([
          H.alice,
          H.bob,
          H.carol
        ])
        expect(yield* routes).toEqual(["getChat"])
      }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol]))))
    )
  }

  it.effect("a known chat without is_archived, and one with no service at all", () =>
    Effect.gen(function* () {
      const handles = [{ handle: H.alice }, { handle: H.bob }, { handle: H.carol }]
      yield* answerGetChat(chatBody({ service: "iMessage", handles, extra: newFields[0] }))
      const known = yield* getChat(CHAT)
      expect([known.service, known.is_archived, known.handles.length]).toEqual(["iMessage", undefined, 3])
      const fake = yield* FakeLinq
      yield* fake.clearFaults
      yield* answerGetChat(chatBody({ handles, extra: newFields[2] }))
      const none = yield* getChat(CHAT)
      expect([none.service, none.is_archived]).toEqual([undefined, undefined])
      expect(GroupChatRules.activeParticipants(none)).toHaveLength(3)
    }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol]))))
  )
})

for (const transport of transports) {
  layer(transport.layer, { excludeTestServices: true })(`getChat over ${transport.name}`, (it) => {
    it.effect("a WhatsApp chat with an invited handle and no is_archived, over real HTTP", () =>
      Effect.gen(function* () {
        const { fake, sdk } = yield* start({
          seed: seedOf([H.alice, H.bob, H.carol]),
          fake: { queueDelay: 0 }
        })
        const body = chatBody({
          service: "WhatsApp",
          extra: newFields[1],
          handles: [{ handle: H.alice }, { handle: H.bob }, { handle: H.carol, status: "invited" }]
        })
        yield* fake.inject(Fault.body(200, body, { contentType: "application/json" }), { route: "getChat" })
        const chat = yield* sdk(getChat(CHAT))
        expect([chat.service, chat.is_archived]).toEqual(["WhatsApp", undefined])
        expect(chat.handles.map((h) => h.status ?? null)).toEqual([null, null, "invited"])
        expect(GroupChatRules.activeParticipants(chat)).toHaveLength(2)
      })
    )
  })
}

describe("preflight on such a chat", () => {
  for (const b of unknownBodies) {
    for (const handle of [H.rcsOnly, H.iMessageCapable, H.newcomer]) {
      it.effect(
        `add ${handle} to a ${b.service} group: no cross-service check, no capability read, sent`,
        () =>
          Effect.gen(function* () {
            yield* answerGetChat(
              chatBody({
                service: b.service,
                isArchived: b.isArchived,
                extra: b.extra,
                handles: [{ handle: H.alice, is_me: true }, { handle: H.bob }, { handle: H.carol }]
              })
            )
            const added = yield* addParticipant(CHAT, { handle }, { rules: "preflight" })
            expect(added.status).toBe("accepted")
            expect(yield* routes).toEqual(["getChat", "add"])
            const fake = yield* FakeLinq
            expect(yield* fake.participants(CHAT)).toContain(handle)
          }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol]))))
      )
    }

    it.effect(
      `removals from ${b.unknownStatus}-padded group of 3 active (${b.service}): refused, nothing sent`,
      () =>
        Effect.gen(function* () {
          yield* answerGetChat(
            chatBody({
              service: b.service,
              isArchived: b.isArchived,
              extra: b.extra,
              handles: [
                { handle: H.alice, is_me: true },
                { handle: H.bob },
                { handle: H.carol },
                { handle: H.dave, status: b.unknownStatus }
              ]
            })
          )
          // four handles listed, but only three are active members: removing one would leave two
          const tooFew = yield* Effect.flip(
            removeParticipant(CHAT, { handle: H.bob }, { rules: "preflight" })
          )
          expect(tooFew).toMatchObject({ _tag: "TooFewParticipants", chatId: CHAT, handle: H.bob })
          // the handle of unknown status is not a member to remove
          const notIn = yield* Effect.flip(
            removeParticipant(CHAT, { handle: H.dave }, { rules: "preflight" })
          )
          expect(notIn).toMatchObject({ _tag: "ParticipantNotInChat", chatId: CHAT, handle: H.dave })
          expect(yield* routes).toEqual(["getChat", "getChat"])
          expect(yield* changesSent).toEqual([])
        }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol, H.dave]))))
    )
  }

  it.effect(
    "a known service is still checked: an RCS-only handle into an iMessage group without is_archived",
    () =>
      Effect.gen(function* () {
        yield* answerGetChat(
          chatBody({
            service: "iMessage",
            extra: newFields[2],
            handles: [
              { handle: H.alice },
              { handle: H.bob },
              { handle: H.carol, status: "invited" },
              { handle: H.dave }
            ]
          })
        )
        const refused = yield* Effect.flip(
          addParticipant(CHAT, { handle: H.rcsOnly }, { rules: "preflight" })
        )
        expect(refused).toMatchObject({ _tag: "CrossServiceAddition", chatService: "iMessage" })
        expect(yield* routes).toEqual(["getChat", "checkImessage"])
        expect(yield* changesSent).toEqual([])
      }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.dave], "iMessage"))))
  )
})

describe("diagnose on such a chat, after a refusal that says nothing", () => {
  const vague = (message: string): FakeLinqOptions => ({
    violations: {
      TooFewParticipants: { status: 400, code: undefined, message },
      CrossServiceAddition: { status: 400, code: undefined, message }
    }
  })

  for (const [b, message] of [
    [unknownBodies[0], "Bad request"],
    [unknownBodies[1], "Invalid parameter"],
    [unknownBodies[2], "Not permitted for this conversation"]
  ] as const) {
    it.effect(
      `a removal worded ${JSON.stringify(message)}: TooFewParticipants, read from a ${b.service} chat`,
      () =>
        Effect.gen(function* () {
          yield* answerGetChat(
            chatBody({
              service: b.service,
              isArchived: b.isArchived,
              extra: b.extra,
              handles: [
                { handle: H.alice, is_me: true },
                { handle: H.bob },
                { handle: H.carol },
                { handle: H.dave, status: b.unknownStatus }
              ]
            })
          )
          const error = yield* Effect.flip(
            removeParticipant(CHAT, { handle: H.carol }, { rules: "diagnose" })
          )
          expect(error).toMatchObject({
            _tag: "TooFewParticipants",
            chatId: CHAT,
            handle: H.carol,
            status: 400
          })
          expect(yield* routes).toEqual(["remove", "getChat"])
        }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol]), vague(message))))
    )

    it.effect(
      `a cross-service add worded ${JSON.stringify(message)}, the chat read as ${b.service}: no guess`,
      () =>
        Effect.gen(function* () {
          yield* answerGetChat(
            chatBody({
              service: b.service,
              isArchived: b.isArchived,
              extra: b.extra,
              handles: [
                { handle: H.alice, is_me: true },
                { handle: H.bob },
                { handle: H.carol },
                { handle: H.dave }
              ]
            })
          )
          // the server (an iMessage group in the fake's state) refuses the RCS-only handle; the chat read says
          // "unknown service", so the SDK cannot tell the rule: the status's own error, no capability read
          const error = yield* Effect.flip(addParticipant(CHAT, { handle: H.rcsOnly }, { rules: "diagnose" }))
          expect(error).toMatchObject({ _tag: "InvalidRequest", status: 400, message })
          expect(yield* routes).toEqual(["add", "getChat"])
        }).pipe(
          Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol, H.dave], "iMessage"), vague(message)))
        )
    )
  }
})

describe("sync on such a chat", () => {
  for (const b of unknownBodies) {
    it.effect(`${b.name}: the ${b.unknownStatus} handle is planned as a newcomer, no capability read`, () =>
      Effect.gen(function* () {
        yield* answerGetChat(
          chatBody({
            service: b.service,
            isArchived: b.isArchived,
            extra: b.extra,
            handles: [
              { handle: H.alice, is_me: true },
              { handle: H.bob },
              { handle: H.carol },
              { handle: H.dave, status: b.unknownStatus },
              { handle: H.erin, status: "left" }
            ]
          })
        )
        const desired = [H.bob, H.dave, H.newcomer]
        const preview = yield* syncParticipants(CHAT, desired, { dryRun: true })
        expect(preview.plan).toEqual({ add: [H.dave, H.newcomer], remove: [H.carol], keep: [H.alice, H.bob] })
        expect(yield* routes).toEqual(["getChat"])

        const fake = yield* FakeLinq
        yield* fake.clearJournal
        const applied = yield* syncParticipants(CHAT, desired)
        expect(applied.complete).toBe(true)
        expect(yield* changesSent).toEqual([
          ["add", { handle: H.dave }],
          ["add", { handle: H.newcomer }],
          ["remove", { handle: H.carol }]
        ])
        expect((yield* routes).filter((r) => r === "checkImessage" || r === "checkRcs")).toEqual([])
        expect([...(yield* fake.participants(CHAT))].sort()).toEqual(
          [H.alice, H.bob, H.dave, H.newcomer].sort()
        )
      }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol]))))
    )
  }

  for (const [desired, status, left] of [
    [[H.bob], "invited", [H.alice, H.bob]],
    [[H.alice, H.carol], "pending", [H.alice, H.carol]],
    [[H.bob, H.carol, H.erin], "suspended", [H.alice, H.bob, H.carol, H.erin]]
  ] as const) {
    it.effect(
      `to ${desired.join(", ")} with dave ${status}: ${left.length < 3 ? "refused before sending" : "planned"}`,
      () =>
        Effect.gen(function* () {
          yield* answerGetChat(
            chatBody({
              service: "WhatsApp",
              extra: newFields[left.length % newFields.length],
              handles: [
                { handle: H.alice, is_me: true },
                { handle: H.bob },
                { handle: H.carol },
                { handle: H.dave, status }
              ]
            })
          )
          // dave's unknown status does not count: the end state has only the wanted members and alice (ours)
          const result = yield* Effect.result(syncParticipants(CHAT, desired, { dryRun: true }))
          if (left.length < 3) {
            expect(result._tag === "Failure" && result.failure._tag).toBe("TooFewParticipants")
          } else {
            expect(
              result._tag === "Success" && [...result.success.plan.keep, ...result.success.plan.add].sort()
            ).toEqual([...left].sort())
            expect(result._tag === "Success" && result.success.plan.remove).toEqual([])
          }
          expect(yield* changesSent).toEqual([])
        }).pipe(Effect.provide(inProcess(seedOf([H.alice, H.bob, H.carol]))))
    )
  }
})
