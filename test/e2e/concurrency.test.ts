/**
 * End to end, over real HTTP: 1,000 concurrent adds and removes (at most 64
 * in flight) over four group chats, ending in exactly the state the rules
 * allow: no group below 3 members, no lost update (per chat and handle, the
 * final membership is the initial one plus the accepted adds minus the
 * accepted removes), every failure a typed rule violation about the call
 * that caused it, every call sent exactly once.
 */
import { expect, layer } from "@effect/vitest"
import type { ServiceType } from "@linq-effect/core"
import type { FakeSeed } from "@linq-effect/testing"
import { Effect, Result } from "effect"
import { participantCall, prng, start, transports } from "./harness.js"

interface GroupSpec {
  readonly id: string
  readonly service: ServiceType
  readonly members: number
  /** The outsiders (indexes into {@link outsiders}) that operations on this chat may also name. */
  readonly outsiders: ReadonlyArray<number>
  /** How likely an operation on this chat is a removal. */
  readonly removeRate: number
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

const groups: ReadonlyArray<GroupSpec> = [
  // removal-heavy over its own members: sinks to the floor of 3 and keeps hitting it
  { id: "e2e-shrinking", service: "iMessage", members: 10, outsiders: [0, 1], removeRate: 0.8 },
  // addition-heavy: grows, with many ParticipantAlreadyInChat
  { id: "e2e-growing", service: "RCS", members: 12, outsiders: range(6, 22), removeRate: 0.3 },
  {
    id: "e2e-mixed-imessage",
    service: "iMessage",
    members: 15,
    outsiders: [...range(0, 4), ...range(20, 32)],
    removeRate: 0.5
  },
  { id: "e2e-mixed-sms", service: "SMS", members: 20, outsiders: [4, 5, ...range(24, 40)], removeRate: 0.5 }
]

const memberOf = (g: number, i: number) => `+1303555${g}${String(i).padStart(3, "0")}`
const membersOf = (g: number): ReadonlyArray<string> =>
  Array.from({ length: groups[g]!.members }, (_, i) => memberOf(g, i))

/** Outsiders: in no chat at start; 0-5 support RCS only, 6-11 iMessage and SMS only, the rest everything. */
const outsiders: ReadonlyArray<string> = Array.from(
  { length: 40 },
  (_, i) => `+1404555${String(i).padStart(4, "0")}`
)
const capabilities: Record<string, ReadonlyArray<ServiceType>> = {}
for (const [i, handle] of outsiders.entries()) {
  if (i < 6) capabilities[handle] = ["RCS"]
  else if (i < 12) capabilities[handle] = ["iMessage", "SMS"]
}

const seed: FakeSeed = {
  chats: groups.map((g, index) => ({
    id: g.id,
    service: g.service,
    is_group: true,
    handles: membersOf(index)
  })),
  capabilities
}

interface Op {
  readonly kind: "add" | "remove"
  readonly chatId: string
  readonly handle: string
}

/**
 * 1,000 operations, the same on every run (a seeded PRNG), 250 per group,
 * each naming a handle drawn from the group's members and its outsiders: a
 * random walk of the membership, with every rule in play.
 */
const operations: ReadonlyArray<Op> = (() => {
  const random = prng(20250115)
  const universes = groups.map((g, index) => [...membersOf(index), ...g.outsiders.map((i) => outsiders[i]!)])
  return Array.from({ length: 1000 }, (_, n): Op => {
    const g = n % groups.length
    const universe = universes[g]!
    const kind = random() < groups[g]!.removeRate ? "remove" : "add"
    return { kind, chatId: groups[g]!.id, handle: universe[Math.floor(random() * universe.length)]! }
  })
})()

const ADD_VIOLATIONS = new Set(["ParticipantAlreadyInChat", "CrossServiceAddition"])
const REMOVE_VIOLATIONS = new Set(["ParticipantNotInChat", "TooFewParticipants"])

for (const transport of transports) {
  layer(transport.layer, { excludeTestServices: true })(
    `concurrency end to end over ${transport.name}`,
    (it) => {
      it.effect(
        "1,000 concurrent mixed adds and removes end in exactly the state the rules allow",
        () =>
          Effect.gen(function* () {
            const { fake, sdk } = yield* start({ seed, fake: { queueDelay: 0 } })

            const results = yield* Effect.forEach(
              operations,
              (op) =>
                sdk(participantCall(op.kind, op.chatId, op.handle)).pipe(
                  Effect.result,
                  Effect.map((result) => ({ op, result }))
                ),
              { concurrency: 64 }
            )

            // Every failure is a rule violation that this very call could meet, about this chat and handle.
            const failures = results.flatMap(({ op, result }) =>
              Result.isFailure(result) ? [{ op, error: result.failure }] : []
            )
            for (const { op, error } of failures) {
              const allowed = op.kind === "add" ? ADD_VIOLATIONS : REMOVE_VIOLATIONS
              expect(allowed.has(error._tag), `${op.kind} ${op.chatId} ${op.handle}: ${error._tag}`).toBe(
                true
              )
              expect(error).toMatchObject({ chatId: op.chatId, handle: op.handle })
            }
            // RCS-only outsiders never join the iMessage and SMS groups, iMessage/SMS-only ones never the RCS group.
            for (const { op, error } of failures) {
              if (error._tag !== "CrossServiceAddition") continue
              const group = groups.find((g) => g.id === op.chatId)!
              expect(capabilities[op.handle]).toBeDefined()
              expect(capabilities[op.handle]).not.toContain(group.service)
            }

            // Every call was sent exactly once (violations are never retried) and answered.
            const journal = yield* fake.journal
            expect(journal).toHaveLength(operations.length)
            const accepted = results.filter(({ result }) => Result.isSuccess(result)).length
            expect(
              journal.filter((e) => e.outcome._tag === "Responded" && e.outcome.status === 202)
            ).toHaveLength(accepted)
            expect(journal.every((e) => e.outcome._tag === "Responded")).toBe(true)

            for (const [index, group] of groups.entries()) {
              const initial = new Set(membersOf(index))
              const final = new Set(yield* fake.participants(group.id))
              const mine = results.filter(({ op }) => op.chatId === group.id)
              const acceptedAdds = mine.filter(
                ({ op, result }) => op.kind === "add" && Result.isSuccess(result)
              )
              const acceptedRemoves = mine.filter(
                ({ op, result }) => op.kind === "remove" && Result.isSuccess(result)
              )

              // the floor holds
              expect(final.size, group.id).toBeGreaterThanOrEqual(3)

              // no lost update: per handle, initial + accepted adds − accepted removes = final membership
              const net = new Map<string, number>()
              for (const h of initial) net.set(h, 1)
              for (const { op } of acceptedAdds) net.set(op.handle, (net.get(op.handle) ?? 0) + 1)
              for (const { op } of acceptedRemoves) net.set(op.handle, (net.get(op.handle) ?? 0) - 1)
              for (const [handle, count] of net) {
                expect([handle, count], group.id).toEqual([handle, final.has(handle) ? 1 : 0])
              }
              for (const handle of final)
                expect(net.has(handle), `${group.id}: ${handle} came from nowhere`).toBe(true)
              expect(final.size, group.id).toBe(initial.size + acceptedAdds.length - acceptedRemoves.length)

              // and the chat's history holds exactly one entry per accepted add and one removal per accepted remove
              const chat = yield* fake.chat(group.id)
              expect(chat.handles.length, group.id).toBe(initial.size + acceptedAdds.length)
              expect(chat.handles.filter((h) => h.status === "removed").length, group.id).toBe(
                acceptedRemoves.length
              )
            }

            // The run exercised every rule it was meant to (so the checks above are not vacuous).
            const tags = new Set(failures.map(({ error }) => error._tag))
            // (the outcome counts, printed should this fail)
            const tally: Record<string, number> = {}
            for (const { op, result } of results) {
              const key = `${op.chatId} ${op.kind} ${Result.isSuccess(result) ? "ok" : result.failure._tag}`
              tally[key] = (tally[key] ?? 0) + 1
            }
            expect([...tags].sort(), JSON.stringify(tally)).toEqual([
              "CrossServiceAddition",
              "ParticipantAlreadyInChat",
              "ParticipantNotInChat",
              "TooFewParticipants"
            ])
            expect(results.some(({ op, result }) => op.kind === "add" && Result.isSuccess(result))).toBe(true)
            expect(results.some(({ op, result }) => op.kind === "remove" && Result.isSuccess(result))).toBe(
              true
            )
            expect(
              failures.some(
                ({ op, error }) => op.chatId === groups[0]!.id && error._tag === "TooFewParticipants"
              )
            ).toBe(true)
          }),
        // 1,000 real HTTP round trips through the whole stack: generous against a loaded 2-core machine
        120_000
      )
    }
  )
}
