/**
 * Example: add a participant to a group chat and print Linq's answer.
 */
import { addParticipant } from "@linq-effect/client"
import { Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"
import { describeQueued, step } from "./Step.js"

export const program = Effect.gen(function* () {
  const { group, newcomer } = yield* ScenarioTag
  // "accepted" means queued on Linq's side, not done yet.
  yield* step(
    { op: "add", handle: newcomer, chatId: group },
    addParticipant(group, { handle: newcomer }),
    describeQueued
  )
})
