/**
 * Example: add a participant to a group chat and print Linq's answer.
 */
import { addParticipant } from "@linq-effect/client"
import { Console, Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"

export const program = Effect.gen(function* () {
  const { group, newcomer } = yield* ScenarioTag
  const response = yield* addParticipant(group, { handle: newcomer })
  // "accepted" means queued on Linq's side, not done yet.
  yield* Console.log(
    `  ${response.message ?? "queued"} (status ${response.status}, trace ${response.trace_id})`
  )
}).pipe(Effect.catchAll((error) => Console.log(`  failed with ${error._tag}: ${error.message}`)))
