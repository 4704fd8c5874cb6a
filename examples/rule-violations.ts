/**
 * Example: every group-chat rule violation is a tagged error you can handle by
 * name with `Effect.catchTags`; the compiler knows which ones each operation
 * can meet.
 */
import { addParticipant, removeParticipant } from "@linq-effect/client"
import type { AddParticipantError, RemoveParticipantError } from "@linq-effect/core"
import { Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"
import { type Subject, step } from "./Step.js"

/** What a program might do about each rule, instead of failing. */
const explain = <A, R>(
  subject: Subject,
  operation: Effect.Effect<A, AddParticipantError | RemoveParticipantError, R>
) =>
  step(
    subject,
    operation.pipe(
      Effect.as("accepted"),
      Effect.catchTags({
        NotAGroupChat: (e) => Effect.succeed(`${e._tag}, add people to a group instead`),
        CrossServiceAddition: (e) =>
          Effect.succeed(`${e._tag} (${e.chatService ?? "?"} group), start a new chat instead`),
        TooFewParticipants: (e) => Effect.succeed(`${e._tag}, a group keeps at least 3 people`),
        ParticipantAlreadyInChat: (e) => Effect.succeed(`${e._tag}, nothing to do`),
        ParticipantNotInChat: (e) => Effect.succeed(`${e._tag}, nothing to do`)
      })
    ),
    // Everything else (API, transport and input errors) is still typed; step prints it.
    (advice) => advice
  )

export const program = Effect.gen(function* () {
  const s = yield* ScenarioTag
  const add = (chatId: string, handle: string, about: string) =>
    explain({ op: "add", chatId, handle, about }, addParticipant(chatId, { handle }))
  const remove = (chatId: string, handle: string, about: string) =>
    explain({ op: "remove", chatId, handle, about }, removeParticipant(chatId, { handle }))
  yield* add(s.directMessage, s.newcomer, "a direct message")
  yield* add(s.group, s.rcsOnly, "RCS only")
  yield* remove(s.smallGroup, s.member, "a group of 3")
  yield* add(s.smallGroup, s.member, "already there")
  yield* remove(s.smallGroup, s.newcomer, "not there")
  yield* add(s.group, "(202) 555-0101", "a malformed number")
})
