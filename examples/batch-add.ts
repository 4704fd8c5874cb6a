/**
 * Example: compose operations. Add several handles to a group, two requests at
 * a time, and report each outcome without stopping at the first failure.
 */
import { addParticipant } from "@linq-effect/client"
import { Console, Effect, Result } from "effect"
import { ScenarioTag } from "./Scenario.js"
import { describeQueued, printOutcome, shortChatId } from "./Step.js"

export const program = Effect.gen(function* () {
  const { group, batch } = yield* ScenarioTag
  const outcomes = yield* Effect.forEach(
    batch,
    (handle) => Effect.result(addParticipant(group, { handle }, { maxRetries: 1, timeout: "10 seconds" })),
    { concurrency: 2 }
  )
  // Printed in input order, whatever order the answers came in.
  for (const [i, outcome] of outcomes.entries()) {
    yield* printOutcome({ op: "add", handle: batch[i] ?? "", chatId: group }, outcome, describeQueued)
  }
  const accepted = outcomes.filter(Result.isSuccess).length
  yield* Console.log(`  ${accepted} of ${batch.length} accepted in chat ${shortChatId(group)}`)
})
