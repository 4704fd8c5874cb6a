/**
 * The fault matrix: every fault class × both operations × retries on
 * (`maxRetries: 2`) and off (`maxRetries: 0`). Each cell asserts the outcome
 * (success or the documented error tag), the exact number of attempts, and the
 * waits between them (on the TestClock: nothing really sleeps), and that the
 * API key and the handle show up in no error, log line or span.
 *
 * In-process (`FakeLinq` as the `HttpClient`) wherever it can be; over
 * loopback HTTP (undici) for the refused and dropped connections. The table
 * is printed once at the end and written to `fault-matrix.md`, which the
 * README's Reliability section reproduces.
 */
import { writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import type { FakeLinqService } from "@linq-effect/testing"
import { FakeLinq, Fault, InProcessClient } from "@linq-effect/testing"
import type { Exit } from "effect"
import { Clock, Context, Duration, Effect, Layer, Option } from "effect"
import type { Operation, OperationError, OperationResult } from "./helpers.js"
import {
  API_KEY,
  captured,
  drive,
  errorOf,
  leaksOf,
  makeCapture,
  OPERATIONS,
  outcomeOf,
  renderExit,
  runOperation
} from "./helpers.js"

const C = FakeLinq.chats
const H = FakeLinq.handles

/** The per-attempt timeout of the matrix's client (distinct from every wait, see `drive`). */
const TIMEOUT_MS = 30_000
const RETRIES_ON = 2

type Transport = "in-process" | "loopback" | "refused"

/** What the waits between attempts must be, with retries on. */
type Waits =
  | { readonly _tag: "None" }
  /** Exponential from 0.5 s, doubling, minus up to 25 % jitter. */
  | { readonly _tag: "Backoff" }
  /** Exactly these (a server's `Retry-After`). */
  | { readonly _tag: "Exact"; readonly millis: ReadonlyArray<number> }

interface Row {
  /** The table's label of the fault. */
  readonly fault: string
  readonly transport: Transport
  /** Scripts the fake (before the call, at TestClock time 0). */
  readonly setup?: (fake: FakeLinqService, op: Operation) => Effect.Effect<void>
  /** The handle the call uses (default: one the operation accepts). */
  readonly handle?: (op: Operation) => string
  /** `"success"` or the error's tag, per operation. */
  readonly outcome: (op: Operation) => string
  /** Whether the failure is retried: `maxRetries + 1` attempts instead of 1. */
  readonly retried: boolean
  readonly waits: Waits
  /** Each attempt hangs until the timeout. */
  readonly hangs?: boolean
  /** The `retryAfter` the final `RateLimited` carries (read from the last answer). */
  readonly retryAfter?: (maxRetries: number) => Duration.Duration
}

const always = (fault: Fault.Fault) => (fake: FakeLinqService, op: Operation) =>
  fake.inject(fault, { route: op, times: "always" })

const same = (outcome: string) => () => outcome
const none: Waits = { _tag: "None" }
const backoff: Waits = { _tag: "Backoff" }
const exact = (...millis: ReadonlyArray<number>): Waits => ({ _tag: "Exact", millis })

const statusRow = (status: number, outcome: string, retried: boolean): Row => ({
  fault: String(status),
  transport: "in-process",
  setup: always(Fault.status(status)),
  outcome: same(outcome),
  retried,
  waits: retried ? backoff : none
})

const HUGE = 5_000_000

const ROWS: ReadonlyArray<Row> = [
  {
    fault: "none (normal answer)",
    transport: "in-process",
    outcome: same("success"),
    retried: false,
    waits: none
  },
  {
    fault: "204, empty body",
    transport: "in-process",
    setup: always(Fault.empty(204)),
    outcome: same("success"),
    retried: false,
    waits: none
  },
  {
    fault: "group-chat rule broken (the fake's own 409 / 400)",
    transport: "in-process",
    handle: (op) => (op === "add" ? H.alice : H.newcomer),
    outcome: (op) => (op === "add" ? "ParticipantAlreadyInChat" : "ParticipantNotInChat"),
    retried: false,
    waits: none
  },
  {
    fault: "rule violation with `x-should-retry: true`",
    transport: "in-process",
    setup: (fake, op) =>
      always(
        op === "add"
          ? Fault.status(409, { message: "Participant is already in this chat", shouldRetry: true })
          : Fault.status(400, { message: "Participant is not in this chat", shouldRetry: true })
      )(fake, op),
    outcome: (op) => (op === "add" ? "ParticipantAlreadyInChat" : "ParticipantNotInChat"),
    retried: false,
    waits: none
  },
  statusRow(400, "InvalidRequest", false),
  statusRow(401, "Unauthorized", false),
  statusRow(403, "PermissionDenied", false),
  statusRow(404, "ChatNotFound", false),
  statusRow(408, "ApiError", true),
  statusRow(409, "ApiError", true),
  statusRow(422, "InvalidRequest", false),
  { ...statusRow(429, "RateLimited", true), fault: "429, no `Retry-After`" },
  {
    fault: "429, `Retry-After: 2`",
    transport: "in-process",
    setup: always(Fault.status(429, { retryAfter: 2 })),
    outcome: same("RateLimited"),
    retried: true,
    waits: exact(2_000, 2_000),
    retryAfter: () => Duration.seconds(2)
  },
  {
    fault: "429, `Retry-After: <HTTP date 3 s ahead>`",
    transport: "in-process",
    // TestClock time is 0 when the fault is scripted: the date is 00:00:03 GMT, 1 January 1970.
    setup: (fake, op) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        always(Fault.status(429, { retryAfter: new Date(now + 3_000) }))(fake, op)
      ),
    outcome: same("RateLimited"),
    retried: true,
    // The date is absolute: 3 s from the first answer, already past at the second.
    waits: exact(3_000, 0),
    retryAfter: (maxRetries) => (maxRetries === 0 ? Duration.seconds(3) : Duration.zero)
  },
  {
    fault: "429, `retry-after-ms: 250`",
    transport: "in-process",
    setup: always(Fault.status(429, { retryAfterMs: 250 })),
    outcome: same("RateLimited"),
    retried: true,
    waits: exact(250, 250),
    retryAfter: () => Duration.millis(250)
  },
  {
    fault: "429, `retry-after-ms: 250` and `Retry-After: 5`",
    transport: "in-process",
    setup: always(Fault.status(429, { retryAfterMs: 250, retryAfter: 5 })),
    outcome: same("RateLimited"),
    retried: true,
    waits: exact(250, 250),
    retryAfter: () => Duration.millis(250)
  },
  {
    fault: "429, `Retry-After: 3600`",
    transport: "in-process",
    setup: always(Fault.status(429, { retryAfter: 3600 })),
    outcome: same("RateLimited"),
    retried: true,
    waits: exact(60_000, 60_000),
    retryAfter: () => Duration.hours(1)
  },
  statusRow(500, "ServerError", true),
  statusRow(502, "ServerError", true),
  statusRow(503, "ServerError", true),
  statusRow(504, "ServerError", true),
  {
    fault: "502, HTML page from a gateway",
    transport: "in-process",
    setup: always(Fault.html(502)),
    outcome: same("ServerError"),
    retried: true,
    waits: backoff
  },
  {
    fault: "503, 5 MB body (over the 4 MiB cap)",
    transport: "in-process",
    setup: always(Fault.status(503, { body: `<html>${"x".repeat(HUGE)}</html>` })),
    outcome: same("ServerError"),
    retried: true,
    waits: backoff
  },
  {
    fault: "400 with `x-should-retry: true`",
    transport: "in-process",
    setup: always(Fault.status(400, { shouldRetry: true })),
    outcome: same("InvalidRequest"),
    retried: true,
    waits: backoff
  },
  {
    fault: "503 with `x-should-retry: false`",
    transport: "in-process",
    setup: always(Fault.status(503, { shouldRetry: false })),
    outcome: same("ServerError"),
    retried: false,
    waits: none
  },
  {
    fault: "connection refused (closed port)",
    transport: "refused",
    outcome: same("ConnectionError"),
    retried: true,
    waits: backoff
  },
  {
    fault: "connection dropped mid-request",
    transport: "loopback",
    setup: always(Fault.disconnect),
    outcome: same("ConnectionError"),
    retried: true,
    waits: backoff
  },
  {
    fault: `hang past the ${TIMEOUT_MS / 1000} s timeout`,
    transport: "in-process",
    setup: always(Fault.hang),
    outcome: same("RequestTimeout"),
    retried: true,
    waits: backoff,
    hangs: true
  },
  {
    fault: "2xx, empty body",
    transport: "in-process",
    setup: always(Fault.empty(202)),
    outcome: same("UnexpectedResponse"),
    retried: false,
    waits: none
  },
  {
    fault: "2xx, HTML body",
    transport: "in-process",
    setup: always(Fault.html(200)),
    outcome: same("UnexpectedResponse"),
    retried: false,
    waits: none
  },
  {
    fault: "2xx, truncated JSON",
    transport: "in-process",
    setup: always(Fault.truncatedJson()),
    outcome: same("UnexpectedResponse"),
    retried: false,
    waits: none
  },
  {
    fault: "2xx, wrong-typed JSON",
    transport: "in-process",
    setup: always(Fault.wrongTypes()),
    outcome: same("UnexpectedResponse"),
    retried: false,
    waits: none
  },
  {
    fault: "2xx, 5 MB body (over the 4 MiB cap)",
    transport: "in-process",
    setup: always(Fault.hugeBody(202, HUGE)),
    outcome: same("UnexpectedResponse"),
    retried: false,
    waits: none
  }
]

