/**
 * `MembershipPending`: a readable message without handles, and fields that
 * survive encode → JSON → decode with the JSON codec (`Schema.toCodecJson`),
 * on its own and as a member of `SyncParticipantsError`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Schema } from "effect"
import { MembershipPending, RequestTimeout, ServerError, SyncParticipantsError } from "../src/index.js"

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
    const codec = Schema.toCodecJson(MembershipPending)
    const json = JSON.stringify(Schema.encodeSync(codec)(error))
    const back = Schema.decodeUnknownSync(codec)(JSON.parse(json))
    expect(back).toBeInstanceOf(MembershipPending)
    expect(back).toEqual(error)
    expect(back.message).toBe(error.message)
  })

  it("round-trips through JSON as a SyncParticipantsError", () => {
    const codec = Schema.toCodecJson(SyncParticipantsError)
    const json = JSON.stringify(Schema.encodeSync(codec)(error))
    const back = Schema.decodeUnknownSync(codec)(JSON.parse(json))
    expect(back).toBeInstanceOf(MembershipPending)
    expect(back).toEqual(error)
  })

  it("built with only chatId, missing and unexpected: nothing sent, not sent or failed listed, seen", () => {
    expect(error).toMatchObject({ sent: [], notSent: [], failed: [], seen: true })
    expect(error.readError).toBeUndefined()
    expect(error.message).toContain("the changes were accepted and may still be applied")
  })
})

describe("MembershipPending tells pending from not sent, failed and unseen", () => {
  const timeout = new RequestTimeout({
    method: "GET",
    url: `https://api.linqapp.com/api/partner/v3/chats/${CHAT}`,
    timeout: Duration.millis(750)
  })
  const server = new ServerError({ status: 503, message: "Service unavailable", traceId: "t-1" })
  const cases = [
    {
      fields: { sent: [PHONE], notSent: [EMAIL] },
      says: ["1 change accepted and may still be applied, 1 change not sent"],
      never: ["the changes were accepted", "failed", "read"]
    },
    {
      fields: { sent: [PHONE, EMAIL], notSent: [] },
      says: ["2 changes accepted and may still be applied"],
      never: ["not sent", "failed"]
    },
    {
      fields: { sent: [], notSent: [PHONE, EMAIL, "+442071234567"], failed: [EMAIL] },
      says: ["3 changes not sent, 1 change failed"],
      never: ["accepted"]
    },
    {
      fields: { sent: [PHONE], seen: false, readError: server },
      says: ["1 change accepted", "no read of the chat succeeded during the wait (ServerError)"],
      never: ["Service unavailable"]
    },
    {
      fields: { sent: [PHONE], seen: true, readError: timeout },
      says: ["the last read of the chat failed (RequestTimeout)"],
      never: ["no read"]
    },
    {
      fields: { sent: [PHONE], seen: false },
      says: ["the chat was not read during the wait"],
      never: ["failed"]
    }
  ] as const
  for (const c of cases) {
    const e = new MembershipPending({ chatId: CHAT, missing: [PHONE], unexpected: [EMAIL], ...c.fields })
    it(`${JSON.stringify(c.says)}: in the message, without a handle; the fields round-trip`, () => {
      for (const text of c.says) expect(e.message).toContain(text)
      for (const text of c.never) expect(e.message).not.toContain(text)
      for (const handle of [PHONE, EMAIL, "+442071234567"]) expect(String(e)).not.toContain(handle)
      const codec = Schema.toCodecJson(SyncParticipantsError)
      const back = Schema.decodeUnknownSync(codec)(JSON.parse(JSON.stringify(Schema.encodeSync(codec)(e))))
      expect(back).toEqual(e)
      expect(back.message).toBe(e.message)
    })
  }
})
