/**
 * getChat and checkCapability: the request that goes out, the value that
 * comes back, and what bad input and error answers become.
 */
import { describe, expect, it } from "@effect/vitest"
import { GroupChatRules } from "@linq-effect/core"
import { DateTime, Effect } from "effect"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import { BASE_URL, CHAT_ID, linqLayer } from "../../http/test/testkit.js"
import { checkCapability, getChat } from "../src/index.js"
import { ALICE, BOB, chatBody, DAVE, ME } from "./membership.js"

describe("getChat", () => {
  it.effect(
    "GET /v3/chats/{chatId} without a body, decoded to a Chat (unknown fields ignored, nulls kept)",
    () =>
      Effect.gen(function* () {
        const chat = yield* getChat(CHAT_ID)
        const request = yield* (yield* Recorder).request(0)
        expect(request.method).toBe("GET")
        expect(request.url.href).toBe(`${BASE_URL}/v3/chats/${CHAT_ID}`)
        expect(request.bodyText).toBeUndefined()
        expect(chat.id).toBe(CHAT_ID)
        expect(chat.service).toBeNull()
        expect(chat.display_name).toBeNull()
        expect(chat.is_group).toBe(true)
        expect(DateTime.formatIso(chat.updated_at)).toBe("2026-01-02T03:04:05.123Z")
        expect(chat.handles.map((h) => [h.handle, h.is_me, h.status])).toEqual([
          [ME, true, "active"],
          [ALICE, null, "active"],
          [BOB, null, "left"],
          [DAVE, null, null]
        ])
        expect(chat).not.toHaveProperty("unread_count")
        expect(chat.handles[0]).not.toHaveProperty("nickname")
        expect(GroupChatRules.activeParticipants(chat).map((h) => h.handle)).toEqual([ME, ALICE, DAVE])
      }).pipe(
        Effect.provide(
          linqLayer([
            Answer.json(
              200,
              chatBody(
                [
                  { handle: ME, isMe: true },
                  ALICE,
                  { handle: BOB, status: "left" },
                  { handle: DAVE, status: null }
                ],
                {
                  service: null
                }
              )
            )
          ])
        )
      )
  )

  it.effect("an invalid chat id is InvalidChatId, and nothing is sent", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(getChat("../admin"))
      expect(error._tag).toBe("InvalidChatId")
      expect(yield* (yield* Recorder).count).toBe(0)
    }).pipe(Effect.provide(linqLayer([Answer.json(200, chatBody([]))])))
  )

  it.effect("404 is ChatNotFound with the server's code and trace id", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(getChat(CHAT_ID))
      expect(error).toMatchObject({ _tag: "ChatNotFound", status: 404, code: 2001, traceId: "trace-nf" })
    }).pipe(
      Effect.provide(linqLayer([Answer.envelope(404, { code: 2001, message: "Chat not found" }, "trace-nf")]))
    )
  )

  it.effect("a 200 that is not a Chat is UnexpectedResponse", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(getChat(CHAT_ID))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 200 })
    }).pipe(Effect.provide(linqLayer([Answer.json(200, { id: CHAT_ID, handles: "none" })])))
  )
})

describe("checkCapability", () => {
  it.effect.each([
    ["iMessage", "/v3/capability/check_imessage", true],
    ["RCS", "/v3/capability/check_rcs", false]
  ] as const)("%s: POST %s with { address }, the answer's availability", ([service, path, available]) =>
    Effect.gen(function* () {
      const result = yield* checkCapability(ALICE, service)
      const request = yield* (yield* Recorder).request(0)
      expect(result).toBe(available)
      expect(request.method).toBe("POST")
      expect(request.url.href).toBe(`${BASE_URL}${path}`)
      expect(request.body).toStrictEqual({ address: ALICE })
    }).pipe(Effect.provide(linqLayer([Answer.json(200, { address: ALICE, available, extra: 1 })])))
  )

  it.effect("an invalid handle is InvalidHandle, and nothing is sent", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(checkCapability("555-0100", "iMessage"))
      expect(error._tag).toBe("InvalidHandle")
      expect(yield* (yield* Recorder).count).toBe(0)
    }).pipe(Effect.provide(linqLayer([Answer.json(200, { available: true })])))
  )

  it.effect("401 is Unauthorized; an answer without `available` is UnexpectedResponse", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(checkCapability(ALICE, "iMessage")))._tag).toBe("Unauthorized")
      expect((yield* Effect.flip(checkCapability(ALICE, "RCS")))._tag).toBe("UnexpectedResponse")
    }).pipe(
      Effect.provide(
        linqLayer((_, i) =>
          i === 0
            ? Answer.envelope(401, { code: 2004, message: "Unauthorized" })
            : Answer.json(200, { address: ALICE })
        )
      )
    )
  )
})
