/**
 * Example: compose operations. Add several handles to a group, two requests at
 * a time, and report each outcome without stopping at the first failure.
 */
import { addParticipant } from "@linq-effect/client"
import { Console, Effect, Either } from "effect"
import { ScenarioTag } from "./Scenario.js"

export const program = Effect.gen(function* () {
  const { group, batch } = yield* ScenarioTag
  const outcomes = yield* Effect.forEach(
    batch,
    (handle) => Effect.either(addParticipant(group, { handle }, { maxRetries: 1, timeout: "10 seconds" })),
    { concurrency: 2 }
  )
  let accepted = 0
  for (const [i, outcome] of outcomes.entries()) {
    const line = Either.match(outcome, {
      onRight: (response) => {
        accepted++
        return `accepted (trace ${response.trace_id})`
      },
      onLeft: (error) => `${error._tag}: ${error.message}`
    })
    yield* Console.log(`  #${i + 1} ${line}`)
  }
  yield* Console.log(`  ${accepted} of ${batch.length} accepted`)
})
