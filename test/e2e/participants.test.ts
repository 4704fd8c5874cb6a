/**
 * End to end, over real HTTP: adding and removing participants against
 * FakeLinq on loopback, the state change and the request as the server saw
 * them, every group-chat rule violation as its typed error (sent once, never
 * retried), API errors, and invalid input that sends nothing.
 */
import { expect, layer } from "@effect/vitest"
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { FakeLinq, REDACTED } from "@linq-effect/testing"
import { Effect } from "effect"
import { start, TOKEN, transports } from "./harness.js"

const C = FakeLinq.chats
const H = FakeLinq.handles
const participantsPath = (chatId: string) => `/api/partner/v3/chats/${chatId}/participants`

for (const transport of transports) {
  layer(transport.layer, { excludeTestServices: true })(
    `participants end to end over ${transport.name}`,
    (it) => {
      it.effect("add: accepted, the handle is an active participant, the request is in the journal", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          const response = yield* sdk(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
          expect(response).toEqual({
            message: "Participant addition queued",
            status: "accepted",
            trace_id: expect.stringMatching(/^trace_[0-9a-f]{32}$/)
          })
          expect(yield* fake.participants(C.iMessageGroup)).toEqual([
            H.alice,
            H.bob,
            H.carol,
            H.dave,
            H.newcomer
          ])
          const added = (yield* fake.chat(C.iMessageGroup)).handles.find((h) => h.handle === H.newcomer)
          expect(added).toMatchObject({ service: "iMessage", status: "active", left_at: null })

          const journal = yield* fake.journal
          expect(journal).toHaveLength(1)
          const entry = journal[0]!
          expect(entry).toMatchObject({
            method: "POST",
            path: participantsPath(C.iMessageGroup),
            route: "add",
            chatId: C.iMessageGroup,
            text: JSON.stringify({ handle: H.newcomer }),
            json: { handle: H.newcomer },
            traceId: response.trace_id,
            outcome: { _tag: "Responded", status: 202 }
          })
          expect(entry.headers.authorization).toBe(`Bearer ${REDACTED}`)
          expect(entry.headers["content-type"]).toMatch(/^application\/json\b/)
          expect(entry.headers.accept).toBe("application/json")
          expect(entry.headers["user-agent"]).toMatch(/^linq-effect\//)
          expect(JSON.stringify(journal)).not.toContain(TOKEN)
        })
      )

      it.effect("remove: a DELETE with a JSON body, accepted, the handle marked removed", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          const response = yield* sdk(removeParticipant(C.iMessageGroup, { handle: H.dave }))
          expect(response).toEqual({
            message: "Participant removal queued",
            status: "accepted",
            trace_id: expect.stringMatching(/^trace_[0-9a-f]{32}$/)
          })
          expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.alice, H.bob, H.carol])
          const dave = (yield* fake.chat(C.iMessageGroup)).handles.find((h) => h.handle === H.dave)
          expect(dave?.status).toBe("removed")
          expect(dave?.left_at).not.toBeNull()

          const journal = yield* fake.journal
          expect(journal).toHaveLength(1)
          expect(journal[0]).toMatchObject({
            method: "DELETE",
            path: participantsPath(C.iMessageGroup),
            route: "remove",
            chatId: C.iMessageGroup,
            json: { handle: H.dave },
            traceId: response.trace_id,
            outcome: { _tag: "Responded", status: 202 }
          })
          expect(journal[0]!.headers.authorization).toBe(`Bearer ${REDACTED}`)
          expect(JSON.stringify(journal)).not.toContain(TOKEN)
        })
      )

      it.effect("add then remove an email handle round-trips, and a removed handle can come back", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          yield* sdk(addParticipant(C.iMessageGroup, { handle: H.erin }))
          expect(yield* fake.participants(C.iMessageGroup)).toContain(H.erin)
          yield* sdk(removeParticipant(C.iMessageGroup, { handle: H.erin }))
          expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.erin)
          yield* sdk(addParticipant(C.iMessageGroup, { handle: H.erin }))
          expect(yield* fake.participants(C.iMessageGroup)).toContain(H.erin)
          const journal = yield* fake.journal
          expect(journal.map((e) => [e.method, e.json, e.outcome])).toEqual([
            ["POST", { handle: H.erin }, { _tag: "Responded", status: 202 }],
            ["DELETE", { handle: H.erin }, { _tag: "Responded", status: 202 }],
            ["POST", { handle: H.erin }, { _tag: "Responded", status: 202 }]
          ])
        })
      )

      it.effect("a chat id with characters to escape travels as one percent-encoded path segment", () =>
        Effect.gen(function* () {
          const chatId = "équipe:ops&co+1"
          const { fake, sdk } = yield* start({
            seed: { chats: [{ id: chatId, service: "SMS", handles: [H.alice, H.bob, H.carol] }] },
            fake: { queueDelay: 0 }
          })
          yield* sdk(addParticipant(chatId, { handle: H.newcomer }))
          expect(yield* fake.participants(chatId)).toEqual([H.alice, H.bob, H.carol, H.newcomer])
          const [entry] = yield* fake.journal
          expect(entry?.path).toBe(participantsPath(encodeURIComponent(chatId)))
          expect(entry?.chatId).toBe(chatId)
        })
      )

      // Rule violations, API errors and bad input: typed, sent once (or not at all), state unchanged.
      it.effect("NotAGroupChat: adding to a DM and removing from it, each sent exactly once", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          const add = yield* Effect.flip(sdk(addParticipant(C.directMessage, { handle: H.carol })))
          expect(add).toMatchObject({
            _tag: "NotAGroupChat",
            chatId: C.directMessage,
            handle: H.carol,
            status: 400,
            code: 1006,
            traceId: expect.stringMatching(/^trace_/)
          })
          const remove = yield* Effect.flip(sdk(removeParticipant(C.directMessage, { handle: H.bob })))
          expect(remove).toMatchObject({
            _tag: "NotAGroupChat",
            chatId: C.directMessage,
            handle: H.bob,
            status: 400
          })
          const journal = yield* fake.journal
          expect(journal.map((e) => [e.route, e.outcome])).toEqual([
            ["add", { _tag: "Responded", status: 400 }],
            ["remove", { _tag: "Responded", status: 400 }]
          ])
          expect(yield* fake.participants(C.directMessage)).toEqual([H.alice, H.bob])
        })
      )

      it.effect(
        "CrossServiceAddition: an RCS-only handle into the iMessage group, sent once, confirmed from the chat and capability (diagnose)",
        () =>
          Effect.gen(function* () {
            const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
            const error = yield* Effect.flip(sdk(addParticipant(C.iMessageGroup, { handle: H.rcsOnly })))
            expect(error).toMatchObject({
              _tag: "CrossServiceAddition",
              chatId: C.iMessageGroup,
              handle: H.rcsOnly,
              status: 400
            })
            // and the other way round: an iMessage/SMS handle cannot join the RCS group
            const other = yield* Effect.flip(sdk(addParticipant(C.rcsGroup, { handle: H.iMessageCapable })))
            expect(other._tag).toBe("CrossServiceAddition")
            expect((yield* fake.journal).map((e) => [e.route, e.outcome])).toEqual([
              ["add", { _tag: "Responded", status: 400 }],
              ["getChat", { _tag: "Responded", status: 200 }],
              ["checkImessage", { _tag: "Responded", status: 200 }],
              ["add", { _tag: "Responded", status: 400 }],
              ["getChat", { _tag: "Responded", status: 200 }],
              ["checkRcs", { _tag: "Responded", status: 200 }]
            ])
            expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.rcsOnly)
            expect(yield* fake.participants(C.rcsGroup)).not.toContain(H.iMessageCapable)
          })
      )

      it.effect(
        "TooFewParticipants: removing from the 3-member group, sent once, confirmed from the chat (diagnose)",
        () =>
          Effect.gen(function* () {
            const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
            const error = yield* Effect.flip(sdk(removeParticipant(C.smallGroup, { handle: H.bob })))
            expect(error).toMatchObject({
              _tag: "TooFewParticipants",
              chatId: C.smallGroup,
              handle: H.bob,
              status: 400
            })
            expect((yield* fake.journal).map((e) => [e.route, e.outcome])).toEqual([
              ["remove", { _tag: "Responded", status: 400 }],
              ["getChat", { _tag: "Responded", status: 200 }]
            ])
            expect(yield* fake.participants(C.smallGroup)).toEqual([H.alice, H.bob, H.erin])
          })
      )

      it.effect(
        "ParticipantAlreadyInChat: a 409 that is a rule, not a conflict to retry, sent once, confirmed from the chat (diagnose)",
        () =>
          Effect.gen(function* () {
            const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
            const error = yield* Effect.flip(sdk(addParticipant(C.iMessageGroup, { handle: H.alice })))
            expect(error).toMatchObject({
              _tag: "ParticipantAlreadyInChat",
              chatId: C.iMessageGroup,
              handle: H.alice,
              status: 409
            })
            expect((yield* fake.journal).map((e) => [e.route, e.outcome])).toEqual([
              ["add", { _tag: "Responded", status: 409 }],
              ["getChat", { _tag: "Responded", status: 200 }]
            ])
            expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.alice, H.bob, H.carol, H.dave])
          })
      )

      it.effect(
        "ParticipantNotInChat: removing an outsider, and one removed earlier, each sent once, confirmed from the chat (diagnose)",
        () =>
          Effect.gen(function* () {
            const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
            const outsider = yield* Effect.flip(sdk(removeParticipant(C.iMessageGroup, { handle: H.frank })))
            expect(outsider).toMatchObject({
              _tag: "ParticipantNotInChat",
              chatId: C.iMessageGroup,
              handle: H.frank,
              status: 400
            })
            const removedEarlier = yield* Effect.flip(
              sdk(removeParticipant(C.iMessageGroup, { handle: H.erin }))
            )
            expect(removedEarlier).toMatchObject({ _tag: "ParticipantNotInChat", handle: H.erin })
            expect((yield* fake.journal).map((e) => [e.route, e.outcome])).toEqual([
              ["remove", { _tag: "Responded", status: 400 }],
              ["getChat", { _tag: "Responded", status: 200 }],
              ["remove", { _tag: "Responded", status: 400 }],
              ["getChat", { _tag: "Responded", status: 200 }]
            ])
            expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.alice, H.bob, H.carol, H.dave])
          })
      )

      it.effect("ChatNotFound: a 404 for an unknown chat, not retried", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          const add = yield* Effect.flip(sdk(addParticipant(C.missing, { handle: H.newcomer })))
          expect(add).toMatchObject({
            _tag: "ChatNotFound",
            status: 404,
            code: 2001,
            message: "Chat not found"
          })
          const remove = yield* Effect.flip(sdk(removeParticipant(C.missing, { handle: H.alice })))
          expect(remove).toMatchObject({ _tag: "ChatNotFound", status: 404 })
          expect((yield* fake.journal).map((e) => [e.route, e.chatId, e.outcome])).toEqual([
            ["add", C.missing, { _tag: "Responded", status: 404 }],
            ["remove", C.missing, { _tag: "Responded", status: 404 }]
          ])
        })
      )

      it.effect(
        "Unauthorized: the fake accepts one key, the client sends another; not retried, key never logged",
        () =>
          Effect.gen(function* () {
            const serverKey = "sk_e2e_the_right_key_42"
            const { fake, sdk } = yield* start({ fake: { apiKey: serverKey, queueDelay: 0 } })
            const error = yield* Effect.flip(sdk(addParticipant(C.iMessageGroup, { handle: H.newcomer })))
            expect(error).toMatchObject({
              _tag: "Unauthorized",
              status: 401,
              code: 2004,
              traceId: expect.stringMatching(/^trace_/)
            })
            expect(error.message).not.toContain(TOKEN)
            const journal = yield* fake.journal
            expect(journal.map((e) => e.outcome)).toEqual([{ _tag: "Responded", status: 401 }])
            expect(journal[0]!.headers.authorization).toBe(`Bearer ${REDACTED}`)
            expect(JSON.stringify(journal)).not.toContain(TOKEN)
            expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
          })
      )

      it.effect("the right key is accepted by a fake that requires one", () =>
        Effect.gen(function* () {
          const serverKey = "sk_e2e_the_right_key_42"
          const { fake, sdk } = yield* start({
            fake: { apiKey: serverKey, queueDelay: 0 },
            client: { apiKey: serverKey }
          })
          yield* sdk(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
          expect(yield* fake.participants(C.iMessageGroup)).toContain(H.newcomer)
          expect(JSON.stringify(yield* fake.journal)).not.toContain(serverKey)
        })
      )

      it.effect("InvalidHandle and InvalidChatId fail before anything is sent (journal empty)", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          const badHandles = ["(202) 555-0101", "12025550101", "+0123", "not an email", ""]
          for (const handle of badHandles) {
            const add = yield* Effect.flip(sdk(addParticipant(C.iMessageGroup, { handle })))
            expect(add).toMatchObject({ _tag: "InvalidHandle", input: handle })
            const remove = yield* Effect.flip(sdk(removeParticipant(C.iMessageGroup, { handle })))
            expect(remove).toMatchObject({ _tag: "InvalidHandle", input: handle })
          }
          const badChatIds = ["", ".", "..", "a/b", "chat?x=1", "with space", "100%"]
          for (const chatId of badChatIds) {
            const add = yield* Effect.flip(sdk(addParticipant(chatId, { handle: H.newcomer })))
            expect(add).toMatchObject({ _tag: "InvalidChatId", input: chatId })
            const remove = yield* Effect.flip(sdk(removeParticipant(chatId, { handle: H.alice })))
            expect(remove).toMatchObject({ _tag: "InvalidChatId", input: chatId })
          }
          expect(yield* fake.journal).toEqual([])
        })
      )
    }
  )
}
