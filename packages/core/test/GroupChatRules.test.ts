import { describe, expect, it } from "@effect/vitest"
import { DateTime, Option } from "effect"
import * as fc from "fast-check"
import {
  type Chat,
  type ChatHandle,
  CrossServiceAddition,
  GroupChatRules,
  isKnownService,
  NotAGroupChat,
  ParticipantAlreadyInChat,
  ParticipantNotInChat,
  type ServiceType,
  TooFewParticipants
} from "../src/index.js"
import { fcProp } from "./arbitraries.js"

const {
  activeParticipants,
  checkAdd,
  checkRemove,
  isActive,
  isParticipant,
  MIN_GROUP_PARTICIPANTS,
  sameHandle
} = GroupChatRules

const T0 = DateTime.makeUnsafe("2024-01-15T10:30:00Z")
const T1 = DateTime.makeUnsafe("2024-02-01T09:00:00Z")

let nextId = 0
const member = (handle: string, fields: Partial<ChatHandle> = {}): ChatHandle => ({
  id: `h${++nextId}`,
  handle,
  service: "iMessage",
  joined_at: T0,
  status: "active",
  ...fields
})
const left = (handle: string): ChatHandle => member(handle, { status: "left", left_at: T1 })
const removed = (handle: string): ChatHandle => member(handle, { status: "removed" })

const makeChat = (handles: ReadonlyArray<ChatHandle>, fields: Partial<Chat> = {}): Chat => ({
  id: "550e8400-e29b-41d4-a716-446655440000",
  display_name: "Team",
  service: "iMessage",
  handles,
  is_group: true,
  is_archived: false,
  created_at: T0,
  updated_at: T1,
  ...fields
})

const ANN = "+12223334444"
const BOB = "+442071234567"
const CY = "cy@example.com"
const DEE = "+15550001111"
const NEW = "+15550009999"

const three = () => makeChat([member(ANN), member(BOB), member(CY)])
const four = () => makeChat([member(ANN), member(BOB), member(CY), member(DEE)])

/** The violation, expected to be present. */
const violation = <A>(o: Option.Option<A>): A => {
  expect(Option.isSome(o)).toBe(true)
  return Option.getOrThrow(o)
}

describe("GroupChatRules helpers", () => {
  it("MIN_GROUP_PARTICIPANTS is 3", () => {
    expect(MIN_GROUP_PARTICIPANTS).toBe(3)
  })

  it("isActive: active or no status, and not left", () => {
    expect(isActive(member(ANN))).toBe(true)
    expect(isActive(member(ANN, { status: null }))).toBe(true)
    const { status: _, ...withoutStatus } = member(ANN)
    expect(isActive(withoutStatus)).toBe(true)
    expect(isActive(member(ANN, { status: "left" }))).toBe(false)
    expect(isActive(member(ANN, { status: "removed" }))).toBe(false)
    expect(isActive(member(ANN, { status: null, left_at: T1 }))).toBe(false)
    expect(isActive(member(ANN, { status: "active", left_at: T1 }))).toBe(false)
    expect(isActive(member(ANN, { left_at: null }))).toBe(true)
  })

  it("activeParticipants leaves out left and removed handles", () => {
    const chat = makeChat([member(ANN), left(BOB), removed(CY), member(DEE)])
    expect(activeParticipants(chat).map((h) => h.handle)).toStrictEqual([ANN, DEE])
  })

  it("sameHandle: phone numbers exactly, email addresses without regard to case", () => {
    expect(sameHandle("+12223334444", "+12223334444")).toBe(true)
    expect(sameHandle("+12223334444", "+12223334445")).toBe(false)
    expect(sameHandle("Jane.Doe@Example.COM", "jane.doe@example.com")).toBe(true)
    expect(sameHandle("jane@example.com", "jane@example.org")).toBe(false)
    expect(sameHandle("jane@example.com", "+12223334444")).toBe(false)
  })

  it("isParticipant: only active handles, emails case-insensitively", () => {
    const chat = makeChat([member(ANN), left(BOB), member("Cy@Example.com")])
    expect(isParticipant(chat, ANN)).toBe(true)
    expect(isParticipant(chat, BOB)).toBe(false)
    expect(isParticipant(chat, "cy@example.com")).toBe(true)
    expect(isParticipant(chat, "CY@EXAMPLE.COM")).toBe(true)
    expect(isParticipant(chat, NEW)).toBe(false)
  })
})

