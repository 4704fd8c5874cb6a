/**
 * End to end, over real HTTP: interrupting in-flight calls closes their
 * connections (the server sees every request go away and ends up with no
 * open connection), the fibers end interrupted, nothing is retried, and an
 * interrupted call never changes the state.
 */
import { expect, layer } from "@effect/vitest"
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Effect, Exit, Fiber, Option } from "effect"
import { eventually, participantCall, start, transports } from "./harness.js"

const C = FakeLinq.chats
const H = FakeLinq.handles

const outsider = (i: number) => `+1505555${String(i).padStart(4, "0")}`
const initialMembers = [H.alice, H.bob, H.carol, H.dave]

for (const transport of transports) {
  layer(transport.layer, { excludeTestServices: true })(
    `interruption end to end over ${transport.name}`,
    (it) => {
      it.effect("50 calls hanging at the server, interrupted: fibers done, no open connection left", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          yield* fake.inject(Fault.hang, { times: "always" })

          const fibers = yield* Effect.forEach(
            Array.from({ length: 50 }, (_, i) => i),
            (i) =>
              Effect.forkChild(
                sdk(
                  i % 2 === 0
                    ? participantCall("add", C.iMessageGroup, outsider(i))
                    : participantCall("remove", C.iMessageGroup, initialMembers[i % 4]!)
                )
              )
          )
          // every request reached the server and hangs there
          yield* eventually(
            "50 requests pending at the server",
            fake.journal,
            (journal) => journal.length === 50 && journal.every((e) => e.outcome._tag === "Pending")
          )
          expect(yield* fake.openConnections).toBeGreaterThan(0)
          for (const fiber of fibers) expect(fiber.pollUnsafe() === undefined).toBe(true)

          yield* Fiber.interruptAll(fibers)

          for (const fiber of fibers) {
            const exit = yield* Fiber.await(fiber)
            expect(Exit.hasInterrupts(exit)).toBe(true)
            expect(fiber.pollUnsafe() !== undefined).toBe(true)
          }
          expect(
            yield* eventually("no open connection at the server", fake.openConnections, (n) => n === 0)
          ).toBe(0)
          const journal = yield* eventually(
            "every request interrupted at the server",
            fake.journal,
            (entries) => entries.every((e) => e.outcome._tag === "Interrupted")
          )
          // nothing was retried after the interruption
          expect(journal).toHaveLength(50)
          expect(yield* fake.participants(C.iMessageGroup)).toEqual(initialMembers)

          // the client is still healthy: once the fault is gone, the next call goes through
          yield* fake.clearFaults
          yield* sdk(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
          expect(yield* fake.participants(C.iMessageGroup)).toEqual([...initialMembers, H.newcomer])
          expect((yield* fake.journal).length).toBe(51)
        })
      )

      it.effect("interrupted adds waiting in a server-side delay never change the state", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          // without the interruption, each of these would be accepted after the delay
          yield* fake.inject(Fault.delay("30 seconds"), { route: "add", times: "always" })
          const batch = Effect.forEach(
            Array.from({ length: 20 }, (_, i) => outsider(100 + i)),
            (handle) => sdk(addParticipant(C.rcsGroup, { handle })),
            { concurrency: "unbounded" }
          )
          const fiber = yield* Effect.forkChild(batch)
          yield* eventually(
            "20 requests waiting at the server",
            fake.journal,
            (journal) => journal.length === 20
          )

          yield* Fiber.interrupt(fiber)

          expect(Exit.hasInterrupts(yield* Fiber.await(fiber))).toBe(true)
          expect(
            yield* eventually("no open connection at the server", fake.openConnections, (n) => n === 0)
          ).toBe(0)
          const journal = yield* eventually(
            "every request interrupted at the server",
            fake.journal,
            (entries) => entries.every((e) => e.outcome._tag === "Interrupted")
          )
          expect(journal).toHaveLength(20)
          expect(yield* fake.participants(C.rcsGroup)).toEqual([H.frank, H.grace, H.heidi, H.ivan])
        })
      )

      it.effect("a caller's own timeout interrupts the call in flight, and its connection closes", () =>
        Effect.gen(function* () {
          const { fake, sdk } = yield* start({ fake: { queueDelay: 0 } })
          yield* fake.inject(Fault.hang, { route: "remove", times: "always" })
          const result = yield* sdk(removeParticipant(C.iMessageGroup, { handle: H.dave })).pipe(
            Effect.timeoutOption("200 millis")
          )
          expect(Option.isNone(result)).toBe(true)
          expect(
            yield* eventually("no open connection at the server", fake.openConnections, (n) => n === 0)
          ).toBe(0)
          const journal = yield* eventually(
            "the request interrupted at the server",
            fake.journal,
            (entries) => entries.every((e) => e.outcome._tag === "Interrupted")
          )
          expect(journal.map((e) => e.route)).toEqual(["remove"])
          expect(yield* fake.participants(C.iMessageGroup)).toEqual(initialMembers)
        })
      )
    }
  )
}