// ---------------------------------------------------------------------------
// Running one cell
// ---------------------------------------------------------------------------

/** A port nothing listens on: bound, then closed. */
const closedPort = Effect.callback<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

interface Transported {
  readonly fake: Option.Option<FakeLinqService>
  readonly platform: HttpClient.HttpClient
  readonly baseUrl: Option.Option<string>
}

const undici = Effect.map(Layer.build(NodeHttpClient.layerUndici), (ctx) =>
  Context.get(ctx, HttpClient.HttpClient)
)

const transport = (kind: Transport) => {
  switch (kind) {
    case "in-process":
      return Effect.map(
        FakeLinq.make(),
        (fake): Transported => ({
          fake: Option.some(fake),
          platform: InProcessClient.make(fake.handle),
          baseUrl: Option.none()
        })
      )
    case "loopback":
      return Effect.gen(function* () {
        const fake = yield* FakeLinq.serve()
        const platform = yield* undici
        return { fake: Option.some(fake), platform, baseUrl: Option.some(fake.baseUrl) } satisfies Transported
      })
    case "refused":
      return Effect.gen(function* () {
        const port = yield* closedPort
        const platform = yield* undici
        return {
          fake: Option.none(),
          platform,
          baseUrl: Option.some(`http://127.0.0.1:${port}/api/partner`)
        } satisfies Transported
      })
  }
}

