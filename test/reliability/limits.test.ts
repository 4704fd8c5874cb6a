/**
 * Limits: a body larger than `maxResponseBytes` is refused without being
 * buffered whole (the client stops reading at the cap, and the server sees
 * the connection go away long before it has sent everything); a plain
 * `http://` base URL to a host other than loopback is refused when the layer
 * is built, unless `allowInsecureHttp: true`, and nothing is ever sent to it;
 * `rateLimit` holds as the server counts: at most `limit` requests arrive in
 * any window of length `interval`, on real time over loopback.
 */
import { createServer } from "node:http"
import type { ServerResponse } from "node:http"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { getChat } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Cause, Config, ConfigProvider, Context, Duration, Effect, Exit, Layer, Option, Stream } from "effect"
import type { Operation } from "./helpers.js"
import { API_KEY, errorOf, eventually, OPERATIONS, runOperation } from "./helpers.js"

const CAP = 64 * 1024
const CHUNK = 16 * 1024

const call = (op: Operation, linq: LinqHttpClient.Service) =>
  runOperation(op, FakeLinq.chats.iMessageGroup, FakeLinq.handles.newcomer).pipe(
    Effect.provideService(LinqHttpClient, linq),
    Effect.exit
  )

describe("the response body cap", () => {
  /**
   * An endless body (no content-length) from an in-process `HttpClient`,
   * counting every byte the client pulls.
   */
  const endless = (status: number) => {
    const counter = { pulled: 0, cancelled: false }
    const client = HttpClient.make((request) =>
      Effect.sync(() => {
        const chunk = new TextEncoder().encode(`{"message":"${"x".repeat(CHUNK - 13)}"`.slice(0, CHUNK))
        const body = new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              counter.pulled += chunk.byteLength
              controller.enqueue(chunk.slice())
            },
            cancel() {
              counter.cancelled = true
            }
          },
          { highWaterMark: 0 }
        )
        return HttpClientResponse.fromWeb(request, new Response(body, { status }))
      })
    )
    return { client, counter }
  }

  for (const op of OPERATIONS) {
    it.effect(
      `${op}: an endless 2xx body is refused with UnexpectedResponse after reading at most the cap`,
      () =>
        Effect.gen(function* () {
          const { client, counter } = endless(202)
          const linq = yield* LinqHttpClient.make({
            apiKey: API_KEY,
            maxResponseBytes: CAP,
            maxRetries: 0
          }).pipe(Effect.provideService(HttpClient.HttpClient, client))
          const exit = yield* call(op, linq)
          const error = errorOf(exit)
          expect(Option.map(error, (e) => e._tag)).toEqual(Option.some("UnexpectedResponse"))
          if (Option.isSome(error) && error.value._tag === "UnexpectedResponse") {
            expect(error.value.status).toBe(202)
            expect(error.value.reason).toContain(`larger than the ${CAP} bytes`)
            expect(error.value.excerpt.length).toBeLessThanOrEqual(201)
          }
          // At most the cap plus the one chunk that crossed it; then the stream is cancelled.
          expect(counter.pulled).toBeLessThanOrEqual(CAP + CHUNK)
          expect(counter.cancelled).toBe(true)
        })
    )

    it.effect(
      `${op}: an endless 503 body is still a ServerError (retried), each attempt reading at most the cap`,
      () =>
        Effect.gen(function* () {
          const { client, counter } = endless(503)
          const linq = yield* LinqHttpClient.make({
            apiKey: API_KEY,
            maxResponseBytes: CAP,
            maxRetries: 0
          }).pipe(Effect.provideService(HttpClient.HttpClient, client))
          const exit = yield* call(op, linq)
          expect(Option.map(errorOf(exit), (e) => e._tag)).toEqual(Option.some("ServerError"))
          expect(counter.pulled).toBeLessThanOrEqual(CAP + CHUNK)
          expect(counter.cancelled).toBe(true)
        })
    )
  }

  /**
   * A real server that streams a chunked body (no content-length) of up to
   * `total` bytes, a chunk at a time, until its client goes away.
   */
  const streamingServer = (total: number) =>
    Effect.acquireRelease(
      Effect.callback<{
        readonly baseUrl: string
        readonly written: () => number
        readonly closedEarly: () => boolean
        readonly close: () => void
      }>((resume) => {
        let written = 0
        let closedEarly = false
        const chunk = Buffer.alloc(CHUNK, "x")
        const server = createServer((req, res: ServerResponse) => {
          req.resume()
          res.writeHead(202, { "content-type": "application/json" })
          res.write('{"message":"')
          written = 0
          const pump = () => {
            if (res.destroyed) return
            if (written >= total) {
              res.end('"}')
              return
            }
            written += CHUNK
            if (res.write(chunk)) setImmediate(pump)
            else res.once("drain", pump)
          }
          res.on("close", () => {
            if (!res.writableFinished) closedEarly = true
          })
          pump()
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          resume(
            Effect.succeed({
              baseUrl: `http://127.0.0.1:${port}/api/partner`,
              written: () => written,
              closedEarly: () => closedEarly,
              close: () => {
                server.closeAllConnections()
                server.close()
              }
            })
          )
        })
      }),
      (server) => Effect.sync(server.close)
    )

  /**
   * The platform client, counting the body bytes the SDK reads from each
   * response: the transport's body is handed out through a pull-only web
   * stream (no read-ahead) that counts every chunk it gives, and whose
   * cancellation drops the transport's body.
   */
  const countingBody = (
    client: HttpClient.HttpClient,
    read: { bytes: number; last: number }
  ): HttpClient.HttpClient =>
    HttpClient.transformResponse(
      client,
      Effect.map((response): HttpClientResponse.HttpClientResponse => {
        const inner = Stream.toReadableStream(response.stream).getReader()
        const body = new ReadableStream<Uint8Array>(
          {
            pull: async (controller) => {
              const { done, value } = await inner.read()
              if (done) return controller.close()
              read.bytes += value.byteLength
              read.last = value.byteLength
              controller.enqueue(value)
            },
            cancel: (reason) => inner.cancel(reason)
          },
          { highWaterMark: 0 }
        )
        return HttpClientResponse.fromWeb(
          response.request,
          new Response(body, { status: response.status, headers: response.headers })
        )
      })
    )

  const transports = [
    { name: "undici", layer: NodeHttpClient.layerUndici },
    { name: "fetch", layer: FetchHttpClient.layer }
  ] as const

  for (const { name, layer } of transports) {
    it.live(
      `over ${name}: a chunked body of up to 64 MiB is refused, and the server sees the client leave early`,
      () =>
        Effect.gen(function* () {
          const total = 64 * 1024 * 1024
          const server = yield* streamingServer(total)
          const platform = yield* Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
          const read = { bytes: 0, last: 0 }
          const linq = yield* LinqHttpClient.make({
            apiKey: API_KEY,
            baseUrl: server.baseUrl,
            maxResponseBytes: CAP,
            maxRetries: 0
          }).pipe(Effect.provideService(HttpClient.HttpClient, countingBody(platform, read)))
          const exit = yield* call("add", linq)
          expect(Option.map(errorOf(exit), (e) => e._tag)).toEqual(Option.some("UnexpectedResponse"))
          // The client read at most the cap plus the chunk that crossed it...
          expect(read.bytes).toBeGreaterThan(CAP)
          expect(read.bytes - read.last).toBeLessThanOrEqual(CAP)
          // ...and dropped the connection: the server saw it go long before sending everything
          // (what it wrote by then is what the sockets buffered, a few MB at most).
          yield* eventually("the server sees the connection closed", Effect.sync(server.closedEarly))
          expect(server.written()).toBeLessThan(total / 4)
        })
    )
  }
})

