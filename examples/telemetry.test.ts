/**
 * The telemetry example, checked for what a user of it sees: the spans and
 * metrics OpenTelemetry exported, and the lines it prints.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { FakeLinq } from "@linq-effect/testing"
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect } from "effect"
import { API_KEY, run, type TelemetryReport } from "./telemetry.js"

const PARTICIPANTS = "/v3/chats/{chatId}/participants"

// One run for the whole file: Effect's metrics are global to the process.
let report: TelemetryReport
beforeAll(async () => {
  report = await Effect.runPromise(run)
})

const spanNamed = (name: string) => {
  const span = report.spans.find((s) => s.name === name)
  if (span === undefined) throw new Error(`no span named ${name}`)
  return span
}

/** The spans under `parent`, at any depth. */
const descendants = (parent: ReadableSpan): ReadonlyArray<ReadableSpan> => {
  const children = report.spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId)
  return children.flatMap((child) => [child, ...descendants(child)])
}

/** The SDK's span for the participants call made inside the example's span `title`. */
const sdkSpanUnder = (title: string, method: "POST" | "DELETE") => {
  const span = descendants(spanNamed(title)).find((s) => s.name === `Linq ${method} ${PARTICIPANTS}`)
  if (span === undefined) throw new Error(`no SDK span under ${title}`)
  return span
}

describe("telemetry example", () => {
  it("exports the SDK's client span for each call, under the caller's span, with its attributes", () => {
    const added = sdkSpanUnder("add a newcomer", "POST")
    expect(added.kind).toBe(SpanKind.CLIENT)
    expect(added.status.code).toBe(SpanStatusCode.OK)
    expect(added.attributes).toMatchObject({
      "http.request.method": "POST",
      "url.template": PARTICIPANTS,
      "linq.attempts": 1,
      "http.response.status_code": 202
    })
    expect(added.attributes["server.address"]).toBe("127.0.0.1")
    expect(added.attributes["server.port"]).toBeGreaterThan(0)
    expect(added.spanContext().traceId).toBe(spanNamed("add a newcomer").spanContext().traceId)

    const removed = sdkSpanUnder("remove a member", "DELETE")
    expect(removed.attributes).toMatchObject({ "http.request.method": "DELETE", "linq.attempts": 1 })
  })

  it("marks the rule violation's span as an error with its tag", () => {
    const refused = sdkSpanUnder("add an RCS-only handle to an iMessage group", "POST")
    expect(refused.status.code).toBe(SpanStatusCode.ERROR)
    expect(refused.attributes).toMatchObject({ "error.type": "CrossServiceAddition", "linq.attempts": 1 })
  })

  it("counts both attempts of the call retried after a 503, in one span", () => {
    const retried = sdkSpanUnder("add, answered 503 once, then retried", "POST")
    expect(retried.status.code).toBe(SpanStatusCode.OK)
    expect(retried.attributes).toMatchObject({ "linq.attempts": 2, "http.response.status_code": 202 })
  })

  it("exports linq_http_attempts_total per method and route, retries included", () => {
    const attempts = report.metrics.filter((m) => m.name === "linq_http_attempts_total")
    const increase = (method: string) =>
      attempts.find((m) => m.tags.method === method && m.tags.route === PARTICIPANTS)?.increase
    // adds: newcomer 1, the refused one 1, the retried one 2; one removal
    expect(increase("POST")).toBe(4)
    expect(increase("DELETE")).toBe(1)
    for (const series of attempts) expect(Object.keys(series.tags).sort()).toEqual(["method", "route"])
    expect(report.lines).toContain(`    linq_http_attempts_total{method="POST", route="${PARTICIPANTS}"} 4`)
  })

  it("exports the client's calls by operation and outcome, and their durations", () => {
    const increase = (name: string, tags: Record<string, string>) =>
      report.metrics.find(
        (m) => m.name === name && Object.entries(tags).every(([key, value]) => m.tags[key] === value)
      )?.increase
    // three adds (the retried one counts once), one of them refused; one removal
    expect(increase("linq_client_calls_total", { operation: "addParticipant", outcome: "success" })).toBe(2)
    expect(
      increase("linq_client_calls_total", { operation: "addParticipant", outcome: "CrossServiceAddition" })
    ).toBe(1)
    expect(increase("linq_client_calls_total", { operation: "removeParticipant", outcome: "success" })).toBe(
      1
    )
    expect(report.metrics.some((m) => m.name === "linq_client_call_duration_ms")).toBe(true)
  })

  it("prints every call's outcome, the span tree and the metrics", () => {
    expect(report.lines).toContain(
      "    add an RCS-only handle to an iMessage group: failed with CrossServiceAddition"
    )
    expect(report.lines).toContain("    add, answered 503 once, then retried: accepted")
    expect(report.lines).toContain(`      Linq DELETE ${PARTICIPANTS}  [client] OK`)
  })

  it("puts the API key and the handles in no span, metric or printed line", () => {
    const exported = JSON.stringify({
      spans: report.spans.map((s) => ({
        name: s.name,
        attributes: s.attributes,
        status: s.status,
        events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
        links: s.links.map((l) => l.attributes),
        resource: s.resource.attributes
      })),
      metrics: report.metrics,
      lines: report.lines
    })
    // the serialization holds what was exported (so the checks below look at something)
    expect(exported).toContain("linq.attempts")
    expect(exported).toContain("exception")
    expect(exported).not.toContain(API_KEY)
    for (const handle of Object.values(FakeLinq.handles)) {
      expect(exported).not.toContain(handle)
      expect(exported).not.toContain(handle.slice(1)) // without the leading "+"
    }
  })
})
