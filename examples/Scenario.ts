/**
 * The chats and handles the examples work with. Against the embedded fake
 * they come from FakeLinq's default seed; against the real API, from
 * environment variables (see the README).
 */
import { FakeLinq } from "@linq-effect/testing"
import { Config, Context, Effect, Layer, Option } from "effect"

export interface Scenario {
  /** An iMessage group with 4 members. */
  readonly group: string
  /** A group with exactly 3 members: nobody can be removed. */
  readonly smallGroup: string
  /** A direct message: not a group. */
  readonly directMessage: string
  /** A handle in no chat, that can use every service. */
  readonly newcomer: string
  /** A member of `group` (and of `smallGroup`). */
  readonly member: string
  /** A handle that only supports RCS. */
  readonly rcsOnly: string
  /** Handles for the batch example. */
  readonly batch: ReadonlyArray<string>
}

export class ScenarioTag extends Context.Service<ScenarioTag, Scenario>()("examples/Scenario") {}

const H = FakeLinq.handles
const C = FakeLinq.chats

/** FakeLinq's default seed. */
export const fakeScenario: Scenario = {
  group: C.iMessageGroup,
  smallGroup: C.smallGroup,
  directMessage: C.directMessage,
  newcomer: H.newcomer,
  member: H.alice,
  rcsOnly: H.rcsOnly,
  batch: [H.iMessageCapable, H.rcsOnly, "not-a-handle", "dana@example.com"]
}

/** Each field may be overridden with LINQ_EXAMPLE_<FIELD> (e.g. LINQ_EXAMPLE_GROUP). */
export const layerFromEnv = Layer.effect(
  ScenarioTag,
  Effect.gen(function* () {
    const pick = (name: string, fallback: string) =>
      Config.option(Config.String(`LINQ_EXAMPLE_${name}`)).pipe(Effect.map(Option.getOrElse(() => fallback)))
    return {
      group: yield* pick("GROUP", fakeScenario.group),
      smallGroup: yield* pick("SMALL_GROUP", fakeScenario.smallGroup),
      directMessage: yield* pick("DIRECT_MESSAGE", fakeScenario.directMessage),
      newcomer: yield* pick("NEWCOMER", fakeScenario.newcomer),
      member: yield* pick("MEMBER", fakeScenario.member),
      rcsOnly: yield* pick("RCS_ONLY", fakeScenario.rcsOnly),
      batch: fakeScenario.batch
    }
  })
)
