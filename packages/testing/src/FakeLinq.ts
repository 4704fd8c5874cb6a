/**
 * FakeLinq: an in-memory Linq Partner API answering the participant, chat and
 * capability routes as the API does (paths, bodies, statuses, error envelope),
 * with core's `GroupChatRules`, a journal and scripted faults; one HTTP app
 * (an `HttpServerRequest` in, an `HttpServerResponse` out) served in-process
 * ({@link FakeLinq.layer}) or on loopback ({@link FakeLinq.serve}).
 *
 * @since 0.1.0
 */
import type { Chat, ServiceType } from "@linq-effect/core"
import { GroupChatRules } from "@linq-effect/core"
import type { Scope } from "effect"
import { Cause, Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { HttpClient, type HttpServerRequest, type HttpServerResponse } from "effect/http"
import type { Fault, InjectOptions, ScriptedFault } from "./Fault.js"
import * as InProcessClient from "./InProcessClient.js"
import type { JournalEntry } from "./Journal.js"
import type { ViolationAnswer, ViolationKind } from "./internal/answers.js"
import type { AnswerEncoding } from "./internal/encoding.js"
import * as Faults from "./internal/faults.js"
import * as Journal from "./internal/journal.js"
import type { ConnectionDropped } from "./internal/faults.js"
import * as Routes from "./internal/routes.js"
import * as Server from "./internal/server.js"
import * as State from "./internal/state.js"
import * as Subscriptions from "./internal/subscriptions.js"
import * as Webhooks from "./internal/webhooks.js"
import type { FakeSeed, SeedChat } from "./Seed.js"
import { DefaultChats, DefaultHandles, defaultSeed } from "./Seed.js"
import type { FakeWebhookOptions, FakeWebhooks } from "./WebhookDelivery.js"

export type { AnswerEncoding, ConnectionDropped, ViolationAnswer, ViolationKind }

/**
 * Options of a FakeLinq.
 *
 * - `apiKey`: the only bearer token accepted (default: any non-empty token);
 * - `basePath`: the API's path prefix (default `"/api/partner"`), enforced as
 *   on Linq: a request without it is an unknown route (404);
 * - `encoding`: `"length"` (default: JSON with a `Content-Length`),
 *   `"chunked"`, or `"gzip"` (when the request's `Accept-Encoding` admits it:
 *   `fetch` asks for it, undici's `request` does not);
 * - `queueDelay`: how long an accepted add or remove waits on the queue
 *   before it changes the state (default {@link defaultQueueDelay}, one
 *   second: "accepted" means queued, as on Linq; `0` applies it at once). The
 *   rules are checked again when it is applied (a change that no longer
 *   passes is dropped); `GET /v3/chats/{chatId}` shows it only once applied;
 * - `messages`: the text of each rule violation's answer, by kind (Linq does
 *   not document its wording; try several); `violations`: its status, code
 *   (`undefined`: none) and message (wins over `messages`);
 * - `journalLimit`: how many of the latest requests the journal keeps (default: all);
 * - `webhooks`: send signed `participant.added` / `participant.removed`
 *   webhooks when a change is applied, as Linq does ({@link FakeWebhookOptions}:
 *   target, secret, delay, duplicates, reordering, drops, retries, clock
 *   skew); what was sent is in `fake.webhooks`. Default: none sent.
 *
 * @example
 * ```ts
 * import { FakeLinq } from "@linq-effect/testing"
 *
 * const layer = FakeLinq.layer(FakeLinq.defaultSeed, {
 *   encoding: "chunked",
 *   queueDelay: "2 seconds",
 *   messages: { TooFewParticipants: "Bad request" },
 *   violations: { NotAGroupChat: { status: 422, code: undefined } }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeLinqOptions {
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly basePath?: string | undefined
  readonly encoding?: AnswerEncoding | undefined
  readonly queueDelay?: Duration.Input | undefined
  readonly messages?: Partial<Record<ViolationKind, string>> | undefined
  readonly violations?: Partial<Record<ViolationKind, Partial<ViolationAnswer>>> | undefined
  readonly journalLimit?: number | undefined
  readonly webhooks?: FakeWebhookOptions | undefined
}

/**
 * The `queueDelay` of a FakeLinq given none: one second. Linq answers an add
 * or a remove with 202 ("queued") and applies it later, after a delay it does
 * not document; the fake shows that queue by default, so that code which
 * reads the chat right after a 202 meets what it meets on Linq. A test that
 * wants changes applied at once says so (`queueDelay: 0`); one that runs on
 * `TestClock` moves the clock by this much (or waits on `awaitQueue`).
 *
 * @example
 * ```ts
 * import { TestClock } from "effect/testing"
 * import { FakeLinq } from "@linq-effect/testing"
 *
 * // after a 202'd add, on TestClock:
 * const applied = TestClock.adjust(FakeLinq.defaultQueueDelay)
 * // or, with no queue at all:
 * const immediate = FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })
 * ```
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultQueueDelay: Duration.Duration = Duration.seconds(1)

/**
 * Options of {@link FakeLinq.serve}: a FakeLinq's, plus the interface
 * (default `127.0.0.1`) and port (default 0: any free port) to listen on.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeLinqServeOptions extends FakeLinqOptions {
  readonly host?: string | undefined
  readonly port?: number | undefined
}

/**
 * What a FakeLinq offers a test: its state, its fault script, its journal,
 * and its request handler.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeLinqService {
  /** The chat with this id (`Cause.NoSuchElementError` when there is none). */
  readonly chat: (chatId: string) => Effect.Effect<Chat, Cause.NoSuchElementError>
  /** Every chat. */
  readonly chats: Effect.Effect<ReadonlyArray<Chat>>
  /** The handles of the chat's active participants. */
  readonly participants: (chatId: string) => Effect.Effect<ReadonlyArray<string>, Cause.NoSuchElementError>
  /** Adds a chat, or replaces the chat with the same id. */
  readonly putChat: (chat: SeedChat) => Effect.Effect<void>
  /** The services a handle supports (all three when not listed). */
  readonly capabilities: (handle: string) => Effect.Effect<ReadonlyArray<ServiceType>>
  /** Sets the services a handle supports. */
  readonly setCapabilities: (handle: string, services: ReadonlyArray<ServiceType>) => Effect.Effect<void>
  /** Scripts a fault ({@link InjectOptions}); faults answer in the order they were injected. */
  readonly inject: (fault: Fault, options?: InjectOptions) => Effect.Effect<void>
  /** The faults still scripted. */
  readonly faults: Effect.Effect<ReadonlyArray<ScriptedFault>>
  /** Removes every scripted fault. */
  readonly clearFaults: Effect.Effect<void>
  /** Every request received since the start (or the last `clearJournal`), in arrival order. */
  readonly journal: Effect.Effect<ReadonlyArray<JournalEntry>>
  /** Empties the journal. */
  readonly clearJournal: Effect.Effect<void>
  /** How many accepted changes wait on the queue (none with `queueDelay: 0`). */
  readonly pendingChanges: Effect.Effect<number>
  /** Waits until the queue is empty (on the fake's `Clock`). */
  readonly awaitQueue: Effect.Effect<void>
  /** The webhooks sent when changes were applied (the `webhooks` option), and their outcomes. */
  readonly webhooks: FakeWebhooks
  /** Back to the seed: queued changes and webhooks in flight dropped, faults cleared, journal emptied. */
  readonly reset: Effect.Effect<void>
  /**
   * The fake's HTTP app, which both transports serve (`InProcessClient.make(fake.handle)`):
   * Effect 3's `HttpApp.Default<ConnectionDropped>`.
   */
  readonly handle: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    ConnectionDropped,
    HttpServerRequest.HttpServerRequest | Scope.Scope
  >
}

