/**
 * Example: remove a participant from a group chat. The DELETE carries a JSON
 * body `{ handle }`.
 */
import { removeParticipant } from "@linq-effect/client"
import { Console, Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"

export const program = Effect.gen(function* () {
  const { group, member } = yield* ScenarioTag
  const response = yield* removeParticipant(group, { handle: member })
  yield* Console.log(
    `  ${response.message ?? "queued"} (status ${response.status}, trace ${response.trace_id})`
  )
}).pipe(Effect.catchAll((error) => Console.log(`  failed with ${error._tag}: ${error.message}`)))