interface CellResult {
  readonly exit: Exit.Exit<OperationResult, OperationError>
  readonly outcome: string
  /** When each attempt started (TestClock milliseconds). */
  readonly starts: ReadonlyArray<number>
  /** How many requests of the operation's route the fake received. */
  readonly received: Option.Option<number>
  readonly elapsed: number
  /** What the key and the handle leaked into. */
  readonly keyLeaks: ReadonlyArray<string>
  readonly handleLeaks: ReadonlyArray<string>
  /**
   * Whether the capture saw the operation's span with its attempt count (and,
   * where the platform's client span is traced, its Authorization redacted).
   */
  readonly sawSpans: boolean
}

const runCell = (row: Row, op: Operation, maxRetries: number) =>
  Effect.gen(function* () {
    const capture = makeCapture()
    const { fake, platform, baseUrl } = yield* transport(row.transport)
    if (row.setup !== undefined && Option.isSome(fake)) yield* row.setup(fake.value, op)
    const starts: Array<number> = []
    const counted = HttpClient.tapRequest(platform, () =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        starts.push(now)
      })
    )
    const linq = yield* LinqHttpClient.make({
      apiKey: API_KEY,
      maxRetries,
      timeout: Duration.millis(TIMEOUT_MS),
      ...Option.match(baseUrl, { onNone: () => ({}), onSome: (url) => ({ baseUrl: url }) })
    }).pipe(Effect.provideService(HttpClient.HttpClient, counted))
    const handle = row.handle?.(op) ?? (op === "add" ? H.newcomer : H.dave)
    const t0 = yield* Clock.currentTimeMillis
    const call = runOperation(op, C.iMessageGroup, handle).pipe(
      Effect.exit,
      Effect.zip(Clock.currentTimeMillis),
      Effect.provideService(LinqHttpClient, linq),
      captured(capture)
    )
    const [exit, t1] = yield* drive(call, { timeoutMs: TIMEOUT_MS, fireTimeouts: row.hangs === true })
    const received = Option.isSome(fake)
      ? Option.some((yield* fake.value.journal).filter((entry) => entry.route === op).length)
      : Option.none()
    const logsAndSpans = [...capture.logs, ...capture.spanTexts()]
    const method = op === "add" ? "POST" : "DELETE"
    return {
      exit,
      outcome: outcomeOf(op, exit),
      starts,
      received,
      elapsed: t1 - t0,
      keyLeaks: leaksOf(API_KEY, [...renderExit(exit), ...logsAndSpans]),
      handleLeaks: leaksOf(handle, logsAndSpans),
      sawSpans:
        capture.spans.some(
          (span) =>
            span.name === `Linq ${method} /v3/chats/{chatId}/participants` &&
            span.attributes.get("linq.attempts") === starts.length
        ) &&
        capture.spans.every((span) =>
          span.attributes.has("http.request.header.authorization")
            ? span.attributes.get("http.request.header.authorization") === "<redacted>"
            : true
        )
    } satisfies CellResult
  }).pipe(Effect.scoped)

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

const results = new Map<string, { readonly outcome: string; readonly attempts: number }>()
/** Cells whose every assertion held: the table file is only written when all did. */
let passed = 0
const key = (row: Row, op: Operation, maxRetries: number) => `${row.fault}|${op}|${maxRetries}`

const seconds = (millis: number) => `${millis / 1000} s`

