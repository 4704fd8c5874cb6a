import { describe, expectTypeOf, it } from "vitest"
import { addParticipants, removeParticipants, syncParticipants } from "../src/index.js"

const CHAT = "550e8400-e29b-41d4-a716-446655440000"

describe("a lone string is not a list of handles", () => {
  it("is refused by addParticipants, removeParticipants and syncParticipants", () => {
    // @ts-expect-error a string is not a list of handles
    addParticipants(CHAT, "+442071234567")
    // @ts-expect-error a string is not a list of handles
    removeParticipants(CHAT, "ana@example.com")
    // @ts-expect-error a string is not a list of handles
    syncParticipants(CHAT, "+442071234567")
    const s: string = "+442071234567"
    // @ts-expect-error a widened string too
    addParticipants(CHAT, s)
  })

  it("arrays, readonly arrays and other iterables are accepted", () => {
    const ro: ReadonlyArray<string> = ["+442071234567"]
    expectTypeOf(addParticipants(CHAT, ["+442071234567", "ana@example.com"])).not.toBeNever()
    expectTypeOf(removeParticipants(CHAT, ro)).not.toBeNever()
    expectTypeOf(syncParticipants(CHAT, new Set(["+442071234567"]))).not.toBeNever()
    expectTypeOf(syncParticipants(CHAT, ["a@b.co"] as const)).not.toBeNever()
  })
})