describe("plain http:// base URLs", () => {
  /** An HttpClient that records what it is asked to send (nothing, it must be). */
  const recorder = () => {
    const sent: Array<string> = []
    const client = HttpClient.make((request) =>
      Effect.sync(() => {
        sent.push(request.url)
      }).pipe(Effect.andThen(Effect.die(new Error("no request may be sent"))))
    )
    return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
  }

  const build = <E>(layer: Layer.Layer<LinqHttpClient, E, HttpClient.HttpClient>) =>
    Effect.gen(function* () {
      const { sent, layer: http } = recorder()
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(Layer.provide(layer, http))))
      expect(sent).toEqual([])
      return exit
    })

  const fromConfig = (baseUrl: string, options: { readonly allowInsecureHttp?: boolean } = {}) =>
    build(LinqHttpClient.layerConfig(options)).pipe(
      Effect.provideService(
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromUnknown({ LINQ_API_V3_API_KEY: API_KEY, LINQ_API_V3_BASE_URL: baseUrl })
      )
    )

  const insecure = [
    "http://api.linqapp.com/api/partner",
    "http://api.example.com",
    "HTTP://API.EXAMPLE.COM/api",
    "http://127.0.0.1.example.com",
    "http://localhost.example.com",
    "http://0.0.0.0:8080",
    "http://10.0.0.1",
    "http://192.168.1.10:3000"
  ]
  const loopback = [
    "http://127.0.0.1",
    "http://127.0.0.1:8080/api/partner",
    "http://127.1.2.3:9",
    "http://localhost",
    "http://LOCALHOST:3000",
    "http://[::1]",
    "http://[::1]:8080/api/partner"
  ]

  for (const url of insecure) {
    it.effect(`${url} is refused when the layer is built (a defect; a ConfigError from config)`, () =>
      Effect.gen(function* () {
        const exit = yield* build(LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: url }))
        expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
        if (Exit.isFailure(exit)) {
          const text = Cause.pretty(exit.cause)
          expect(text).toContain("allowInsecureHttp")
          expect(text).not.toContain(API_KEY)
        }
        const configured = yield* fromConfig(url)
        expect(Exit.isFailure(configured) && Cause.hasFails(configured.cause)).toBe(true)
        if (Exit.isFailure(configured)) {
          const error = Cause.findErrorOption(configured.cause)
          expect(Option.map(error, (e) => e instanceof Config.ConfigError)).toEqual(Option.some(true))
          // Effect 4's ConfigError has no missing/invalid split: the message names the key and the problem.
          // (4.1's wording: "SourceError: LINQ_API_V3_BASE_URL: refusing plain http:// to <host>: …")
          const message = Option.match(error, { onNone: () => "", onSome: (e) => e.message })
          expect(message).toContain("LINQ_API_V3_BASE_URL: refusing plain http://")
          expect(message).toContain("allowInsecureHttp")
          expect(Cause.pretty(configured.cause)).not.toContain(API_KEY)
        }
      })
    )
    it.effect(`${url} is allowed with allowInsecureHttp: true (and nothing is sent)`, () =>
      Effect.gen(function* () {
        const exit = yield* build(
          LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: url, allowInsecureHttp: true })
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(Exit.isSuccess(yield* fromConfig(url, { allowInsecureHttp: true }))).toBe(true)
      })
    )
  }

  for (const url of loopback) {
    it.effect(`${url} (loopback) is allowed`, () =>
      Effect.gen(function* () {
        expect(Exit.isSuccess(yield* build(LinqHttpClient.layer({ apiKey: API_KEY, baseUrl: url })))).toBe(
          true
        )
        expect(Exit.isSuccess(yield* fromConfig(url))).toBe(true)
      })
    )
  }

  it.live("and a loopback http:// base URL is really used: FakeLinq on 127.0.0.1", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq.serve()
      const platform = yield* Effect.map(
        Layer.build(NodeHttpClient.layerUndici),
        Context.get(HttpClient.HttpClient)
      )
      const linq = yield* LinqHttpClient.make({ apiKey: API_KEY, baseUrl: fake.baseUrl }).pipe(
        Effect.provideService(HttpClient.HttpClient, platform)
      )
      expect(Exit.isSuccess(yield* call("add", linq))).toBe(true)
      expect((yield* fake.journal).map((entry) => entry.route)).toEqual(["add"])
    })
  )
})

