/**
 * `pnpm demo`: runs every example, by default against FakeLinq served on
 * 127.0.0.1 over a real HTTP client (undici). With LINQ_API_V3_API_KEY set,
 * the same examples run against the real Linq API (or LINQ_API_V3_BASE_URL).
 */
import type { HttpClient } from "effect/http"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Config, Console, Effect, Layer, Option } from "effect"
import * as AddParticipant from "./add-participant.js"
import * as BatchAdd from "./batch-add.js"
import * as Membership from "./membership.js"
import * as Onboarding from "./onboarding.js"
import * as People from "./people.js"
import * as RemoveParticipant from "./remove-participant.js"
import * as RuleViolations from "./rule-violations.js"
import { layerFromEnv, type ScenarioTag } from "./Scenario.js"
import * as Telemetry from "./telemetry.js"
import * as Webhooks from "./webhooks.js"

const examples: ReadonlyArray<
  readonly [string, Effect.Effect<void, unknown, LinqHttpClient | ScenarioTag | HttpClient.HttpClient>]
> = [
  ["add a participant", AddParticipant.program],
  ["remove a participant", RemoveParticipant.program],
  ["handle every group-chat rule violation", RuleViolations.program],
  ["add several handles, two at a time", BatchAdd.program],
  ["a user's onboarding service (see onboarding.test.ts for its test)", Onboarding.program],
  ["webhooks: a sync confirmed by webhooks, not polling (its own FakeLinqs)", Webhooks.program],
  ["group membership: read a chat, a batch, a sync, the three rule modes", Membership.program],
  ["one person across many chats: list, offboard (dry run, applied, again), onboard, leave", People.program],
  ["export the SDK's spans and metrics with OpenTelemetry (its own FakeLinq, one 503)", Telemetry.program]
]

const runAll = Effect.forEach(examples, ([title, program], i) =>
  Console.log(`\n${i + 1}. ${title}`).pipe(Effect.andThen(program))
)

/** Against the real API: LinqHttpClient.layerConfig reads the key and base URL. */
const real = Effect.gen(function* () {
  const baseUrl = yield* Config.String("LINQ_API_V3_BASE_URL").pipe(
    Config.withDefault("https://api.linqapp.com/api/partner")
  )
  yield* Console.log(
    `LINQ_API_V3_API_KEY is set: running the examples against the real Linq API at ${baseUrl}`
  )
  yield* runAll.pipe(
    Effect.provide(
      Layer.mergeAll(
        LinqHttpClient.layerConfig().pipe(Layer.provideMerge(NodeHttpClient.layerUndici)),
        layerFromEnv
      )
    )
  )
})

/**
 * Against FakeLinq on loopback: the whole stack, real HTTP, no internet. This
 * fake applies changes at once (`queueDelay: 0`), so that each example meets
 * the state the previous ones left whatever their timing; the membership
 * step shows Linq's queue on a fake of its own.
 */
const embedded = Effect.scoped(
  Effect.gen(function* () {
    const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
    yield* Console.log(`Running the examples against the embedded FakeLinq at ${fake.baseUrl}`)
    yield* Console.log("(set LINQ_API_V3_API_KEY to run them against the real Linq API)")
    yield* runAll.pipe(
      Effect.provide(
        Layer.mergeAll(
          LinqHttpClient.layer({ apiKey: "demo-key", baseUrl: fake.baseUrl }).pipe(
            Layer.provideMerge(NodeHttpClient.layerUndici)
          ),
          layerFromEnv
        )
      )
    )
    const journal = yield* fake.journal
    yield* Console.log(
      `\nThe embedded FakeLinq answered ${journal.length} requests (the membership and people steps counted theirs above); nothing left the machine.`
    )
  })
)

const main = Effect.flatMap(Config.option(Config.Redacted("LINQ_API_V3_API_KEY")), (key) =>
  Option.isSome(key) ? real : embedded
)

NodeRuntime.runMain(main)