describe("checkAdd", () => {
  it("allows adding a new handle to a group of 3 or more", () => {
    expect(checkAdd(three(), NEW)).toStrictEqual(Option.none())
    expect(checkAdd(four(), "new@example.com", ["iMessage", "SMS"])).toStrictEqual(Option.none())
  })

  it("a chat that is not a group: NotAGroupChat", () => {
    const dm = makeChat([member(ANN), member(BOB)], { is_group: false })
    const error = violation(checkAdd(dm, NEW))
    expect(error).toBeInstanceOf(NotAGroupChat)
    expect(error).toMatchObject({ _tag: "NotAGroupChat", chatId: dm.id, handle: NEW })
  })

  it("fewer than 3 active participants: TooFewParticipants with the count", () => {
    const chat = makeChat([member(ANN), member(BOB)])
    const error = violation(checkAdd(chat, NEW))
    expect(error).toBeInstanceOf(TooFewParticipants)
    expect(error).toMatchObject({ chatId: chat.id, handle: NEW, participants: 2 })
    expect(violation(checkAdd(makeChat([]), NEW))).toMatchObject({
      _tag: "TooFewParticipants",
      participants: 0
    })
  })

  it("left and removed handles do not count towards the 3", () => {
    const chat = makeChat([member(ANN), member(BOB), left(CY), removed(DEE), member(NEW, { left_at: T1 })])
    expect(violation(checkAdd(chat, "new@example.com"))).toMatchObject({
      _tag: "TooFewParticipants",
      participants: 2
    })
  })

  it("a participant listed twice counts once towards the 3", () => {
    const chat = makeChat([member(ANN), member(ANN), member("bob@example.org"), member("BOB@example.org")])
    expect(violation(checkAdd(chat, NEW))).toMatchObject({ _tag: "TooFewParticipants", participants: 2 })
  })

  it("a handle already active in the chat: ParticipantAlreadyInChat", () => {
    const chat = three()
    const error = violation(checkAdd(chat, BOB))
    expect(error).toBeInstanceOf(ParticipantAlreadyInChat)
    expect(error).toMatchObject({ chatId: chat.id, handle: BOB })
  })

  it("an email already in the chat, in another case: ParticipantAlreadyInChat", () => {
    const chat = makeChat([member(ANN), member(BOB), member("Cy@Example.com")])
    expect(violation(checkAdd(chat, "cy@example.COM"))).toBeInstanceOf(ParticipantAlreadyInChat)
  })

  it("a handle that left or was removed may be added again", () => {
    const chat = makeChat([member(ANN), member(BOB), member(CY), left(DEE), removed(NEW)])
    expect(checkAdd(chat, DEE)).toStrictEqual(Option.none())
    expect(checkAdd(chat, NEW)).toStrictEqual(Option.none())
  })

  it("a handle without the group's service: CrossServiceAddition", () => {
    const chat = three()
    const error = violation(checkAdd(chat, NEW, ["RCS", "SMS"]))
    expect(error).toBeInstanceOf(CrossServiceAddition)
    expect(error).toMatchObject({
      chatId: chat.id,
      handle: NEW,
      chatService: "iMessage",
      handleServices: ["RCS", "SMS"]
    })
    expect(violation(checkAdd(makeChat(chat.handles, { service: "RCS" }), NEW, ["iMessage"]))).toBeInstanceOf(
      CrossServiceAddition
    )
    expect(violation(checkAdd(chat, NEW, []))).toBeInstanceOf(CrossServiceAddition)
  })

  it("the cross-service rule is checked only when both services are known", () => {
    const chat = three()
    expect(checkAdd(chat, NEW)).toStrictEqual(Option.none())
    expect(checkAdd(makeChat(chat.handles, { service: null }), NEW, ["RCS"])).toStrictEqual(Option.none())
    const { service: _, ...withoutService } = chat
    expect(checkAdd(withoutService, NEW, ["RCS"])).toStrictEqual(Option.none())
    expect(checkAdd(chat, NEW, ["iMessage"])).toStrictEqual(Option.none())
  })

  describe("order of the rules", () => {
    it("not a group comes before too few participants, membership and service", () => {
      const dm = makeChat([member(ANN)], { is_group: false })
      expect(violation(checkAdd(dm, ANN, ["RCS"]))).toBeInstanceOf(NotAGroupChat)
    })

    it("too few participants comes before membership and service", () => {
      const chat = makeChat([member(ANN), member(BOB)])
      expect(violation(checkAdd(chat, ANN, ["RCS"]))).toBeInstanceOf(TooFewParticipants)
    })

    it("already in the chat comes before the service", () => {
      expect(violation(checkAdd(three(), ANN, ["RCS"]))).toBeInstanceOf(ParticipantAlreadyInChat)
    })
  })
})

