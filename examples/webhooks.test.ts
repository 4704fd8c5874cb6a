/**
 * What the webhooks example shows, checked over real HTTP on loopback: the
 * secret comes back on creation only, the sync confirmed by webhooks sends
 * its planning requests and its changes and no read after them (the same
 * sync without LinqWebhooks polls), and Linq's duplicates and its retry of a
 * 503 end with each event taken in once.
 */
import { describe, expect, it } from "@effect/vitest"
import { NodeHttpClient } from "@effect/platform-node"
import { FakeLinq } from "@linq-effect/testing"
import { Effect } from "effect"
import { DOWN_FOR, run, splitRequests } from "./webhooks.js"

const H = FakeLinq.handles

describe("webhooks example", () => {
  it.live(
    "a sync confirmed by webhooks reads the chat only to plan; the duplicates and the 503's retry are taken in once",
    () =>
      Effect.gen(function* () {
        const report = yield* run

        // The secret on creation only, and never in what is printed.
        expect(report.created).toMatchObject({ created: true, secretShown: true })
        expect(report.again).toEqual({ created: false, secretShown: false, id: report.created.id })
        expect(report.lines.join("\n")).not.toContain("whsec_")
        expect(report.lines.join("\n")).toContain("<redacted>")

        // Confirmed by the events: the planning requests, the changes, no read after them.
        const hooked = splitRequests(report.withWebhooks.routes)
        expect(report.withWebhooks.result).toMatchObject({ complete: true, confirmed: true })
        expect(hooked.plan).toEqual(["getChat", "checkImessage"])
        expect(hooked.changes).toEqual(["add", "remove"])
        expect(hooked.reads).toEqual([])
        expect(report.withWebhooks.routes).toHaveLength(4)

        // The same sync without LinqWebhooks: the same plan and changes, then reads until the chat shows them.
        const polled = splitRequests(report.withPolling.routes)
        expect(report.withPolling.result).toMatchObject({ complete: true, confirmed: true })
        expect(polled.plan).toEqual(hooked.plan)
        expect(polled.changes).toEqual(hooked.changes)
        expect(polled.reads.length).toBeGreaterThanOrEqual(2) // one before the removal, one after it
        expect(new Set(polled.reads)).toEqual(new Set(["getChat"]))

        // Every event sent twice; the endpoint's first request answered 503, then retried and taken.
        const { deliveries } = report
        const ids = [...new Set(deliveries.map((d) => d.eventId))]
        expect(ids).toHaveLength(2)
        expect(deliveries.map((d) => [d.eventType, d.copy]).sort()).toEqual([
          ["participant.added", 0],
          ["participant.added", 1],
          ["participant.removed", 0],
          ["participant.removed", 1]
        ])
        expect(deliveries.every((d) => d.outcome._tag === "Delivered")).toBe(true)
        const statuses = deliveries.map((d) =>
          d.attempts.map((a) => (a.result._tag === "Answered" ? a.result.status : a.result._tag))
        )
        expect(statuses.filter((s) => s.length === 2)).toEqual([[503, 204]])
        expect(statuses.flat().filter((s) => s === 503)).toHaveLength(DOWN_FOR)
        expect(statuses.flat().filter((s) => s === 204)).toHaveLength(deliveries.length)

        // Taken in once each: the newcomer's add and the leaver's removal.
        expect(report.remembered).toBe(2)
        expect(report.taken.map((e) => e.eventId).sort()).toEqual([...ids].sort())
        expect(
          report.taken
            .map((e) => (e._tag === "UnknownWebhookEvent" ? e.eventType : [e._tag, e.handle]))
            .sort()
        ).toEqual([
          ["ParticipantAdded", H.newcomer],
          ["ParticipantRemoved", H.dave]
        ])

        // What a newcomer reads: the counts, from the journal.
        const line = (start: string) => report.lines.find((l) => l.trimStart().startsWith(start)) ?? ""
        expect(line("with LinqWebhooks")).toContain(
          `${report.withWebhooks.routes.length} requests: getChat + checkImessage to plan, add + remove, no read after them`
        )
        expect(line("without it")).toContain(
          `${report.withPolling.routes.length} requests: getChat + checkImessage to plan, add + remove, getChat x${polled.reads.length} polling the chat`
        )
        expect(line("LinqWebhooks took in")).toContain("2 events, each once")
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})