describe("rateLimit, measured at the server", () => {
  /**
   * The most arrivals in one window of length `interval` (half open,
   * `[t, t + interval)`), over every window.
   */
  const busiestWindow = (times: ReadonlyArray<number>, interval: number): number => {
    const sorted = [...times].sort((a, b) => a - b)
    let most = 0
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while (sorted[i]! - sorted[j]! >= interval) j++
      most = Math.max(most, i - j + 1)
    }
    return most
  }

  const transports = [
    { name: "undici", layer: NodeHttpClient.layerUndici },
    { name: "fetch", layer: FetchHttpClient.layer }
  ] as const
  const cases = [
    // The issue's case, on a shorter interval: 20 calls at once, 5 per window.
    { limit: 5, interval: 300, calls: 20, busy: 0 },
    // Retries count: the first 4 requests are answered 503 (retry at once) and retried.
    { limit: 3, interval: 200, calls: 9, busy: 4 }
  ] as const

  for (const { name, layer } of transports) {
    for (const { limit, interval, calls, busy } of cases) {
      it.live(
        `over ${name}: limit ${limit} / ${interval} ms, ${calls} calls at once${busy > 0 ? `, ${busy} answered 503 and retried` : ""}: at most ${limit} arrive in any ${interval} ms`,
        () =>
          Effect.gen(function* () {
            const fake = yield* FakeLinq.serve(undefined, { queueDelay: 0 })
            if (busy > 0) yield* fake.inject(Fault.status(503, { retryAfterMs: 0 }), { times: busy })
            const platform = yield* Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
            const linq = yield* LinqHttpClient.make({
              apiKey: API_KEY,
              baseUrl: fake.baseUrl,
              rateLimit: { limit, interval: Duration.millis(interval) }
            }).pipe(Effect.provideService(HttpClient.HttpClient, platform))
            const chats = yield* Effect.forEach(
              Array.from({ length: calls }, () => getChat(FakeLinq.chats.iMessageGroup)),
              (call) => Effect.provideService(call, LinqHttpClient, linq),
              { concurrency: "unbounded" }
            )
            expect(chats.map((chat) => chat.id)).toEqual(chats.map(() => FakeLinq.chats.iMessageGroup))
            const journal = yield* fake.journal
            expect(journal.length).toBe(calls + busy)
            expect(journal.filter((entry) => entry.fault !== undefined).length).toBe(busy)
            // The server's own arrival times are the measure.
            expect(
              busiestWindow(
                journal.map((entry) => entry.at),
                interval
              )
            ).toBeLessThanOrEqual(limit)
          })
      )
    }
  }
})