describe("checkRemove", () => {
  it("allows removing a participant when 3 or more remain", () => {
    expect(checkRemove(four(), DEE)).toStrictEqual(Option.none())
    expect(checkRemove(four(), "CY@example.com")).toStrictEqual(Option.none())
  })

  it("a chat that is not a group: NotAGroupChat", () => {
    const dm = makeChat([member(ANN), member(BOB), member(CY), member(DEE)], { is_group: false })
    expect(violation(checkRemove(dm, ANN))).toMatchObject({
      _tag: "NotAGroupChat",
      chatId: dm.id,
      handle: ANN
    })
  })

  it("a handle that is not in the chat: ParticipantNotInChat", () => {
    const chat = four()
    const error = violation(checkRemove(chat, NEW))
    expect(error).toBeInstanceOf(ParticipantNotInChat)
    expect(error).toMatchObject({ chatId: chat.id, handle: NEW })
  })

  it("a handle that left or was removed is not in the chat", () => {
    const chat = makeChat([
      member(ANN),
      member(BOB),
      member(CY),
      member(DEE),
      left(NEW),
      removed("x@example.com")
    ])
    expect(violation(checkRemove(chat, NEW))).toBeInstanceOf(ParticipantNotInChat)
    expect(violation(checkRemove(chat, "x@example.com"))).toBeInstanceOf(ParticipantNotInChat)
  })

  it("a removal that would leave fewer than 3: TooFewParticipants with the count after the removal", () => {
    const chat = three()
    const error = violation(checkRemove(chat, ANN))
    expect(error).toBeInstanceOf(TooFewParticipants)
    expect(error).toMatchObject({ chatId: chat.id, handle: ANN, participants: 2 })
  })

  it("left and removed handles do not count towards the 3 that must remain", () => {
    const chat = makeChat([member(ANN), member(BOB), member(CY), left(DEE), removed(NEW)])
    expect(violation(checkRemove(chat, ANN))).toMatchObject({ _tag: "TooFewParticipants", participants: 2 })
  })

  it("an email is found without regard to case", () => {
    const chat = makeChat([member(ANN), member(BOB), member("Cy@Example.com"), member(DEE)])
    expect(checkRemove(chat, "cy@example.com")).toStrictEqual(Option.none())
  })

  it("a participant listed twice (say, an email in two cases) is removed as one, and counted once", () => {
    const chat = makeChat([member(ANN), member(BOB), member("cy@example.com"), member("CY@example.com")])
    // 3 distinct participants: removing one leaves 2
    expect(violation(checkRemove(chat, ANN))).toMatchObject({ _tag: "TooFewParticipants", participants: 2 })
    // removing Cy removes both entries, leaving 2
    expect(violation(checkRemove(chat, "Cy@Example.com"))).toMatchObject({
      _tag: "TooFewParticipants",
      participants: 2
    })
  })

  describe("order of the rules", () => {
    it("not a group comes before membership and count", () => {
      const dm = makeChat([member(ANN)], { is_group: false })
      expect(violation(checkRemove(dm, NEW))).toBeInstanceOf(NotAGroupChat)
    })

    it("not in the chat comes before the count", () => {
      expect(violation(checkRemove(three(), NEW))).toBeInstanceOf(ParticipantNotInChat)
    })
  })
})

