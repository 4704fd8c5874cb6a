/**
 * Shared set-up of the end-to-end tests: the SDK over a real platform HTTP
 * client (fetch or undici) against a FakeLinq served on 127.0.0.1.
 *
 * Every test starts its own server (fresh state, empty journal, its own
 * port) inside the test's scope; the platform `HttpClient` comes from the
 * surrounding `layer(transport.layer)`.
 */
import { FetchHttpClient, type HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { addParticipant, type ParticipantRequestOptions, removeParticipant } from "@linq-effect/client"
import type {
  AddParticipantError,
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  RemoveParticipantError
} from "@linq-effect/core"
import { LinqHttpClient, type LinqHttpClientOptions } from "@linq-effect/http"
import {
  type FakeLinqServeOptions,
  FakeLinq,
  type FakeSeed,
  type JournalEntry,
  type RouteName,
  type ServedFakeLinq
} from "@linq-effect/testing"
import { Duration, Effect, type Layer, type Scope } from "effect"

/** The two platform transports every end-to-end case runs over. */
export const transports: ReadonlyArray<{
  readonly name: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
}> = [
  { name: "FetchHttpClient.layer", layer: FetchHttpClient.layer },
  { name: "NodeHttpClient.layerUndici", layer: NodeHttpClient.layerUndici }
]

/** The token the SDK sends unless a test says otherwise. It must never show up in the journal. */
export const TOKEN = "sk_e2e_7f3a9c1d2b4e5f60_do_not_log"

export interface StartOptions {
  readonly seed?: FakeSeed
  readonly fake?: FakeLinqServeOptions
  readonly client?: Omit<LinqHttpClientOptions, "apiKey" | "baseUrl"> & { readonly apiKey?: string }
}

export interface Started {
  readonly fake: ServedFakeLinq
  /** Provides the SDK's `LinqHttpClient`, configured for this fake, to an effect. */
  readonly sdk: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, LinqHttpClient>>
}

/**
 * Serves a FakeLinq on 127.0.0.1 for the rest of the test's scope and builds
 * a `LinqHttpClient` aimed at it over the `HttpClient` in context. The fake
 * queues changes as Linq does (`FakeLinq.defaultQueueDelay`, real time here)
 * unless `fake.queueDelay` says otherwise: a test that reads the state right
 * after a change passes `fake: { queueDelay: 0 }`.
 */
export const start = (
  options: StartOptions = {}
): Effect.Effect<Started, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function* () {
    const fake = yield* FakeLinq.serve(options.seed, options.fake)
    const client = yield* LinqHttpClient.make({ apiKey: TOKEN, baseUrl: fake.baseUrl, ...options.client })
    return {
      fake,
      sdk: (effect) => Effect.provideService(effect, LinqHttpClient, client)
    }
  })

/**
 * Adds `handle` to, or removes it from, `chatId`: one SDK call, whichever the
 * kind, in the `"server"` rule mode unless told otherwise, so that one call is
 * one request (these tests count requests; the default `"diagnose"` mode may
 * read the chat after a refusal, and has its own tests).
 */
export const participantCall = (
  kind: "add" | "remove",
  chatId: string,
  handle: string,
  options?: ParticipantRequestOptions
): Effect.Effect<
  ParticipantAddResponse | ParticipantRemoveResponse,
  AddParticipantError | RemoveParticipantError,
  LinqHttpClient
> =>
  kind === "add"
    ? addParticipant(chatId, { handle }, { rules: "server", ...options })
    : removeParticipant(chatId, { handle }, { rules: "server", ...options })

/** The journal entries of one route. */
export const requestsTo = (
  fake: ServedFakeLinq,
  route: RouteName
): Effect.Effect<ReadonlyArray<JournalEntry>> =>
  Effect.map(fake.journal, (entries) => entries.filter((e) => e.route === route))

/**
 * Polls `check` (every 10 ms, on the live clock) until it holds, or fails the
 * test with `what` after `within`. Used only for things that settle
 * asynchronously at the server (a closed socket, an interrupted answer).
 */
export const eventually = <A>(
  what: string,
  value: Effect.Effect<A>,
  check: (a: A) => boolean,
  within: Duration.Input = "3 seconds"
): Effect.Effect<A> =>
  Effect.gen(function* () {
    const deadline = Date.now() + Duration.toMillis(Duration.fromInputUnsafe(within))
    for (;;) {
      const a = yield* value
      if (check(a)) return a
      if (Date.now() > deadline) {
        return yield* Effect.die(
          new Error(
            `${what}: still not so after ${Duration.format(Duration.fromInputUnsafe(within))} (last: ${String(a)})`
          )
        )
      }
      yield* Effect.sleep("10 millis")
    }
  })

/** A small deterministic PRNG (mulberry32), so that a failing run can be replayed. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
