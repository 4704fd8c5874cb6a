/**
 * Example: every group-chat rule violation is a tagged error you can handle by
 * name with `Effect.catchTags`; the compiler knows which ones each operation
 * can meet.
 */
import { addParticipant, removeParticipant } from "@linq-effect/client"
import type { AddParticipantError, RemoveParticipantError } from "@linq-effect/core"
import { Console, Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"

/** What a program might do about each rule, instead of failing. */
const explain = <A, R>(
  label: string,
  operation: Effect.Effect<A, AddParticipantError | RemoveParticipantError, R>
) =>
  operation.pipe(
    Effect.as(`${label}: accepted`),
    Effect.catchTags({
      NotAGroupChat: (e) =>
        Effect.succeed(`${label}: NotAGroupChat (chat ${e.chatId}), add people to a group instead`),
      CrossServiceAddition: (e) =>
        Effect.succeed(
          `${label}: CrossServiceAddition (${e.chatService ?? "?"} group), start a new chat instead`
        ),
      TooFewParticipants: () =>
        Effect.succeed(`${label}: TooFewParticipants, a group keeps at least 3 people`),
      ParticipantAlreadyInChat: () => Effect.succeed(`${label}: ParticipantAlreadyInChat, nothing to do`),
      ParticipantNotInChat: () => Effect.succeed(`${label}: ParticipantNotInChat, nothing to do`)
    }),
    // Everything else (API, transport and input errors) is still typed:
    Effect.catchAll((e) => Effect.succeed(`${label}: ${e._tag}: ${e.message}`)),
    Effect.flatMap((line) => Console.log(`  ${line}`))
  )

export const program = Effect.gen(function* () {
  const s = yield* ScenarioTag
  yield* explain("add to a direct message", addParticipant(s.directMessage, { handle: s.newcomer }))
  yield* explain(
    "add an RCS-only handle to an iMessage group",
    addParticipant(s.group, { handle: s.rcsOnly })
  )
  yield* explain("remove from a 3-person group", removeParticipant(s.smallGroup, { handle: s.member }))
  yield* explain("add someone already there", addParticipant(s.smallGroup, { handle: s.member }))
  yield* explain("remove someone not there", removeParticipant(s.smallGroup, { handle: s.newcomer }))
  yield* explain("add with a malformed number", addParticipant(s.group, { handle: "(202) 555-0101" }))
})