// ---------------------------------------------------------------------------
// Properties over random chats
// ---------------------------------------------------------------------------

/** A small pool, with emails in several cases, so that chats and handles collide often. */
const POOL = [
  "+12223334444",
  "+442071234567",
  "+15550001111",
  "+15550002222",
  "+15550003333",
  "ann@example.com",
  "ANN@example.com",
  "bob@example.org",
  "Bob@Example.org",
  "cy@example.net"
]

const serviceArb: fc.Arbitrary<ServiceType> = fc.constantFrom("iMessage", "SMS", "RCS")

const chatHandleArb: fc.Arbitrary<ChatHandle> = fc
  .record({
    handle: fc.constantFrom(...POOL),
    service: serviceArb,
    status: fc.constantFrom<ChatHandle["status"]>(
      "active",
      "active",
      "active",
      "left",
      "removed",
      null,
      undefined
    ),
    left_at: fc.constantFrom(null, null, null, undefined, T1)
  })
  .map(({ handle, service, status, left_at }) => {
    const h: ChatHandle = { id: `h-${handle}`, handle, service, joined_at: T0 }
    return {
      ...h,
      ...(status === undefined ? {} : { status }),
      ...(left_at === undefined ? {} : { left_at })
    }
  })

const chatArb: fc.Arbitrary<Chat> = fc
  .record({
    handles: fc.array(chatHandleArb, { maxLength: 9 }),
    is_group: fc.boolean(),
    service: fc.constantFrom<ServiceType | null | undefined>("iMessage", "SMS", "RCS", null, undefined)
  })
  .map(({ handles, is_group, service }) => {
    const { service: _, ...base } = makeChat(handles, { is_group })
    return service === undefined ? base : { ...base, service }
  })

const handleArb = fc.constantFrom(...POOL, "new@example.com", "+19998887777")

/** The number of distinct active participants, phone numbers exactly and emails ignoring case. */
const distinctActive = (handles: ReadonlyArray<ChatHandle>): number =>
  new Set(handles.filter(isActive).map((h) => (h.handle.includes("@") ? h.handle.toLowerCase() : h.handle)))
    .size

const without = (chat: Chat, handle: string): Chat => ({
  ...chat,
  handles: chat.handles.filter((h) => !sameHandle(h.handle, handle))
})

