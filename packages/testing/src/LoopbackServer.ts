/**
 * The loopback transport of FakeLinq: a real HTTP server (Node's `node:http`,
 * loaded only when a server is started) that hands each request to the fake's
 * handler. For examples, clients in other languages and benchmarks.
 *
 * @since 0.1.0
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { Scope } from "effect"
import { Effect, Exit, Fiber, Runtime } from "effect"
import type { FakeAnswer, Handler } from "./FakeHandler.js"
import { DEFAULT_BASE_PATH } from "./FakeHandler.js"

/**
 * A running loopback server.
 *
 * - `baseUrl`: the URL to give a Linq client, base path included
 *   (`http://127.0.0.1:41234/api/partner`);
 * - `origin`: scheme, host and port (`http://127.0.0.1:41234`);
 * - `port`: the port it listens on;
 * - `openConnections`: how many client connections are open right now.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoopbackServer {
  readonly baseUrl: string
  readonly origin: string
  readonly port: number
  readonly openConnections: Effect.Effect<number>
}

/**
 * Options of {@link serve}: the interface (default `127.0.0.1`), the port
 * (default 0: any free port) and the base path of `baseUrl` (default
 * `/api/partner`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly basePath?: string | undefined
}

const headersOf = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

const send = (req: IncomingMessage, res: ServerResponse, answer: FakeAnswer): void => {
  if (answer._tag === "Disconnect") {
    req.socket.destroy()
    return
  }
  if (res.destroyed) return
  res.writeHead(answer.status, { ...answer.headers })
  res.end(answer.body)
}

/**
 * Starts a server for `handler` on the loopback interface, for the lifetime of
 * the scope. Each request runs in its own fiber, on the runtime (and so the
 * `Clock`) of the Effect that started the server; when the client closes its
 * connection before the answer (or the scope closes), that fiber is
 * interrupted. A `Fault.disconnect` destroys the socket. Closing the scope
 * closes every connection.
 *
 * Fails with a defect when the port cannot be listened on.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeLinq, LoopbackServer } from "@linq-effect/testing"
 *
 * const program = Effect.gen(function* () {
 *   const fake = yield* FakeLinq
 *   const server = yield* LoopbackServer.serve(fake.handle)
 *   console.log(server.baseUrl) // http://127.0.0.1:41234/api/partner
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  handler: Handler,
  options: ServeOptions = {}
): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  Effect.gen(function* () {
    const http = yield* Effect.promise(() => import("node:http"))
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const sockets = new Set<Socket>()
    const inFlight = new Set<Fiber.RuntimeFiber<FakeAnswer>>()

    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("error", () => req.socket.destroy())
      req.on("end", () => {
        const fiber = runFork(
          handler({
            method: req.method ?? "GET",
            url: `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`,
            headers: headersOf(req),
            body: Buffer.concat(chunks).toString("utf8")
          })
        )
        inFlight.add(fiber)
        const onClose = () => {
          if (!res.writableFinished) runFork(Fiber.interrupt(fiber))
        }
        res.on("close", onClose)
        fiber.addObserver((exit) => {
          inFlight.delete(fiber)
          res.off("close", onClose)
          if (Exit.isSuccess(exit)) send(req, res, exit.value)
          else if (!res.destroyed) res.destroy()
        })
      })
    }

    const server = yield* Effect.acquireRelease(
      Effect.async<Server>((resume) => {
        const server = http.createServer(onRequest)
        server.on("connection", (socket: Socket) => {
          sockets.add(socket)
          socket.on("close", () => sockets.delete(socket))
        })
        server.once("error", (error) => resume(Effect.die(error)))
        server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.zipRight(
          Fiber.interruptAll(inFlight),
          Effect.promise(() => {
            // every open socket (still in the set: its "close" has not fired yet) is waited for
            const closed = Array.from(
              sockets,
              (socket) => new Promise<void>((r) => socket.once("close", () => r()))
            )
            const stopped = new Promise<void>((r) => server.close(() => r()))
            server.closeAllConnections()
            for (const socket of sockets) socket.destroy()
            return Promise.all([stopped, ...closed])
          })
        )
    )

    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0)
    const host = options.host ?? "127.0.0.1"
    const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
    const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, "")
    return {
      baseUrl: `${origin}${basePath}`,
      origin,
      port,
      openConnections: Effect.sync(() => sockets.size)
    }
  })
