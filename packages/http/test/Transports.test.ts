/**
 * Bodies over the real transports (fetch, undici, node:http) from a loopback
 * server, in the three kinds a server sends: with a `Content-Length`,
 * chunked, and gzip-compressed (when the client asks for it: `fetch` does).
 * Each decodes the same, and each is capped at `maxResponseBytes`. A
 * response of a transport the reader does not know is read through its own
 * API.
 */
import { createServer } from "node:http"
import { gzipSync } from "node:zlib"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { FetchHttpClient, HttpClient, type HttpClientResponse } from "effect/http"
import { LinqHttpClient } from "../src/index.js"
import { addCall } from "./testkit.js"

type Kind = "length" | "chunked" | "gzip"

const answer = (size: number) =>
  JSON.stringify({ message: "Participant addition queued", status: "accepted", trace_id: "t".repeat(size) })

/** A loopback server answering `/{kind}/{size}/...` with that kind of body. */
const server = Effect.acquireRelease(
  Effect.callback<{ readonly url: (kind: Kind, size: number) => string; readonly close: () => void }>(
    (resume) => {
      const http = createServer((req, res) => {
        req.resume()
        const [, kind, size] = (req.url ?? "").split("/")
        const body = Buffer.from(answer(Number(size)))
        const accepts = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))
        res.setHeader("content-type", "application/json")
        if (kind === "length") {
          res.setHeader("content-length", body.byteLength)
          res.end(body)
        } else if (kind === "gzip" && accepts) {
          res.setHeader("content-encoding", "gzip")
          const zipped = gzipSync(body)
          res.write(zipped.subarray(0, 10))
          res.end(zipped.subarray(10))
        } else {
          res.write(body.subarray(0, 10))
          res.end(body.subarray(10))
        }
      })
      http.listen(0, "127.0.0.1", () => {
        const address = http.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(
          Effect.succeed({
            url: (kind: Kind, size: number) => `http://127.0.0.1:${port}/${kind}/${size}`,
            close: () => {
              http.closeAllConnections()
              http.close()
            }
          })
        )
      })
    }
  ),
  (s) => Effect.sync(s.close)
)

const transports = [
  { name: "fetch", layer: FetchHttpClient.layer },
  { name: "undici", layer: NodeHttpClient.layerUndici },
  { name: "node:http", layer: NodeHttpClient.layerNodeHttp }
] as const

const clientFor = (platform: HttpClient.HttpClient, baseUrl: string, maxResponseBytes: number) =>
  LinqHttpClient.make({ apiKey: "k-transports", baseUrl, maxRetries: 0, maxResponseBytes }).pipe(
    Effect.provideService(HttpClient.HttpClient, platform)
  )

describe("bodies over the real transports", () => {
  for (const { name, layer } of transports) {
    for (const kind of ["length", "chunked", "gzip"] as const) {
      it.live(`${name}, ${kind}: decoded, and refused over the cap`, () =>
        Effect.gen(function* () {
          const { url } = yield* server
          const platform = yield* Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
          const small = yield* clientFor(platform, url(kind, 100), 4096)
          const ok = yield* small.execute(addCall({ path: "/x", params: {} }))
          expect(ok.trace_id).toBe("t".repeat(100))
          const big = yield* clientFor(platform, url(kind, 200_000), 4096)
          const error = yield* Effect.flip(big.execute(addCall({ path: "/x", params: {} })))
          expect(error._tag).toBe("UnexpectedResponse")
          if (error._tag === "UnexpectedResponse") expect(error.reason).toMatch(/larger than the 4096 bytes/)
        })
      )
    }
  }

  it.live("a response the reader does not know is read through its own API, and capped", () =>
    Effect.gen(function* () {
      const { url } = yield* server
      const platform = yield* Effect.map(
        Layer.build(FetchHttpClient.layer),
        Context.get(HttpClient.HttpClient)
      )
      // A user's client handing back its own response object (no `source` of its own).
      const wrapped = HttpClient.transformResponse(
        platform,
        Effect.map((response): HttpClientResponse.HttpClientResponse => Object.create(response))
      )
      const small = yield* clientFor(wrapped, url("chunked", 100), 4096)
      expect((yield* small.execute(addCall({ path: "/x", params: {} }))).trace_id).toBe("t".repeat(100))
      const big = yield* clientFor(wrapped, url("length", 200_000), 4096)
      const error = yield* Effect.flip(big.execute(addCall({ path: "/x", params: {} })))
      expect(error._tag).toBe("UnexpectedResponse")
    })
  )
})
