/**
 * The demo's lines: each names the masked handle and the chat, and an error
 * says its tag once.
 */
import { describe, expect, it } from "@effect/vitest"
import { InvalidHandle, ServerError } from "@linq-effect/core"
import { describeError, describeSubject, maskHandle } from "./Step.js"

describe("the demo's step lines", () => {
  it("mask handles: phone numbers, emails, malformed input", () => {
    expect(maskHandle("+12052499136")).toBe("+1205•••9136")
    expect(maskHandle("dana@example.com")).toBe("d•••@example.com")
    expect(maskHandle("(202) 555-0101")).toBe("(•••) •••-0101")
    expect(maskHandle("not-a-handle")).toBe("no•••le")
  })

  it("name the operation, the masked handle and the short chat id", () => {
    expect(
      describeSubject({ op: "add", handle: "+12052499136", chatId: "550e8400-e29b-41d4-a716-446655440000" })
    ).toBe("add +1205•••9136 in chat 550e8400…")
    expect(describeSubject({ op: "check", handle: "dana@example.com", about: "RCS" })).toBe(
      "check d•••@example.com (RCS)"
    )
  })

  it("print an error's tag once, then its reason or message", () => {
    const invalid = new InvalidHandle({ input: "555", reason: "not E.164" })
    expect(describeError(invalid)).toBe("InvalidHandle, not E.164")
    expect(describeError(new ServerError({ status: 503, message: "down for maintenance" }))).toBe(
      "ServerError, down for maintenance"
    )
  })
})
