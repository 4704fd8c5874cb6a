/**
 * `MembershipPending`: a readable message without handles, and fields that
 * survive Schema.encode → JSON → Schema.decode (on its own and as a member of
 * `SyncParticipantsError`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { MembershipPending, SyncParticipantsError } from "../src/index.js"

const CHAT = "550e8400-e29b-41d4-a716-446655440000"
const PHONE = "+14155550123"
const EMAIL = "jane.doe@example.org"

describe("MembershipPending", () => {
  const error = new MembershipPending({
    chatId: CHAT,
    missing: [PHONE],
    unexpected: [EMAIL, "+442071234567"]
  })

  it("says what is pending, in counts, without any handle", () => {
    expect(error.message).toContain(CHAT)
    expect(error.message).toContain("1 participant still to join")
    expect(error.message).toContain("2 participants still to leave")
    for (const text of [error.message, String(error), error.stack?.split("\n")[0] ?? ""]) {
      expect(text).not.toContain(PHONE)
      expect(text).not.toContain(EMAIL)
    }
    expect(String(error)).toBe(`MembershipPending: ${error.message}`)
  })

  it("keeps the handles as fields for programs", () => {
    expect(error).toMatchObject({ _tag: "MembershipPending", chatId: CHAT, missing: [PHONE] })
    expect(error.unexpected).toEqual([EMAIL, "+442071234567"])
  })

  it("round-trips through JSON on its own", () => {
    const json = JSON.stringify(Schema.encodeSync(MembershipPending)(error))
    const back = Schema.decodeUnknownSync(MembershipPending)(JSON.parse(json))
    expect(back).toBeInstanceOf(MembershipPending)
    expect(back).toEqual(error)
    expect(back.message).toBe(error.message)
  })

  it("round-trips through JSON as a SyncParticipantsError", () => {
    const json = JSON.stringify(Schema.encodeSync(SyncParticipantsError)(error))
    const back = Schema.decodeUnknownSync(SyncParticipantsError)(JSON.parse(json))
    expect(back).toBeInstanceOf(MembershipPending)
    expect(back).toEqual(error)
  })
})
