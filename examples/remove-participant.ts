/**
 * Example: remove a participant from a group chat. The DELETE carries a JSON
 * body `{ handle }`.
 */
import { removeParticipant } from "@linq-effect/client"
import { Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"
import { describeQueued, step } from "./Step.js"

export const program = Effect.gen(function* () {
  const { group, member } = yield* ScenarioTag
  yield* step(
    { op: "remove", handle: member, chatId: group },
    removeParticipant(group, { handle: member }),
    describeQueued
  )
})
