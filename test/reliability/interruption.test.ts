/**
 * Interruption: 500 requests in flight against a FakeLinq served on loopback
 * (every answer hangs), over undici and over fetch, are interrupted. After
 * that, every fiber is done (each exit an interruption; a fiber-runtime hook
 * that counted every fiber the calls started sees none alive), the fake saw every
 * request's client go away, and no connection stays open at the server.
 */
import { FetchHttpClient, HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Context, Effect, Exit, Fiber, Layer, Metric } from "effect"
import type { Operation } from "./helpers.js"
import { API_KEY, eventually, runOperation } from "./helpers.js"

const IN_FLIGHT = 500

const transports = [
  { name: "NodeHttpClient.layerUndici", layer: NodeHttpClient.layerUndici },
  { name: "FetchHttpClient", layer: FetchHttpClient.layer }
] as const

describe("interruption", () => {
  for (const { name, layer } of transports) {
    it.live(
      `${IN_FLIGHT} requests in flight over ${name}, interrupted: no open connection, no running fiber`,
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve()
          yield* fake.inject(Fault.hang, { times: "always" })
          const platform = yield* Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
          const linq = yield* LinqHttpClient.make({ apiKey: API_KEY, baseUrl: fake.baseUrl }).pipe(
            Effect.provideService(HttpClient.HttpClient, platform)
          )
          // Every fiber started under the calls (theirs, and any they fork or run detached with their
          // context) reports its start and end here: Effect 4 has no Supervisor.
          let started = 0
          let alive = 0
          const tracker: Metric.FiberRuntimeMetricsService = {
            recordFiberStart: () => {
              started++
              alive++
            },
            recordFiberEnd: () => {
              alive--
            }
          }

          const fibers = yield* Effect.forEach(Array.from({ length: IN_FLIGHT }), (_, i) => {
            const op: Operation = i % 2 === 0 ? "add" : "remove"
            const handle = op === "add" ? FakeLinq.handles.newcomer : FakeLinq.handles.dave
            return runOperation(op, FakeLinq.chats.iMessageGroup, handle).pipe(
              Effect.provideService(LinqHttpClient, linq),
              Effect.forkChild
            )
          }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, tracker))

          // Every request reached the server and hangs there.
          yield* eventually(
            `${IN_FLIGHT} requests pending at the fake`,
            Effect.map(
              fake.journal,
              (entries) =>
                entries.length === IN_FLIGHT && entries.every((entry) => entry.outcome._tag === "Pending")
            ),
            15_000
          )
          expect(yield* fake.openConnections).toBeGreaterThan(0)
          expect(started).toBeGreaterThanOrEqual(IN_FLIGHT)
          expect(alive).toBeGreaterThanOrEqual(IN_FLIGHT)

          yield* Fiber.interruptAll(fibers)

          // Every fiber is done, and ended by the interruption.
          const exits = yield* Effect.forEach(fibers, Fiber.await)
          expect(exits.every(Exit.hasInterrupts)).toBe(true)
          yield* eventually(
            "no fiber forked by the calls still running",
            Effect.sync(() => alive === 0)
          )

          // The fake saw each client go away, and no connection stays open.
          yield* eventually(
            "every request interrupted at the fake",
            Effect.map(fake.journal, (entries) =>
              entries.every((entry) => entry.outcome._tag === "Interrupted")
            )
          )
          yield* eventually(
            "no open connection at the fake",
            Effect.map(fake.openConnections, (open) => open === 0)
          )
        }),
      60_000
    )
  }
})
