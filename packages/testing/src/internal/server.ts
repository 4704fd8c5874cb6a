/**
 * The loopback transport of FakeLinq: @effect/platform-node's server
 * (`NodeHttpServer`, loaded when a server starts) serving the fake's app.
 * Request handling follows the runtime (and so the `Clock`) of the Effect that
 * started it; a client that goes away interrupts its answer; closing the scope
 * closes every connection.
 *
 * @internal
 */
import type { Scope } from "effect"
import { Effect } from "effect"
import type { HttpServerRequest, HttpServerResponse } from "effect/http"

/** Where a served fake listens. */
export interface Listening {
  readonly baseUrl: string
  readonly origin: string
  readonly port: number
  readonly openConnections: Effect.Effect<number>
}

export const serve = (
  app: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    unknown,
    HttpServerRequest.HttpServerRequest | Scope.Scope
  >,
  options: {
    readonly host?: string | undefined
    readonly port?: number | undefined
    readonly basePath: string
  }
): Effect.Effect<Listening, never, Scope.Scope> =>
  Effect.gen(function* () {
    const [http, NodeHttpServer] = yield* Effect.promise(() =>
      Promise.all([import("node:http"), import("@effect/platform-node/NodeHttpServer")])
    )
    const host = options.host ?? "127.0.0.1"
    const sockets = new Set<import("node:net").Socket>()
    const node = http.createServer()
    node.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    const server = yield* Effect.orDie(NodeHttpServer.make(() => node, { host, port: options.port ?? 0 }))
    yield* server.serve(app)
    // Added after `serve`, so it runs before serve's own finalizer, which waits (up to its
    // graceful shutdown timeout, 20 s) for every connection to end, then interrupts the
    // requests still running (a hanging one would be answered 503).
    yield* Effect.addFinalizer(() =>
      Effect.promise(() => {
        const closed = Array.from(
          sockets,
          (socket) => new Promise((resolve) => socket.once("close", resolve))
        )
        node.closeAllConnections()
        for (const socket of sockets) socket.destroy()
        return Promise.all(closed)
      })
    )
    const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
    const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
    return {
      baseUrl: `${origin}${options.basePath}`,
      origin,
      port,
      openConnections: Effect.sync(() => sockets.size)
    }
  })
