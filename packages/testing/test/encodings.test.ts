/**
 * The three answer encodings (`encoding` option) on the wire, and the SDK's
 * pipeline over each: JSON with a Content-Length (the default), chunked (no
 * length), gzip (when the client asks for it: fetch does, undici's request
 * does not), over fetch and undici on loopback, and in-process.
 */
import { FetchHttpClient, HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { type AnswerEncoding, FakeLinq } from "../src/index.js"
import { type Answer, chatPath, send } from "./helpers.js"

const C = FakeLinq.chats
const H = FakeLinq.handles
const encodings: ReadonlyArray<AnswerEncoding> = ["length", "chunked", "gzip"]
const clients = [
  ["fetch", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici]
] as const

const bytes = (text: string) => new TextEncoder().encode(text).byteLength

/** What the wire carried, as the client shows it. */
const wire = (answer: Answer) => ({
  length: answer.headers["content-length"],
  chunked: answer.headers["transfer-encoding"],
  gzip: answer.headers["content-encoding"]
})

/** The SDK against `baseUrl` over `platform`: an accepted add and a refused removal. */
const throughTheSdk = (platform: HttpClient.HttpClient, baseUrl?: string) =>
  Effect.gen(function* () {
    const linq = yield* LinqHttpClient.make({
      apiKey: "test",
      maxRetries: 0,
      ...(baseUrl === undefined ? {} : { baseUrl })
    }).pipe(Effect.provideService(HttpClient.HttpClient, platform))
    const sdk = <A, E>(effect: Effect.Effect<A, E, LinqHttpClient>) =>
      Effect.provideService(effect, LinqHttpClient, linq)
    const added = yield* sdk(addParticipant(C.iMessageGroup, { handle: H.newcomer }))
    expect(added.status).toBe("accepted")
    const refused = yield* Effect.flip(sdk(removeParticipant(C.smallGroup, { handle: H.alice })))
    expect(refused._tag).toBe("TooFewParticipants")
  })

describe("answer encodings on loopback", () => {
  for (const encoding of encodings) {
    for (const [name, clientLayer] of clients) {
      it.live(`${encoding} over ${name}: the wire, then addParticipant and a rule violation`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { encoding, queueDelay: 0 })
          const platform = Context.get(yield* Layer.build(clientLayer), HttpClient.HttpClient)
          const answer = yield* Effect.provideService(
            send("GET", chatPath(C.iMessageGroup), { baseUrl: fake.baseUrl }),
            HttpClient.HttpClient,
            platform
          )
          expect((answer.json as { id: string }).id).toBe(C.iMessageGroup)
          const length = String(bytes(answer.text))
          const gzipped = encoding === "gzip" && name === "fetch"
          const expected =
            encoding === "chunked"
              ? { length: undefined, chunked: "chunked", gzip: undefined }
              : gzipped
                ? { length: expect.any(String), chunked: undefined, gzip: "gzip" }
                : { length, chunked: undefined, gzip: undefined }
          expect(wire(answer)).toEqual(expected)
          // fetch asked for gzip (and decompressed it): the wire carried fewer bytes than the JSON
          if (gzipped) expect(Number(answer.headers["content-length"])).toBeLessThan(Number(length))
          yield* throughTheSdk(platform, fake.baseUrl)
          expect(yield* fake.participants(C.iMessageGroup)).toContain(H.newcomer)
          expect((yield* fake.journal).map((e) => e.outcome)).toEqual([
            { _tag: "Responded", status: 200 },
            { _tag: "Responded", status: 202 },
            { _tag: "Responded", status: 400 },
            // the client's default "diagnose" rule mode reads the chat after the refusal
            { _tag: "Responded", status: 200 }
          ])
        })
      )
    }
  }
})

describe("answer encodings in-process", () => {
  for (const encoding of encodings) {
    it.effect(`${encoding}: the answer, then addParticipant and a rule violation`, () =>
      Effect.gen(function* () {
        const answer = yield* send("GET", chatPath(C.iMessageGroup))
        // in-process nobody asks for gzip unless told: the answer then has its length
        expect(answer.headers["content-length"]).toEqual(
          encoding === "chunked" ? undefined : String(bytes(answer.text))
        )
        expect(answer.headers["content-encoding"]).toBeUndefined()
        yield* throughTheSdk(yield* HttpClient.HttpClient)
        expect(yield* (yield* FakeLinq).participants(C.iMessageGroup)).toContain(H.newcomer)
      }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { encoding, queueDelay: 0 })))
    )
  }

  it.effect("gzip to a client that asks for it: compressed bytes with Content-Encoding", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`https://api.linqapp.com/api/partner${chatPath(C.iMessageGroup)}`, {
        headers: { authorization: "Bearer test", "accept-encoding": "br;q=1, gzip;q=0.8" }
      })
      const body = new Uint8Array(yield* response.arrayBuffer)
      expect(response.headers["content-encoding"]).toBe("gzip")
      expect(response.headers["content-length"]).toBe(String(body.byteLength))
      expect([body[0], body[1]]).toEqual([0x1f, 0x8b])
      const text = yield* Effect.promise(() =>
        new Response(new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
      )
      expect((JSON.parse(text) as { id: string }).id).toBe(C.iMessageGroup)
      // gzip;q=0 refuses it
      const refused = yield* client.get(`https://api.linqapp.com/api/partner${chatPath(C.iMessageGroup)}`, {
        headers: { authorization: "Bearer test", "accept-encoding": "gzip;q=0" }
      })
      expect(refused.headers["content-encoding"]).toBeUndefined()
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { encoding: "gzip" })))
  )
})