const wantedWaits = (waits: Waits): string => {
  switch (waits._tag) {
    case "None":
      return "—"
    case "Backoff":
      return "0.375–0.5 s, then 0.75–1 s"
    case "Exact":
      return waits.millis.map(seconds).join(", then ")
  }
}

const renderTable = (): string => {
  const cell = (row: Row, op: Operation, maxRetries: number) => results.get(key(row, op, maxRetries))
  const lines = [
    "| Fault | `addParticipant` | `removeParticipant` | Attempts (`maxRetries` 2 / 0) | Waits between attempts (`maxRetries` 2) |",
    "|---|---|---|---|---|"
  ]
  for (const row of ROWS) {
    const outcome = (op: Operation) => {
      const on = cell(row, op, RETRIES_ON)
      const off = cell(row, op, 0)
      if (on === undefined || off === undefined) return "(not run)"
      const show = (o: string) => (o === "success" ? "success" : `\`${o}\``)
      return on.outcome === off.outcome ? show(on.outcome) : `${show(on.outcome)} / ${show(off.outcome)}`
    }
    const attempts = OPERATIONS.map(
      (op) => `${cell(row, op, RETRIES_ON)?.attempts ?? "?"} / ${cell(row, op, 0)?.attempts ?? "?"}`
    )
    const attemptText =
      attempts[0] === attempts[1] ? attempts[0] : `add ${attempts[0]}, remove ${attempts[1]}`
    const waits =
      row.hangs === true ? `${wantedWaits(row.waits)} (after each 30 s timeout)` : wantedWaits(row.waits)
    lines.push(`| ${row.fault} | ${outcome("add")} | ${outcome("remove")} | ${attemptText} | ${waits} |`)
  }
  return `${lines.join("\n")}\n`
}

const TABLE_FILE = new URL("./fault-matrix.md", import.meta.url)

afterAll(() => {
  const table = renderTable()
  console.log(
    `Fault matrix (in-process FakeLinq; loopback HTTP for refused and dropped connections)\n\n${table}`
  )
  if (passed === ROWS.length * OPERATIONS.length * 2) writeFileSync(TABLE_FILE, table)
})

// ---------------------------------------------------------------------------
// The cells
// ---------------------------------------------------------------------------

describe("fault matrix", () => {
  for (const row of ROWS) {
    for (const op of OPERATIONS) {
      for (const maxRetries of [RETRIES_ON, 0]) {
        it.effect(`${row.fault} · ${op} · maxRetries ${maxRetries}`, () =>
          Effect.gen(function* () {
            const result = yield* runCell(row, op, maxRetries)
            const attempts = result.starts.length
            results.set(key(row, op, maxRetries), { outcome: result.outcome, attempts })

            // The outcome, never a defect.
            expect(result.outcome).toBe(row.outcome(op))

            // The exact attempt count, as the fake (or the counter) saw it.
            const wanted = row.retried ? maxRetries + 1 : 1
            expect(attempts).toBe(wanted)
            if (Option.isSome(result.received)) expect(result.received.value).toBe(wanted)

            // The waits between attempts, and the total (virtual) time.
            const attemptTime = row.hangs === true ? TIMEOUT_MS : 0
            // (Clock times are fractional, with the jitter: allow for rounding.)
            const waits = result.starts
              .slice(1)
              .map((start, i) => Math.round((start - (result.starts[i] ?? 0) - attemptTime) * 1000) / 1000)
            let waitBound = 0
            if (maxRetries > 0) {
              switch (row.waits._tag) {
                case "None":
                  break
                case "Backoff":
                  waits.forEach((wait, i) => {
                    const full = 500 * 2 ** i
                    expect(wait).toBeGreaterThanOrEqual(0.75 * full)
                    expect(wait).toBeLessThanOrEqual(full)
                  })
                  waitBound = 1_500
                  break
                case "Exact":
                  expect(waits).toEqual(row.waits.millis)
                  waitBound = row.waits.millis.reduce((a, b) => a + b, 0)
                  break
              }
            } else {
              expect(waits).toEqual([])
            }
            expect(result.elapsed).toBeGreaterThanOrEqual(attempts * attemptTime)
            expect(result.elapsed).toBeLessThanOrEqual(attempts * attemptTime + waitBound)

            // A 429 says how long the server asked to wait.
            if (row.retryAfter !== undefined) {
              const error = errorOf(result.exit)
              expect(
                Option.isSome(error) && error.value._tag === "RateLimited" && error.value.retryAfter
              ).toEqual(row.retryAfter(maxRetries))
            }

            // Secrets: the key is nowhere, the handle in no log line or span.
            expect(result.sawSpans).toBe(true)
            expect(result.keyLeaks).toEqual([])
            expect(result.handleLeaks).toEqual([])
            passed++
          })
        )
      }
    }
  }
})