describe("GroupChatRules properties", () => {
  fcProp(
    "checkRemove(chat, h) is None ⇒ the chat without h still has 3 or more active participants",
    [chatArb, handleArb],
    ([chat, handle]) => {
      if (Option.isNone(checkRemove(chat, handle))) {
        expect(chat.is_group).toBe(true)
        expect(isParticipant(chat, handle)).toBe(true)
        expect(distinctActive(without(chat, handle).handles)).toBeGreaterThanOrEqual(MIN_GROUP_PARTICIPANTS)
      }
    },
    { numRuns: 2000 }
  )

  fcProp(
    "checkRemove allows exactly the removals of a member of a group that leave 3 or more",
    [chatArb, handleArb],
    ([chat, handle]) => {
      const remaining = distinctActive(without(chat, handle).handles)
      const result = checkRemove(chat, handle)
      if (!chat.is_group) {
        expect(violation(result)).toBeInstanceOf(NotAGroupChat)
      } else if (!isParticipant(chat, handle)) {
        expect(violation(result)).toBeInstanceOf(ParticipantNotInChat)
      } else if (remaining < MIN_GROUP_PARTICIPANTS) {
        expect(violation(result)).toMatchObject({ _tag: "TooFewParticipants", participants: remaining })
      } else {
        expect(result).toStrictEqual(Option.none())
      }
    },
    { numRuns: 2000 }
  )

  fcProp(
    "checkAdd allows exactly the additions of a non-member to a group of 3 or more on a shared service",
    [chatArb, handleArb, fc.option(fc.uniqueArray(serviceArb, { maxLength: 3 }), { nil: undefined })],
    ([chat, handle, services]) => {
      const result = checkAdd(chat, handle, services)
      const participants = distinctActive(chat.handles)
      if (!chat.is_group) {
        expect(violation(result)).toBeInstanceOf(NotAGroupChat)
      } else if (participants < MIN_GROUP_PARTICIPANTS) {
        expect(violation(result)).toMatchObject({ _tag: "TooFewParticipants", participants })
      } else if (isParticipant(chat, handle)) {
        expect(violation(result)).toBeInstanceOf(ParticipantAlreadyInChat)
      } else if (
        chat.service !== undefined &&
        chat.service !== null &&
        isKnownService(chat.service) &&
        services !== undefined &&
        !services.includes(chat.service)
      ) {
        expect(violation(result)).toBeInstanceOf(CrossServiceAddition)
      } else {
        expect(result).toStrictEqual(Option.none())
      }
    },
    { numRuns: 2000 }
  )

  fcProp(
    "after an allowed add, the handle would be a participant and a removal of it would be checked against the count",
    [chatArb, handleArb],
    ([chat, handle]) => {
      fc.pre(Option.isNone(checkAdd(chat, handle)))
      const after: Chat = {
        ...chat,
        handles: [...chat.handles, { id: "new", handle, service: "iMessage", joined_at: T1 }]
      }
      expect(isParticipant(after, handle)).toBe(true)
      // the group had 3 or more and gained one: removing the newcomer is allowed
      expect(checkRemove(after, handle)).toStrictEqual(Option.none())
    }
  )
})

describe("checkLeave (your number leaving)", () => {
  const me = (fields: Partial<ChatHandle> = {}) => member(NEW, { is_me: true, ...fields })
  const { checkLeave, ownHandle } = GroupChatRules

  it("allows an iMessage group of 4 or more active members, ours among them", () => {
    expect(checkLeave(makeChat([me(), member(ANN), member(BOB), member(CY)]))).toEqual(Option.none())
    expect(
      checkLeave(makeChat([member(ANN), me(), member(BOB), member(CY), member(DEE), left(NEW)]))
    ).toEqual(Option.none())
    expect(Option.map(ownHandle(makeChat([member(ANN), me()])), (h) => h.handle)).toEqual(Option.some(NEW))
  })

  it("refuses, in this order: not a group, not iMessage, ours not active, fewer than 4", () => {
    const dm = violation(checkLeave(makeChat([me(), member(ANN)], { is_group: false })))
    expect(dm).toBeInstanceOf(NotAGroupChat)
    for (const service of ["RCS", "SMS", null] as const) {
      const other = violation(checkLeave(makeChat([me(), member(ANN), member(BOB), member(CY)], { service })))
      expect(other._tag).toBe("NotAnIMessageGroup")
      expect(other).toEqual(
        service === null ? expect.not.objectContaining({ chatService: expect.anything() }) : expect.anything()
      )
    }
    expect(violation(checkLeave(four()))._tag).toBe("OwnNumberNotInChat")
    expect(violation(checkLeave(makeChat([me({ status: "left" }), ...four().handles])))._tag).toBe(
      "OwnNumberNotInChat"
    )
    const small = violation(checkLeave(makeChat([me(), member(ANN), member(BOB), removed(CY)])))
    expect(small).toBeInstanceOf(TooFewParticipants)
    expect(small).toMatchObject({ handle: NEW, participants: 2 })
    expect(small.message).not.toContain(NEW)
  })
})