/**
 * A FakeLinq served over HTTP: the service, plus `baseUrl` (base path
 * included: give it to a Linq client), `origin`, `port`, and
 * `openConnections` (how many client connections are open now).
 *
 * @since 0.1.0
 * @category models
 */
export interface ServedFakeLinq extends FakeLinqService, Server.Listening {}

/**
 * Makes a FakeLinq (no transport) for the lifetime of the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  seed: FakeSeed = defaultSeed,
  options: FakeLinqOptions = {}
): Effect.Effect<FakeLinqService, never, Scope.Scope> =>
  Effect.gen(function* () {
    const subscriptions = yield* Subscriptions.make
    const webhooks = yield* Webhooks.make(options.webhooks, subscriptions)
    const state = yield* State.make(seed, options.queueDelay ?? defaultQueueDelay, webhooks.emit)
    const faults = yield* Faults.make
    const journal = yield* Journal.make(options.journalLimit)
    const handle = yield* Routes.make({
      state,
      subscriptions,
      faults,
      journal,
      apiKey: Redacted.isRedacted(options.apiKey) ? Redacted.value(options.apiKey) : options.apiKey,
      encoding: options.encoding ?? "length",
      basePath: Routes.normalizeBasePath(options.basePath),
      overrides: options
    })
    const chat = (chatId: string) =>
      Effect.flatMap(
        state.chat(chatId),
        Option.match({
          onNone: () => Effect.fail(new Cause.NoSuchElementError(`FakeLinq has no chat ${chatId}`)),
          onSome: Effect.succeed
        })
      )
    return {
      chat,
      chats: state.chats,
      participants: (chatId) =>
        Effect.map(chat(chatId), (c) => GroupChatRules.activeParticipants(c).map((h) => h.handle)),
      putChat: state.putChat,
      capabilities: state.capabilities,
      setCapabilities: state.setCapabilities,
      inject: faults.inject,
      faults: faults.scripted,
      clearFaults: faults.clear,
      journal: journal.entries,
      clearJournal: journal.clear,
      pendingChanges: state.pendingChanges,
      awaitQueue: state.awaitQueue,
      webhooks: webhooks.service,
      reset: Effect.all([state.reset, webhooks.reset, subscriptions.reset, faults.clear, journal.clear], {
        discard: true
      }),
      handle
    }
  })

/**
 * FakeLinq in-process: the `FakeLinq` service and an `HttpClient` whose
 * requests it answers (any origin, no sockets). Interrupting a request
 * interrupts its answer (a delay or a hang).
 *
 * Effect 4 memoizes layers: an `Effect.provide` of a layer value inside an
 * `Effect.provide` of the same value reuses the outer fake (Effect 3 built a
 * second one). For a second, separate fake there, provide it with
 * `{ local: true }` (or call `FakeLinq.layer(...)` again); sibling
 * `Effect.provide` calls still build a fake each.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpClient } from "effect/http"
 * import { DefaultChats, FakeLinq } from "@linq-effect/testing"
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* HttpClient.HttpClient
 *   const response = yield* client.get(
 *     `https://api.linqapp.com/api/partner/v3/chats/${DefaultChats.iMessageGroup}`,
 *     { headers: { authorization: "Bearer test" } }
 *   )
 *   return yield* response.json
 * }).pipe(Effect.scoped, Effect.provide(FakeLinq.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  seed: FakeSeed = defaultSeed,
  options: FakeLinqOptions = {}
): Layer.Layer<FakeLinq | HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.map(make(seed, options), (fake) =>
      Context.make(FakeLinq, fake).pipe(Context.add(HttpClient.HttpClient, InProcessClient.make(fake.handle)))
    )
  )

/**
 * FakeLinq over real HTTP (Node only), on `127.0.0.1` and any free port by
 * default, for the lifetime of the scope. Request handling follows the `Clock`
 * of the Effect that started it; a `Fault.disconnect` destroys the socket; a
 * client that goes away interrupts its answer.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeLinq } from "@linq-effect/testing"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const fake = yield* FakeLinq.serve()
 *     console.log(`Linq API at ${fake.baseUrl}`)
 *     yield* Effect.never
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  seed: FakeSeed = defaultSeed,
  options: FakeLinqServeOptions = {}
): Effect.Effect<ServedFakeLinq, never, Scope.Scope> =>
  Effect.gen(function* () {
    const service = yield* make(seed, options)
    const basePath = Routes.normalizeBasePath(options.basePath)
    const server = yield* Server.serve(service.handle, { host: options.host, port: options.port, basePath })
    return { ...service, ...server }
  })

/**
 * {@link serve} as a layer of `FakeLinq` and {@link FakeLinqServer}; pair it
 * with any `HttpClient` layer (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (
  seed: FakeSeed = defaultSeed,
  options: FakeLinqServeOptions = {}
): Layer.Layer<FakeLinq | FakeLinqServer> =>
  Layer.effectContext(
    Effect.map(serve(seed, options), (served) =>
      Context.make(FakeLinq, served).pipe(Context.add(FakeLinqServer, served))
    )
  )

/**
 * The FakeLinq service tag. Its statics build it: {@link layer} (in-process,
 * with an `HttpClient`), {@link serve} and {@link layerServer} (over HTTP),
 * {@link make} (no transport); `defaultSeed`, `chats` and `handles` name the
 * default seed's data.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeLinq, Fault } from "@linq-effect/testing"
 *
 * const program = Effect.gen(function* () {
 *   const fake = yield* FakeLinq
 *   yield* fake.inject(Fault.status(503), { route: "add", times: 2 })
 *   // ... run the code under test ...
 *   const chat = yield* fake.chat(FakeLinq.chats.iMessageGroup)
 *   const requests = yield* fake.journal
 * }).pipe(Effect.provide(FakeLinq.layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class FakeLinq extends Context.Service<FakeLinq, FakeLinqService>()("@linq-effect/testing/FakeLinq") {
  /** {@link make} */
  static readonly make = make
  /** {@link layer} */
  static readonly layer = layer
  /** {@link serve} */
  static readonly serve = serve
  /** {@link layerServer} */
  static readonly layerServer = layerServer
  /** The seed used when none is given. */
  static readonly defaultSeed = defaultSeed
  /** The queue delay used when none is given ({@link defaultQueueDelay}: one second). */
  static readonly defaultQueueDelay = defaultQueueDelay
  /** The default seed's chat ids ({@link DefaultChats}). */
  static readonly chats = DefaultChats
  /** The default seed's handles ({@link DefaultHandles}). */
  static readonly handles = DefaultHandles
}

/**
 * The served FakeLinq of {@link FakeLinq.layerServer} ({@link ServedFakeLinq}).
 *
 * @since 0.1.0
 * @category tags
 */
export class FakeLinqServer extends Context.Service<FakeLinqServer, ServedFakeLinq>()(
  "@linq-effect/testing/FakeLinqServer"
) {}
