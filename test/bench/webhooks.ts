/**
 * Webhook benchmark (issue 15): verifications per second and a receiving
 * handler's requests per second, `@linq-effect/webhooks` against the official
 * SDK's `client.webhooks.unwrap` (@linqapp/sdk 0.28.2, on `standardwebhooks`),
 * on the same signed bodies. Prints tables; asserts nothing; not run in CI.
 *
 *   pnpm exec tsx --conditions=@linq-effect/source test/bench/webhooks.ts           # about 1 minute
 *   BENCH_QUICK=1 pnpm exec tsx --conditions=@linq-effect/source test/bench/webhooks.ts
 *
 * Verification: a loop over N distinct bodies (a realistic `participant.added`,
 * pretty-printed as Linq sends it), each with both header sets. The official
 * SDK parses the JSON only; ours also decodes it with the WebhookEvent Schema.
 * Ours runs with the default `Mac` (node:crypto found at run time), with
 * `NodeCrypto.layerMac` and with `Mac.layerWebCrypto`, as a `makeVerifier`
 * verifier (keys imported once) and as the one-shot `verifyWebhook`.
 *
 * Handler: a loopback server per candidate (node:http), loaded by undici at
 * a fixed concurrency for a fixed time, every request a distinct signed body
 * (so nothing is a duplicate); each answer must be 204. The official SDK's
 * handler is the few lines a user writes around `unwrap` (read the body,
 * unwrap, 204 or 401). Ours are `nodeHandler` (which also deduplicates and
 * publishes to a subscriber that drains the events) and the effect/http
 * `handler` on NodeHttpServer.
 */
import { createHmac } from "node:crypto"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeCrypto, NodeHttpServer } from "@effect/platform-node"
import LinqAPIV3 from "@linqapp/sdk"
import { LinqWebhooks, makeVerifier, type Verifier, verifyWebhook } from "@linq-effect/webhooks"
import { Effect, Exit, Layer, Redacted, Scope, Stream } from "effect"
import { Mac, SecureRandom } from "effect/crypto"
import { Pool } from "undici"

const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick")
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const BODIES = QUICK ? 2_000 : 20_000
const VERIFY_MS = QUICK ? 500 : 3_000
const LOAD_MS = QUICK ? 1_000 : 5_000
const CONCURRENCY = 16
const ROUNDS = QUICK ? 1 : 3

// ------------------------------------------------------------------ bodies
interface Delivery {
  readonly body: string
  readonly headers: Record<string, string>
}

