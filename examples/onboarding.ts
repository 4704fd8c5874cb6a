/**
 * Example: a small piece of a user's own service, built on the SDK. It adds a
 * list of people to a group and sorts the outcomes; `onboarding.test.ts` tests
 * it against FakeLinq.
 */
import { addParticipant } from "@linq-effect/client"
import type { LinqHttpClient } from "@linq-effect/http"
import { Effect } from "effect"
import { ScenarioTag } from "./Scenario.js"
import { maskHandle, printOutcome } from "./Step.js"

export interface OnboardingReport {
  readonly added: ReadonlyArray<string>
  readonly alreadyThere: ReadonlyArray<string>
  /** Handles that cannot join this group: each with the reason's tag. */
  readonly refused: ReadonlyArray<{ readonly handle: string; readonly reason: string }>
}

/**
 * Adds every handle to the group, 4 at a time. Rule violations and bad input
 * are sorted into the report; API and transport failures still fail the
 * effect (the caller decides whether to retry the whole onboarding).
 */
export const onboard = (chatId: string, handles: ReadonlyArray<string>) =>
  Effect.forEach(
    handles,
    (handle) =>
      addParticipant(chatId, { handle }).pipe(
        Effect.as({ handle, outcome: "added" as const }),
        Effect.catchTag("ParticipantAlreadyInChat", () =>
          Effect.succeed({ handle, outcome: "alreadyThere" as const })
        ),
        Effect.catchTags({
          InvalidHandle: (e) => Effect.succeed({ handle, outcome: "refused" as const, reason: e._tag }),
          CrossServiceAddition: (e) => Effect.succeed({ handle, outcome: "refused" as const, reason: e._tag })
        })
      ),
    { concurrency: 4 }
  ).pipe(
    Effect.map(
      (outcomes): OnboardingReport => ({
        added: outcomes.filter((o) => o.outcome === "added").map((o) => o.handle),
        alreadyThere: outcomes.filter((o) => o.outcome === "alreadyThere").map((o) => o.handle),
        refused: outcomes.flatMap((o) =>
          o.outcome === "refused" ? [{ handle: o.handle, reason: o.reason }] : []
        )
      })
    )
  )

/** The type says what can still go wrong after onboarding sorted its cases. */
export type OnboardError = Effect.Error<ReturnType<typeof onboard>>
export type OnboardRequirements = Effect.Services<ReturnType<typeof onboard>> & LinqHttpClient

export const program = Effect.gen(function* () {
  const s = yield* ScenarioTag
  const handles = [s.newcomer, s.member, s.rcsOnly, "not a phone"]
  const report = yield* Effect.result(onboard(s.group, handles))
  const list = (hs: ReadonlyArray<string>) => (hs.length === 0 ? "none" : hs.map(maskHandle).join(", "))
  yield* printOutcome({ op: `onboard ${handles.length} handles`, chatId: s.group }, report, (r) =>
    [
      `added ${list(r.added)}`,
      `already there ${list(r.alreadyThere)}`,
      `refused ${r.refused.map((x) => `${maskHandle(x.handle)} (${x.reason})`).join(", ") || "none"}`
    ].join("; ")
  )
})
