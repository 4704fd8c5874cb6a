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
 * Handler: a loopback server per candidate (all started at once, in this
 * process), loaded by undici from a child process of its own (so the
 * server's CPU is the server's only) at a fixed concurrency for a fixed
 * time, every request a distinct signed body (so nothing is a duplicate);
 * each answer must be 204. Rounds are interleaved (every candidate per
 * round, the order rotating), and each row gives the median req/s, its range
 * over the rounds, and the server process's CPU per request (user + system),
 * which depends less on what else the machine runs than req/s does. The
 * anchors:
 *
 * - `unwrap` on node:http: the few lines a user writes around `unwrap` (read
 *   the body, unwrap, 204 or 401): less work than ours;
 * - the same plus a bounded duplicate window (a `Map`) and an EventEmitter
 *   to hand each event on: like for like with `nodeHandler`, but for the
 *   Schema check (the SDK has none) and the subscriber being a fiber;
 * - `unwrap` in an effect/http handler on NodeHttpServer: the same server
 *   kind as our `handler`.
 *
 * Ours are `nodeHandler` and the effect/http `handler` on NodeHttpServer,
 * each with a subscriber draining the events.
 *
 * Env: `BENCH_WEBHOOK_PARTS=verify,handlers` a part; `BENCH_WEBHOOK_HANDLERS=id,...`
 * some candidates, the first the base of the ratios (ids in `CANDIDATES`,
 * with bisecting ones not run by default); `BENCH_ROUNDS`, `BENCH_LOAD_MS`;
 * `BENCH_WEBHOOK_PROFILE=id` profiles one candidate instead (see
 * `profileCandidate`).
 */
import { spawn } from "node:child_process"
import { EventEmitter } from "node:events"
import { mkdir, writeFile } from "node:fs/promises"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { NodeCrypto, NodeHttpServer } from "@effect/platform-node"
import LinqAPIV3 from "@linqapp/sdk"
import { LinqWebhooks, makeVerifier, type Verifier, verifyWebhook } from "@linq-effect/webhooks"
import { Effect, Exit, Layer, Redacted, Scope, Stream } from "effect"
import { Mac, SecureRandom } from "effect/crypto"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { Pool } from "undici"
import { body, bothHeaders, participantEvent, SECRET } from "../../packages/webhooks/test/testkit.js"

const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick")
const BODIES = QUICK ? 2_000 : 20_000
const VERIFY_MS = QUICK ? 500 : 3_000
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? (QUICK ? 1_000 : 5_000))
const CONCURRENCY = 16
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3))

// ------------------------------------------------------------------ bodies
interface Delivery {
  readonly body: string
  readonly headers: Record<string, string>
}