const keyBytes = Buffer.from(SECRET.slice("whsec_".length), "base64")
const makeDeliveries = (count: number, prefix: string): Array<Delivery> => {
  const timestamp = String(Math.floor(Date.now() / 1000))
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${i}`
    const body = JSON.stringify(
      {
        api_version: "v3",
        webhook_version: "2026-02-03",
        event_type: "participant.added",
        event_id: `evt-${id}`,
        created_at: "2026-02-03T10:00:00Z",
        trace_id: `trace-${id}`,
        partner_id: "partner-1",
        data: {
          handle: "+12223334444",
          chat_id: "550e8400-e29b-41d4-a716-446655440000",
          added_at: "2026-02-03T09:59:58Z",
          participant: {
            id: "h-1",
            handle: "+12223334444",
            service: "iMessage",
            joined_at: "2026-02-03T09:59:58Z",
            status: "active",
            left_at: null,
            is_me: false
          }
        }
      },
      null,
      2
    )
    const msgId = `msg_${id}`
    const standard = createHmac("sha256", keyBytes).update(`${msgId}.${timestamp}.${body}`).digest("base64")
    const legacy = createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")
    return {
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": msgId,
        "webhook-timestamp": timestamp,
        "webhook-signature": `v1,${standard}`,
        "x-webhook-timestamp": timestamp,
        "x-webhook-signature": legacy,
        "x-webhook-event": "participant.added"
      }
    }
  })
}

const official = new LinqAPIV3({ apiKey: "bench", webhookSecret: SECRET })

// ------------------------------------------------------------------ verification
/** Runs `step(i)` as often as it can for `ms`, in batches; returns operations per second. */
const timeSync = (ms: number, step: (i: number) => void): number => {
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let k = 0; k < 256; k++) step(n++)
    now = performance.now()
  }
  return (n / (now - start)) * 1000
}

const timeEffect = async (
  ms: number,
  step: (i: number) => Effect.Effect<unknown, unknown>,
  layer: Layer.Layer<never> = Layer.empty
): Promise<number> => {
  const program = Effect.gen(function* () {
    let n = 0
    const start = performance.now()
    let now = start
    while (now - start < ms) {
      for (let k = 0; k < 256; k++) yield* step(n++)
      now = performance.now()
    }
    return (n / (now - start)) * 1000
  })
  return Effect.runPromise(program.pipe(Effect.provide(layer)))
}

const median = (xs: ReadonlyArray<number>) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

const verificationRow = async (
  label: string,
  run: () => Promise<number> | number
): Promise<{ readonly label: string; readonly perSecond: number }> => {
  const rounds: Array<number> = []
  for (let r = 0; r < ROUNDS; r++) rounds.push(await run())
  return { label, perSecond: median(rounds) }
}

const benchVerification = async () => {
  const deliveries = makeDeliveries(BODIES, "v")
  const at = (i: number) => deliveries[i % deliveries.length] as Delivery
  // Every candidate must accept the bodies before it is timed.
  for (const d of deliveries.slice(0, 10)) official.webhooks.unwrap(d.body, { headers: d.headers })
  const defaultVerifier = await Effect.runPromise(makeVerifier({ secret: SECRET }))
  const redacted = Redacted.make(SECRET)
  const webCryptoOnly = await Effect.runPromise(
    makeVerifier({ secret: SECRET }).pipe(
      Effect.provide(Mac.layerWebCrypto.pipe(Layer.provide(SecureRandom.layerWebCrypto)))
    )
  )
  const nodeCrypto = await Effect.runPromise(
    makeVerifier({ secret: SECRET }).pipe(Effect.provide(NodeCrypto.layerMac))
  )
  for (const v of [defaultVerifier, nodeCrypto, webCryptoOnly] as ReadonlyArray<Verifier>) {
    const event = await Effect.runPromise(v.verify(at(0)))
    if (event._tag !== "ParticipantAdded") throw new Error("bench body did not verify")
  }
  const legacyOnly = deliveries.map(({ body, headers }) => ({
    body,
    headers: {
      "x-webhook-timestamp": headers["x-webhook-timestamp"] as string,
      "x-webhook-signature": headers["x-webhook-signature"] as string
    }
  }))
  const rows = [
    await verificationRow("@linqapp/sdk webhooks.unwrap (standardwebhooks, sync)", () =>
      timeSync(VERIFY_MS, (i) => {
        const d = at(i)
        official.webhooks.unwrap(d.body, { headers: d.headers })
      })
    ),
    await verificationRow("makeVerifier + NodeCrypto.layerMac (node:crypto)", () =>
      timeEffect(VERIFY_MS, (i) => nodeCrypto.verify(at(i)))
    ),
    await verificationRow("makeVerifier, default Mac (node:crypto found at run time)", () =>
      timeEffect(VERIFY_MS, (i) => defaultVerifier.verify(at(i)))
    ),
    await verificationRow("verifyWebhook one-shot, secret a Redacted (keys kept), default Mac", () =>
      timeEffect(VERIFY_MS, (i) => verifyWebhook(at(i), { secret: redacted }))
    ),
    await verificationRow("verifyWebhook one-shot, secret a string (imported per call), default Mac", () =>
      timeEffect(VERIFY_MS, (i) => verifyWebhook(at(i), { secret: SECRET }))
    ),
    await verificationRow("makeVerifier, WebCrypto (Mac.layerWebCrypto, any runtime)", () =>
      timeEffect(VERIFY_MS, (i) => webCryptoOnly.verify(at(i)))
    ),
    await verificationRow("legacy headers only, makeVerifier, default Mac", () =>
      timeEffect(VERIFY_MS, (i) => defaultVerifier.verify(legacyOnly[i % legacyOnly.length] as Delivery))
    )
  ]
  return rows
}

// ------------------------------------------------------------------ handlers
const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))
  )

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** What a user of the official SDK writes around `unwrap` on node:http. */
const officialHandler = (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Array<Buffer> = []
  req.on("data", (chunk: Buffer) => chunks.push(chunk))
  req.on("end", () => {
    try {
      official.webhooks.unwrap(Buffer.concat(chunks).toString("utf8"), {
        headers: req.headers as Record<string, string>
      })
      res.writeHead(204).end()
    } catch {
      res.writeHead(401).end()
    }
  })
}

/** Loads `port` at CONCURRENCY for LOAD_MS with distinct deliveries; requests per second (every answer 204). */
const load = async (port: number, deliveries: ReadonlyArray<Delivery>): Promise<number> => {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 })
  let next = 0
  let done = 0
  let bad = 0
  const deadline = performance.now() + LOAD_MS
  const worker = async () => {
    while (performance.now() < deadline) {
      const d = deliveries[next++ % deliveries.length] as Delivery
      const answer = await pool.request({
        method: "POST",
        path: "/webhooks/linq",
        body: d.body,
        headers: d.headers
      })
      await answer.body.dump()
      if (answer.statusCode === 204) done++
      else bad++
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const elapsed = performance.now() - start
  await pool.close()
  if (bad > 0) throw new Error(`${bad} answers were not 204`)
  return (done / elapsed) * 1000
}

const benchHandlers = async () => {
  const rows: Array<{ readonly label: string; readonly perSecond: number }> = []
  let round = 0
  const fresh = () => makeDeliveries(QUICK ? 20_000 : 60_000, `r${round++}`)
  const officialServer = createServer(officialHandler)
  const officialPort = await listen(officialServer)
  const officialRounds: Array<number> = []

  // Ours: one service per Mac, with a subscriber draining the events.
  const ours = async (label: string, mac: Layer.Layer<never>, served: "node" | "effect") => {
    const scope = Effect.runSync(Scope.make())
    const webhooks = await Effect.runPromise(
      Effect.gen(function* () {
        const service = yield* LinqWebhooks.make({ secret: SECRET, dedupeCapacity: 200_000 })
        const events = yield* service.subscribe
        yield* Effect.forkDetach(Stream.runDrain(events))
        return service
      }).pipe(Effect.provide(mac), Scope.provide(scope))
    )
    let port: number
    let server: Server | undefined
    if (served === "node") {
      server = createServer(webhooks.nodeHandler)
      port = await listen(server)
    } else {
      const address = await Effect.runPromise(
        Effect.gen(function* () {
          const http = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
          yield* http.serve(webhooks.handler)
          return http.address
        }).pipe(Scope.provide(scope))
      )
      port = address._tag === "UnixPathAddress" ? 0 : address.port
    }
    const rounds: Array<number> = []
    for (let r = 0; r < ROUNDS; r++) {
      officialRounds.push(await load(officialPort, fresh()))
      rounds.push(await load(port, fresh()))
    }
    if (server !== undefined) await close(server)
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rows.push({ label, perSecond: median(rounds) })
  }
  await ours("nodeHandler + NodeCrypto.layerMac", NodeCrypto.layerMac, "node")
  await ours("nodeHandler, default Mac", Layer.empty, "node")
  await ours("effect/http handler on NodeHttpServer + NodeCrypto.layerMac", NodeCrypto.layerMac, "effect")
  await ours("effect/http handler on NodeHttpServer, default Mac", Layer.empty, "effect")
  await close(officialServer)
  rows.unshift({ label: "@linqapp/sdk unwrap on node:http", perSecond: median(officialRounds) })
  return rows
}

// ------------------------------------------------------------------ report
const table = (
  title: string,
  rows: ReadonlyArray<{ readonly label: string; readonly perSecond: number }>
) => {
  const base = rows[0]?.perSecond ?? 1
  console.log(`\n${title}`)
  console.log(`| candidate | per second | vs @linqapp/sdk |`)
  console.log(`|---|---:|---:|`)
  for (const row of rows) {
    console.log(
      `| ${row.label} | ${Math.round(row.perSecond).toLocaleString("en")} | ${(row.perSecond / base).toFixed(2)}× |`
    )
  }
}

console.log(
  `webhooks bench: node ${process.version}, ${QUICK ? "quick" : "full"}; median of ${ROUNDS} round(s); ` +
    `verification ${VERIFY_MS} ms per round over ${BODIES} bodies; handlers ${LOAD_MS} ms at c=${CONCURRENCY}`
)
table("Verifications per second (body + both header sets, same bodies)", await benchVerification())
table("Handler requests per second over loopback (undici, every answer 204)", await benchHandlers())