/** Distinct signed deliveries (both header sets, as Linq sends them), signed now with the tests' oracle. */
const makeDeliveries = (count: number, prefix: string): Array<Delivery> => {
  const timestamp = Math.floor(Date.now() / 1000)
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${i}`
    const text = body(participantEvent({ id: `evt-${id}` }))
    return {
      body: text,
      headers: { "content-type": "application/json", ...bothHeaders(text, { id: `msg_${id}`, timestamp }) }
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
      "x-webhook-timestamp": headers["X-Webhook-Timestamp"] as string,
      "x-webhook-signature": headers["X-Webhook-Signature"] as string
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

/** A node:http handler given the raw body, read the way every candidate here reads it. */
const withBody =
  (handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) =>
  (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => handle(req, res, Buffer.concat(chunks)))
  }

/** What a user of the official SDK writes around `unwrap` on node:http. */
const officialHandler = withBody((req, res, body) => {
  try {
    official.webhooks.unwrap(body.toString("utf8"), {
      headers: req.headers as Record<string, string>
    })
    res.writeHead(204).end()
  } catch {
    res.writeHead(401).end()
  }
})

/**
 * The like-for-like anchor: `unwrap`, then the rest of what `nodeHandler`
 * does, written by hand the cheapest way a user would: drop a duplicate
 * `event_id` from a bounded window (a `Map` in insertion order, as
 * internal/dedupe.ts) and hand the event to a subscriber (an EventEmitter
 * whose listener counts it). There is no Schema check (the SDK has none).
 */
const officialFullHandler = (() => {
  const seen = new Map<string, number>()
  const events = new EventEmitter()
  const drained: Array<unknown> = []
  events.on("event", (event) => {
    // Kept a moment, as a subscriber would read it; cleared in batches.
    drained.push(event)
    if (drained.length >= 1024) drained.length = 0
  })
  return withBody((req, res, body) => {
    let event: { readonly event_id: string }
    try {
      event = official.webhooks.unwrap(body.toString("utf8"), {
        headers: req.headers as Record<string, string>
      }) as unknown as { readonly event_id: string }
    } catch {
      res.writeHead(401).end()
      return
    }
    const now = Date.now()
    for (const [id, expiry] of seen) {
      if (expiry > now) break
      seen.delete(id)
    }
    if (!seen.has(event.event_id)) {
      if (seen.size >= 200_000) seen.delete(seen.keys().next().value as string)
      seen.set(event.event_id, now + 30 * 60_000)
      events.emit("event", event)
    }
    res.writeHead(204).end()
  })
})()

interface LoadResult {
  readonly done: number
  readonly bad: number
  readonly elapsed: number
}

/**
 * The load generator, in a child process of its own (this file run with
 * `--load <port> <prefix>`), so that the server's process spends its CPU on
 * the server only: loads the port at CONCURRENCY for LOAD_MS with distinct
 * deliveries and prints what it got.
 */
const loadChild = async (port: number, prefix: string, ms: number) => {
  const deliveries = makeDeliveries(QUICK ? 20_000 : 60_000, prefix)
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 })
  let next = 0
  let done = 0
  let bad = 0
  process.stdout.write("ready\n")
  const deadline = performance.now() + ms
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
  process.stdout.write(`${JSON.stringify({ done, bad, elapsed } satisfies LoadResult)}\n`)
  await pool.close()
}

let loadRound = 0
/**
 * Loads `port` from a child process for `ms`; requests per second (every
 * answer 204) and the server process's CPU per request (user + system, µs,
 * from the child's first request to its last answer), which depends less
 * than req/s on how busy the other core is.
 */
const load = async (
  port: number,
  ms = LOAD_MS
): Promise<{ readonly perSecond: number; readonly cpuMicros: number }> => {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      "--load",
      String(port),
      `r${loadRound++}`,
      String(ms)
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: process.env }
  )
  let out = ""
  let cpu: NodeJS.CpuUsage | undefined
  let used: NodeJS.CpuUsage | undefined
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8")
    if (cpu === undefined && out.includes("ready\n")) {
      cpu = process.cpuUsage()
    }
    if (used === undefined && cpu !== undefined && out.includes("}")) used = process.cpuUsage(cpu)
  })
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
  if (code !== 0 || used === undefined) throw new Error(`load child exited with ${code}`)
  const result = JSON.parse(out.slice(out.indexOf("{")).trim()) as LoadResult
  if (result.bad > 0) throw new Error(`${result.bad} answers were not 204`)
  return {
    perSecond: (result.done / result.elapsed) * 1000,
    cpuMicros: (used.user + used.system) / result.done
  }
}

type Served = (req: IncomingMessage, res: ServerResponse) => void

interface Candidate {
  readonly label: string
  readonly start: () => Promise<{ readonly port: number; readonly stop: () => Promise<void> }>
}

const nodeServer = (handler: Served) => async () => {
  const server = createServer(handler)
  const port = await listen(server)
  return { port, stop: () => close(server) }
}

/** Ours: one service per Mac, with a subscriber draining the events. */
const ours =
  (mac: Layer.Layer<never>, served: "node" | "effect", subscriber = true) =>
  async (): Promise<{ readonly port: number; readonly stop: () => Promise<void> }> => {
    const scope = Effect.runSync(Scope.make())
    const webhooks = await Effect.runPromise(
      Effect.gen(function* () {
        const service = yield* LinqWebhooks.make({ secret: SECRET, dedupeCapacity: 200_000 })
        if (subscriber) yield* Effect.forkDetach(Stream.runDrain(yield* service.subscribe))
        return service
      }).pipe(Effect.provide(mac), Scope.provide(scope))
    )
    const stopScope = () => Effect.runPromise(Scope.close(scope, Exit.void))
    if (served === "node") {
      const server = createServer(webhooks.nodeHandler)
      const port = await listen(server)
      return { port, stop: () => close(server).then(stopScope) }
    }
    const address = await Effect.runPromise(
      Effect.gen(function* () {
        const http = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
        yield* http.serve(webhooks.handler)
        return http.address
      }).pipe(Scope.provide(scope))
    )
    return { port: address._tag === "UnixPathAddress" ? 0 : address.port, stop: stopScope }
  }

/**
 * The same-server-kind anchor for `handler`: what a user of the official SDK
 * writes as an effect/http handler on NodeHttpServer (read the body as text,
 * `unwrap`, 204 or 401).
 */
const officialEffect = async (): Promise<{ readonly port: number; readonly stop: () => Promise<void> }> => {
  const scope = Effect.runSync(Scope.make())
  const handler = Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const body = yield* request.text
    try {
      official.webhooks.unwrap(body, { headers: request.headers as Record<string, string> })
      return HttpServerResponse.empty({ status: 204 })
    } catch {
      return HttpServerResponse.empty({ status: 401 })
    }
  }).pipe(Effect.catch(() => Effect.succeed(HttpServerResponse.empty({ status: 400 }))))
  const address = await Effect.runPromise(
    Effect.gen(function* () {
      const http = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
      yield* http.serve(handler)
      return http.address
    }).pipe(Scope.provide(scope))
  )
  return {
    port: address._tag === "UnixPathAddress" ? 0 : address.port,
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const CANDIDATES: ReadonlyArray<Candidate & { readonly id: string }> = [
  {
    id: "unwrap",
    label: "@linqapp/sdk unwrap on node:http (verify + JSON.parse)",
    start: nodeServer(officialHandler)
  },
  {
    id: "unwrap-full",
    label: "@linqapp/sdk unwrap + Map dedupe + EventEmitter publish (like for like)",
    start: nodeServer(officialFullHandler)
  },
  {
    id: "unwrap-effect",
    label: "@linqapp/sdk unwrap in an effect/http handler on NodeHttpServer (same server kind as handler)",
    start: officialEffect
  },
  { id: "node", label: "nodeHandler, default Mac", start: ours(Layer.empty, "node") },
  { id: "node-nosub", label: "nodeHandler, no subscriber", start: ours(Layer.empty, "node", false) },
  {
    id: "verify-sig",
    label: "bisect: our verifySignature + JSON.parse in a fiber",
    start: async () => {
      const v = await Effect.runPromise(makeVerifier({ secret: SECRET }))
      return nodeServer(
        withBody((req, res, body) => {
          Effect.runFork(
            Effect.map(v.verifySignature({ body, headers: req.headers }), () =>
              JSON.parse(body.toString("utf8"))
            )
          ).addObserver((exit) => res.writeHead(Exit.isSuccess(exit) ? 204 : 401).end())
        })
      )()
    }
  },
  {
    id: "verify",
    label: "bisect: our verify (signature + Schema) in a fiber",
    start: async () => {
      const v = await Effect.runPromise(makeVerifier({ secret: SECRET }))
      return nodeServer(
        withBody((req, res, body) => {
          Effect.runFork(v.verify({ body, headers: req.headers })).addObserver((exit) =>
            res.writeHead(Exit.isSuccess(exit) ? 204 : 401).end()
          )
        })
      )()
    }
  },
  {
    id: "receive-nosub",
    label: "bisect: service.receive in Effect.runFork, no subscriber",
    start: async () => {
      const service = await Effect.runPromise(LinqWebhooks.make({ secret: SECRET, dedupeCapacity: 200_000 }))
      return nodeServer(
        withBody((req, res, body) => {
          Effect.runFork(service.receive({ body, headers: req.headers })).addObserver((exit) =>
            res.writeHead(Exit.isSuccess(exit) ? 204 : 401).end()
          )
        })
      )()
    }
  },
  {
    id: "unwrap-fiber",
    label: "unwrap in a fiber per request (runFork + observer)",
    start: nodeServer(
      withBody((req, res, body) => {
        Effect.runFork(
          Effect.sync(() =>
            official.webhooks.unwrap(body.toString("utf8"), {
              headers: req.headers as Record<string, string>
            })
          )
        ).addObserver((exit) => {
          res.writeHead(Exit.isSuccess(exit) ? 204 : 401).end()
        })
      })
    )
  },
  {
    id: "node-nodecrypto",
    label: "nodeHandler + NodeCrypto.layerMac",
    start: ours(NodeCrypto.layerMac, "node")
  },
  {
    id: "effect",
    label: "effect/http handler on NodeHttpServer, default Mac",
    start: ours(Layer.empty, "effect")
  },
  {
    id: "effect-nodecrypto",
    label: "effect/http handler on NodeHttpServer + NodeCrypto.layerMac",
    start: ours(NodeCrypto.layerMac, "effect")
  }
]

/**
 * Candidates not in the default run: those that split nodeHandler's cost (our
 * verification alone in a fiber, `unwrap` in a fiber: the cost of a fiber per
 * request, nodeHandler without a subscriber: the cost of waking one), and ours
 * on `NodeCrypto.layerMac` (slower by design: see internal/mac.ts).
 */
const BISECT: ReadonlySet<string> = new Set([
  "verify-sig",
  "verify",
  "receive-nosub",
  "unwrap-fiber",
  "node-nosub",
  "node-nodecrypto",
  "effect-nodecrypto"
])

/** `BENCH_WEBHOOK_HANDLERS=unwrap,node,...` a subset (the first one listed is the base of the ratios). */
const selectedCandidates = () => {
  const wanted = process.env.BENCH_WEBHOOK_HANDLERS?.split(",").map((s) => s.trim())
  return wanted === undefined
    ? CANDIDATES.filter((c) => !BISECT.has(c.id))
    : CANDIDATES.filter((c) => wanted.includes(c.id))
}

interface HandlerRow {
  readonly label: string
  readonly perSecond: number
  readonly cpuMicros: number
  readonly range: readonly [number, number]
}

/**
 * Every candidate's server started once, then ROUNDS rounds, each loading
 * every candidate in turn (the order rotates each round), so load from
 * elsewhere on the machine lands on all alike. The median and the range.
 */
const benchHandlers = async (): Promise<ReadonlyArray<HandlerRow>> => {
  const candidates = selectedCandidates()
  const started = []
  for (const c of candidates) {
    const s = { ...c, ...(await c.start()) }
    await load(s.port, 1_000) // warm-up: the JIT, the connections' first requests
    started.push(s)
  }
  const results = started.map(() => ({ rps: [] as Array<number>, cpu: [] as Array<number> }))
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < started.length; k++) {
      const i = (k + r) % started.length
      const m = await load((started[i] as (typeof started)[number]).port)
      results[i]?.rps.push(m.perSecond)
      results[i]?.cpu.push(m.cpuMicros)
    }
  }
  for (const s of started) await s.stop()
  return started.map((s, i) => {
    const { rps, cpu } = results[i] as { rps: Array<number>; cpu: Array<number> }
    return {
      label: s.label,
      perSecond: median(rps),
      cpuMicros: median(cpu),
      range: [Math.min(...rps), Math.max(...rps)]
    }
  })
}

// ------------------------------------------------------------------ profile
/**
 * `BENCH_WEBHOOK_PROFILE=<candidate id>`: loads that candidate for LOAD_MS
 * under the inspector's sampling profiler (the load from its child process)
 * and prints self time by function, per request; the profile goes to
 * test/bench/.bench-out/webhooks-<id>.cpuprofile.
 */
const profileCandidate = async (id: string) => {
  const candidate = CANDIDATES.find((c) => c.id === id)
  if (candidate === undefined)
    throw new Error(`unknown candidate ${id}: ${CANDIDATES.map((c) => c.id).join(", ")}`)
  const { port, stop } = await candidate.start()
  await load(port) // warm-up
  const { Session } = await import("node:inspector/promises")
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 50 })
  await session.post("Profiler.start")
  const measured = await load(port)
  const { profile } = (await session.post("Profiler.stop")) as unknown as {
    profile: {
      nodes: ReadonlyArray<{
        id: number
        callFrame: { functionName: string; url: string; lineNumber: number }
      }>
      samples: ReadonlyArray<number>
      timeDeltas: ReadonlyArray<number>
    }
  }
  session.disconnect()
  await stop()
  const requests = (measured.perSecond * LOAD_MS) / 1000
  const dir = fileURLToPath(new URL("./.bench-out/", import.meta.url))
  await mkdir(dir, { recursive: true })
  await writeFile(`${dir}webhooks-${id}.cpuprofile`, JSON.stringify(profile))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const byFunction = new Map<string, number>()
  const byModule = new Map<string, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number)
    if (node === undefined) continue
    const { functionName, url, lineNumber } = node.callFrame
    const module = url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*\/(packages|test)\//, "$1/")
    const key = `${functionName || "(anonymous)"}  ${module}:${lineNumber + 1}`
    const micros = profile.timeDeltas[i] ?? 0
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
    const mod =
      functionName === "(idle)" || functionName === "(garbage collector)"
        ? functionName
        : module || "(native)"
    byModule.set(mod, (byModule.get(mod) ?? 0) + micros)
  }
  console.log(
    `${candidate.label}: ${Math.round(requests)} requests, ${measured.perSecond.toFixed(0)} req/s, ` +
      `${measured.cpuMicros.toFixed(1)} µs server CPU per request (profiler on)`
  )
  const show = (title: string, m: Map<string, number>, n: number) => {
    console.log(`\nself time per request (µs) by ${title}:`)
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`  ${(v / requests).toFixed(2).padStart(7)}  ${k}`)
  }
  show("module", byModule, 25)
  show("function", byFunction, 50)
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

const handlerTable = (rows: ReadonlyArray<HandlerRow>) => {
  const base = rows[0]
  console.log("\nHandler requests per second over loopback (undici in its own process, every answer 204)")
  console.log(
    `| candidate | req/s (median) | range | vs ${base?.label.split(" ")[0]} | server CPU µs/req | CPU vs base |`
  )
  console.log(`|---|---:|---:|---:|---:|---:|`)
  for (const row of rows) {
    const k = (n: number) => Math.round(n).toLocaleString("en")
    console.log(
      `| ${row.label} | ${k(row.perSecond)} | ${k(row.range[0])}-${k(row.range[1])} | ` +
        `${(row.perSecond / (base?.perSecond ?? 1)).toFixed(2)}× | ${row.cpuMicros.toFixed(1)} | ` +
        `${((base?.cpuMicros ?? 1) / row.cpuMicros).toFixed(2)}× |`
    )
  }
}

const loadIndex = process.argv.indexOf("--load")
if (loadIndex >= 0) {
  await loadChild(
    Number(process.argv[loadIndex + 1]),
    process.argv[loadIndex + 2] ?? "r",
    Number(process.argv[loadIndex + 3] ?? LOAD_MS)
  )
} else if (process.env.BENCH_WEBHOOK_PROFILE !== undefined) {
  await profileCandidate(process.env.BENCH_WEBHOOK_PROFILE)
} else {
  const parts = (process.env.BENCH_WEBHOOK_PARTS ?? "verify,handlers").split(",")
  console.log(
    `webhooks bench: node ${process.version}, ${QUICK ? "quick" : "full"}; median of ${ROUNDS} round(s); ` +
      `verification ${VERIFY_MS} ms per round over ${BODIES} bodies; handlers ${LOAD_MS} ms at c=${CONCURRENCY}`
  )
  if (parts.includes("verify"))
    table("Verifications per second (body + both header sets, same bodies)", await benchVerification())
  if (parts.includes("handlers")) handlerTable(await benchHandlers())
}
