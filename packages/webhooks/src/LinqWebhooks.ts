/**
 * `LinqWebhooks`: the receiving end of Linq's webhooks as a service. It holds
 * the secrets, a duplicate window and a `PubSub` of events, and offers:
 *
 * - `handler`: an `effect/http` handler to mount on any route;
 * - `nodeHandler`: the same for a plain `node:http` server (`(req, res) => void`);
 * - `receive`: the same without HTTP (a fake that delivers in-process);
 * - `events`: a `Stream` of each verified event once; `subscribe`: the same,
 *   subscribed at once, so that no event published after it is missed;
 * - `latestParticipantEvents`: the latest participant event of each handle
 *   of a chat, remembered for the duplicate window (what a confirmation
 *   consults after subscribing, so an event that came first is not lost).
 *
 * Build it with {@link make} (no layer needed: a plain Node program can run
 * it), {@link layer} or {@link layerConfig} (`LINQ_WEBHOOK_SECRET`).
 *
 * @since 1.0.0
 */
import type { Scope } from "effect"
import {
  ByteSize,
  Clock,
  Config,
  ConfigProvider,
  Context,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  PubSub,
  Redacted,
  Schema,
  Stream
} from "effect"
import { LinqShared } from "@linq-effect/http"
import { HttpIncomingMessage, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as Dedupe from "./internal/dedupe.js"
import * as Membership from "./internal/membership.js"
import * as SharedDedupe from "./internal/sharedDedupe.js"
import * as SharedMembership from "./internal/sharedMembership.js"
import {
  type InvalidWebhookSignature,
  makeVerifier,
  type VerifyOptions,
  type WebhookError,
  type WebhookRequest,
  type WebhookSecret
} from "./VerifyWebhook.js"
import { isParticipantEvent, type ParticipantEvent, type WebhookEvent } from "./WebhookEvent.js"

// ---------------------------------------------------------------------------
// Options and models
// ---------------------------------------------------------------------------

/**
 * The options of {@link make} and {@link layer}: {@link VerifyOptions} (`secret`,
 * `tolerance`) and how events are taken in.
 *
 * @since 1.0.0
 * @category options
 */
export interface LinqWebhooksOptions extends VerifyOptions {
  /**
   * How long an `event_id` is remembered as delivered. Defaults to 30 minutes:
   * Linq retries a delivery up to 10 times over about 25 minutes.
   */
  readonly dedupeWindow?: Duration.Input | undefined
  /**
   * The most ids the duplicate window holds; past it, the oldest is forgotten
   * first (so memory stays bounded under a flood of distinct ids). Defaults to
   * `50_000` (a few MB). The latest participant event of each (chat, handle)
   * (`latestParticipantEvents`) is kept for the same window, at most as many.
   */
  readonly dedupeCapacity?: number | undefined
  /** Events held for each subscriber that has not read them yet. Defaults to `1024`. */
  readonly bufferSize?: number | undefined
  /**
   * How long a delivery waits for room in a full subscriber's buffer before it
   * is answered 503 (Linq retries it). Defaults to 5 seconds (Linq waits 10).
   */
  readonly takeInTimeout?: Duration.Input | undefined
  /** The largest body accepted, in bytes (a larger one is answered 413). Defaults to 1 MiB. */
  readonly maxBodySize?: number | undefined
}

/**
 * What became of a delivery {@link LinqWebhooks.Service.receive} took: a new
 * event, now published, or a duplicate of one already taken in (both are
 * answered 204).
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookReceipt {
  readonly status: "accepted" | "duplicate"
  readonly event: WebhookEvent
}

/**
 * A verified event that could not be taken in: a subscriber's buffer stayed
 * full for `takeInTimeout`, or the service was shut down. Answer it with 503,
 * which Linq retries; its id is not remembered, so the retry is taken.
 *
 * @since 1.0.0
 * @category errors
 */
export class WebhookUnavailable extends Schema.TaggedError<WebhookUnavailable>()("WebhookUnavailable", {
  eventId: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `Webhook not taken in: ${this.description}`
  }
}

/**
 * The request of a `node:http` server, as {@link LinqWebhooks.Service.nodeHandler}
 * uses it (node's `IncomingMessage` is one).
 *
 * @since 1.0.0
 * @category models
 */
export interface NodeRequest {
  readonly method?: string | undefined
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  on(event: "data", listener: (chunk: Uint8Array | string) => void): unknown
  on(event: "end" | "error", listener: () => void): unknown
  resume(): unknown
}

/**
 * The response of a `node:http` server, as {@link LinqWebhooks.Service.nodeHandler}
 * uses it (node's `ServerResponse` is one).
 *
 * @since 1.0.0
 * @category models
 */
export interface NodeResponse {
  writeHead(statusCode: number, headers?: Record<string, string | number>): unknown
  end(body?: string): unknown
}

/**
 * @since 1.0.0
 */
export declare namespace LinqWebhooks {
  /**
   * @since 1.0.0
   * @category models
   */
  export interface Service {
    /**
     * An `effect/http` handler: reads the raw body, verifies it, decodes the
     * event, drops a duplicate and publishes a new one, then answers:
     *
     * - 204: accepted, or a duplicate of an event already taken in;
     * - 401: a bad signature or a stale timestamp (Linq does not retry);
     * - 400: verified, but not an event (Linq does not retry);
     * - 413: a body larger than `maxBodySize`;
     * - 503: not taken in (a full buffer, a shut-down service; Linq retries).
     *
     * Mount it on any route: `HttpRouter.add("POST", "/webhooks/linq", webhooks.handler)`.
     */
    readonly handler: Effect.Effect<
      HttpServerResponse.HttpServerResponse,
      never,
      HttpServerRequest.HttpServerRequest
    >
    /**
     * The same for a plain `node:http` server: `http.createServer(webhooks.nodeHandler)`,
     * or inside an Express/Fastify route given the raw request (mount it
     * before any body parser: it reads the bytes itself and never
     * re-serializes). Answers 405 to anything but POST.
     */
    readonly nodeHandler: (request: NodeRequest, response: NodeResponse) => void
    /** Verifies, decodes, deduplicates and publishes one delivery, without HTTP. */
    readonly receive: (
      request: WebhookRequest
    ) => Effect.Effect<WebhookReceipt, WebhookError | WebhookUnavailable>
    /** Every event taken in from now on, each once, for as long as the stream runs. */
    readonly events: Stream.Stream<WebhookEvent>
    /**
     * A stream of the events taken in from this moment (subscribed before the
     * effect returns), for as long as the scope lasts. Subscribe, then send a
     * change, then read: an event that races the 202 is not lost.
     */
    readonly subscribe: Effect.Effect<Stream.Stream<WebhookEvent>, never, Scope.Scope>
    /** How many event ids the duplicate window holds now (at most `dedupeCapacity`). */
    readonly remembered: Effect.Effect<number>
    /**
     * The latest participant event taken in for each of `handles` in the chat
     * `chatId`, within the duplicate window (a handle with none is left out):
     * "latest" by the change time `at`, whatever order they came in (see
     * `latestParticipantEvent`). An event is remembered before it is
     * published, so `subscribe`, then this, misses nothing in between; that is
     * how `awaitMembership` (in `@linq-effect/client`) sees an event that came
     * before it was called.
     */
    readonly latestParticipantEvents: (
      chatId: string,
      handles: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyArray<ParticipantEvent>>
    /**
     * What confirmations (`awaitMembership`) listen to: the participant events
     * taken in from this moment, by this replica or, with a `LinqShared` in
     * context, by any replica (over Redis pub/sub), for as long as the scope
     * lasts. Unlike {@link subscribe}, an event may show on every replica:
     * process events from `events` / `subscribe`, where each is taken in once.
     */
    readonly subscribeParticipants: Effect.Effect<Stream.Stream<WebhookEvent>, never, Scope.Scope>
  }
}

// ---------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------

const positiveInt = (name: string, value: number | undefined, fallback: number): number => {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`LinqWebhooks: ${name} must be a whole number >= 1`)
  return n
}

const millis = (name: string, value: Duration.Input | undefined, fallback: Duration.Input): number => {
  const ms = Duration.toMillis(Duration.fromInputUnsafe(value ?? fallback))
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`LinqWebhooks: ${name} must be a finite duration`)
  return ms
}

const NO_CONTENT = HttpServerResponse.empty({ status: 204 })

const statusOf = (error: WebhookError | WebhookUnavailable): number => {
  switch (error._tag) {
    case "InvalidWebhookSignature":
    case "StaleWebhook":
      return 401
    case "MalformedWebhook":
      return 400
    case "WebhookUnavailable":
      return 503
  }
}

/** The small JSON body of a refusal: the error's tag and reason, nothing from the request. */
const refusalBody = (error: WebhookError | WebhookUnavailable): string =>
  JSON.stringify(
    error._tag === "InvalidWebhookSignature"
      ? { error: error._tag, reason: error.reason }
      : { error: error._tag }
  )

const concatChunks = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

/**
 * Builds the service: decodes the secrets and imports their keys (on the
 * `Mac` in context, else node:crypto or WebCrypto), and opens the event `PubSub`. It needs no
 * `Scope`, so a program without layers can run it once and keep it; {@link layer}
 * shuts the `PubSub` down with its scope.
 *
 * **Details**
 *
 * Fails with `InvalidWebhookSignature` (`MalformedSecret`) for a secret that is
 * not `whsec_` then base64; a bad option is a defect. The `nodeHandler` runs
 * its work on the context `make` ran in (its `Clock`, logger, `Mac`).
 *
 * **Example** (A plain node:http server)
 *
 * ```ts check-only
 * import { createServer } from "node:http"
 * import { Effect, Stream } from "effect"
 * import { LinqWebhooks } from "@linq-effect/webhooks"
 *
 * const webhooks = Effect.runSync(LinqWebhooks.make({ secret: process.env.LINQ_WEBHOOK_SECRET ?? "" }))
 * Effect.runFork(Stream.runForEach(webhooks.events, (event) => Effect.log(event._tag)))
 * createServer(webhooks.nodeHandler).listen(3000)
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (
  options: LinqWebhooksOptions
): Effect.Effect<LinqWebhooks.Service, InvalidWebhookSignature> =>
  Effect.map(build(options), (built) => built.service)

/** The service and its `PubSub` (for the layers to shut down). */
const build = (
  options: LinqWebhooksOptions
): Effect.Effect<
  { readonly service: LinqWebhooks.Service; readonly shutdown: Effect.Effect<void> },
  InvalidWebhookSignature
> =>
  Effect.gen(function* () {
    const settings = yield* Effect.try({
      try: () => ({
        window: millis("dedupeWindow", options.dedupeWindow, "30 minutes"),
        capacity: positiveInt("dedupeCapacity", options.dedupeCapacity, 50_000),
        bufferSize: positiveInt("bufferSize", options.bufferSize, 1024),
        takeInTimeout: millis("takeInTimeout", options.takeInTimeout, "5 seconds"),
        maxBodySize: positiveInt("maxBodySize", options.maxBodySize, 1024 * 1024)
      }),
      catch: (error) => error
    }).pipe(Effect.orDie)
    const verifier = yield* makeVerifier(options)
    const dedupe = Dedupe.make(settings.window, settings.capacity)
    const pubsub = yield* PubSub.bounded<WebhookEvent>(settings.bufferSize)
    const context = yield* Effect.context<never>()
    const runFork = Effect.runForkWith(context)

    const store = yield* Effect.serviceOption(LinqShared)
    const shared = Option.isSome(store) ? SharedDedupe.make(store.value, settings.window) : undefined
    // With LinqShared, confirmations hear every replica's participant events (a sliding buffer:
    // a slow confirmation never holds deliveries up; it reads the chat before its deadline anyway).
    const ownMemory = Membership.makeInMemory(settings.window, settings.capacity)
    const confirmations = Option.isSome(store)
      ? yield* PubSub.sliding<ParticipantEvent>(settings.bufferSize)
      : undefined
    const sharedMembership =
      Option.isSome(store) && confirmations !== undefined
        ? SharedMembership.make(store.value, settings.window, ownMemory, confirmations)
        : undefined
    const membership = sharedMembership?.memory ?? ownMemory
    const listening =
      sharedMembership === undefined ? undefined : yield* Effect.forkDetach(sharedMembership.listen)

    const publish = (event: WebhookEvent): Effect.Effect<WebhookReceipt, WebhookUnavailable> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (!dedupe.claim(event.eventId, Number(now))) {
          return Effect.succeed<WebhookReceipt>({ status: "duplicate", event })
        }
        if (shared === undefined) return takeIn(event, Number(now), Effect.void)
        // Shared: the first replica to claim the id takes the event in; a dead store is a 503, never a double.
        return Effect.matchEffect(shared.claim(event.eventId), {
          onFailure: (error) => {
            dedupe.release(event.eventId)
            return Effect.fail(
              new WebhookUnavailable({
                eventId: event.eventId,
                description: `the shared duplicate window is unavailable (${error.reason}): ${error.description}`
              })
            )
          },
          onSuccess: (release) =>
            release === undefined
              ? Effect.succeed<WebhookReceipt>({ status: "duplicate", event })
              : takeIn(event, Number(now), release)
        }).pipe(Effect.onInterrupt(() => Effect.sync(() => dedupe.release(event.eventId))))
      })

    /** Publishes a claimed event; one that cannot be taken in is given back, so that Linq's retry is accepted. */
    const takeIn = (
      event: WebhookEvent,
      now: number,
      releaseShared: Effect.Effect<void>
    ): Effect.Effect<WebhookReceipt, WebhookUnavailable> =>
      Effect.suspend(() => {
        const release = () => {
          dedupe.release(event.eventId)
          return releaseShared
        }
        const unavailable = (description: string) =>
          Effect.andThen(
            release(),
            Effect.fail(new WebhookUnavailable({ eventId: event.eventId, description }))
          )
        // Remembered before it is published: a subscriber that looks here after subscribing misses nothing.
        const remembered = isParticipantEvent(event) ? membership.note(event, now) : Effect.void
        return Effect.andThen(remembered, () => {
          if (confirmations !== undefined && isParticipantEvent(event))
            PubSub.publishUnsafe(confirmations, event)
          // Room now (the usual case): published without a timer.
          if (PubSub.publishUnsafe(pubsub, event))
            return Effect.succeed<WebhookReceipt>({ status: "accepted", event })
          return PubSub.publish(pubsub, event).pipe(
            Effect.timeoutOption(settings.takeInTimeout),
            Effect.onInterrupt(release),
            Effect.flatMap((published) =>
              published._tag === "None"
                ? unavailable(`a subscriber's buffer stayed full for ${settings.takeInTimeout} ms`)
                : published.value
                  ? Effect.succeed<WebhookReceipt>({ status: "accepted", event })
                  : unavailable("the service is shut down")
            )
          )
        })
      })

    const receive = (
      request: WebhookRequest
    ): Effect.Effect<WebhookReceipt, WebhookError | WebhookUnavailable> =>
      Effect.flatMap(verifier.verify(request), publish)

    /** `receive`, then the status and body to answer with; refusals are logged (never the secret or the body). */
    const answer = (
      request: WebhookRequest
    ): Effect.Effect<{ readonly status: number; readonly body?: string }> =>
      Effect.matchEffect(receive(request), {
        onSuccess: () => Effect.succeed({ status: 204 }),
        onFailure: (error) =>
          Effect.as(
            Effect.logWarning("Linq webhook refused", error.message).pipe(
              Effect.annotateLogs({ status: statusOf(error), error: error._tag })
            ),
            { status: statusOf(error), body: refusalBody(error) }
          )
      })

    const tooLarge = { status: 413, body: JSON.stringify({ error: "PayloadTooLarge" }) }

    const handler: LinqWebhooks.Service["handler"] = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const read = yield* Effect.result(
        request.arrayBuffer.pipe(
          Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(settings.maxBodySize))
        )
      )
      const result =
        read._tag === "Failure"
          ? tooLarge
          : yield* answer({ body: new Uint8Array(read.success), headers: request.headers })
      return result.body === undefined
        ? NO_CONTENT
        : HttpServerResponse.text(result.body, { status: result.status, contentType: "application/json" })
    })

    const nodeHandler = (request: NodeRequest, response: NodeResponse): void => {
      const reply = (status: number, body?: string) => {
        if (body === undefined) {
          response.writeHead(status)
          response.end()
        } else {
          response.writeHead(status, { "content-type": "application/json", "content-length": body.length })
          response.end(body)
        }
      }
      if (request.method !== undefined && request.method !== "POST") {
        request.resume()
        reply(405, JSON.stringify({ error: "MethodNotAllowed" }))
        return
      }
      const chunks: Array<Uint8Array> = []
      let size = 0
      let done = false
      request.on("data", (chunk: Uint8Array | string) => {
        if (done) return
        const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk
        size += bytes.length
        if (size > settings.maxBodySize) {
          done = true
          reply(tooLarge.status, tooLarge.body)
          request.resume()
          return
        }
        chunks.push(bytes)
      })
      request.on("error", () => {
        done = true
      })
      request.on("end", () => {
        if (done) return
        done = true
        const fiber = runFork(answer({ body: concatChunks(chunks, size), headers: request.headers }))
        fiber.addObserver((exit) => {
          if (Exit.isSuccess(exit)) reply(exit.value.status, exit.value.body)
          else reply(500)
        })
      })
    }

    const service: LinqWebhooks.Service = {
      handler,
      nodeHandler,
      receive,
      events: Stream.fromPubSub(pubsub),
      subscribe: Effect.map(PubSub.subscribe(pubsub), Stream.fromSubscription),
      subscribeParticipants:
        confirmations === undefined
          ? Effect.map(PubSub.subscribe(pubsub), Stream.fromSubscription)
          : Effect.map(PubSub.subscribe(confirmations), Stream.fromSubscription),
      remembered: Effect.sync(() => dedupe.size()),
      latestParticipantEvents: (chatId, handles) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => membership.latest(chatId, handles, Number(now)))
    }
    const shutdown = Effect.andThen(
      PubSub.shutdown(pubsub),
      Effect.all([
        confirmations === undefined ? Effect.void : PubSub.shutdown(confirmations),
        listening === undefined ? Effect.void : Fiber.interrupt(listening)
      ])
    )
    return { service, shutdown }
  })

/** `build` in a scope: the `PubSub`s (and the shared confirmations' listener) are shut down with it. */
const buildScoped = <E>(
  built: Effect.Effect<{ readonly service: LinqWebhooks.Service; readonly shutdown: Effect.Effect<void> }, E>
): Effect.Effect<LinqWebhooks.Service, E, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(built, ({ shutdown }) => shutdown),
    ({ service }) => service
  )

/**
 * `LinqWebhooks` from options. Closing the layer's scope ends the `events`
 * streams and answers later deliveries 503. A malformed secret is a defect
 * (use {@link layerConfig} to get a `ConfigError` instead).
 *
 * **Details**
 *
 * With a `LinqShared` (`@linq-effect/http`) in context, the duplicate window
 * is shared by every replica through Redis: the first replica to claim an
 * `event_id` takes the event in, every other one answers its deliveries as
 * duplicates. While Redis cannot answer, deliveries are refused with 503 (so
 * Linq retries them later), never taken in twice.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: LinqWebhooksOptions): Layer.Layer<LinqWebhooks> =>
  Layer.effect(
    LinqWebhooks,
    buildScoped(
      Effect.catch(build(options), (error) => Effect.die(new Error(`LinqWebhooks: ${error.message}`)))
    )
  )

/** The variable {@link layerConfig} reads the secret from. */
const SECRET_VARIABLE = "LINQ_WEBHOOK_SECRET"

/**
 * The options of {@link layerConfig}: those of {@link layer} but the secret,
 * read from `LINQ_WEBHOOK_SECRET` unless given (as a value or a `Config`).
 *
 * @since 1.0.0
 * @category options
 */
export interface LinqWebhooksConfigOptions extends Omit<LinqWebhooksOptions, "secret"> {
  readonly secret?:
    | Config.Config<Redacted.Redacted<string>>
    | WebhookSecret
    | ReadonlyArray<WebhookSecret>
    | undefined
}

/**
 * Splits a configured secret into the secrets it lists: several, separated by
 * spaces or commas, while one is rotated out.
 */
const splitSecrets = (secret: Redacted.Redacted<string>): ReadonlyArray<Redacted.Redacted<string>> =>
  Redacted.value(secret)
    .split(/[\s,]+/)
    .filter((part) => part.length > 0)
    .map((part) => Redacted.make(part))

/**
 * `LinqWebhooks` from Effect `Config`: the secret from `LINQ_WEBHOOK_SECRET`
 * (redacted; several secrets separated by spaces or commas during a rotation).
 * A missing or malformed secret fails the layer with a `Config.ConfigError`
 * that names the variable, never its value.
 *
 * **Example** (The secret from the environment)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { LinqWebhooks } from "@linq-effect/webhooks"
 *
 * const Webhooks: Layer.Layer<LinqWebhooks, unknown> = LinqWebhooks.layerConfig({ tolerance: "2 minutes" })
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (
  options: LinqWebhooksConfigOptions = {}
): Layer.Layer<LinqWebhooks, Config.ConfigError> =>
  Layer.effect(
    LinqWebhooks,
    Effect.gen(function* () {
      const { secret: configured, ...rest } = options
      const fromConfig = Config.isConfig(configured) || configured === undefined
      const secret = fromConfig
        ? splitSecrets(
            yield* (configured ?? Config.Redacted(SECRET_VARIABLE)) as Config.Config<
              Redacted.Redacted<string>
            >
          )
        : (configured as WebhookSecret | ReadonlyArray<WebhookSecret>)
      return yield* buildScoped(build({ ...rest, secret })).pipe(
        Effect.mapError(
          (error: InvalidWebhookSignature) =>
            new Config.ConfigError(
              new ConfigProvider.SourceError({
                message: `${fromConfig && configured === undefined ? SECRET_VARIABLE : "secret"}: ${error.description}`
              })
            )
        ),
        Effect.catchDefect((defect) =>
          Effect.fail(
            new Config.ConfigError(
              new ConfigProvider.SourceError({
                message: defect instanceof Error ? defect.message : String(defect)
              })
            )
          )
        )
      )
    })
  )

/**
 * The webhooks receiver: `yield* LinqWebhooks` gives its `handler`,
 * `nodeHandler`, `receive`, `events` and `subscribe`. Its statics build it:
 * {@link make}, {@link layer}, {@link layerConfig}.
 *
 * **Example** (Mounting the handler on a route)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { HttpRouter } from "effect/http"
 * import { LinqWebhooks } from "@linq-effect/webhooks"
 *
 * const WebhookRoute = HttpRouter.use((router) =>
 *   Effect.flatMap(Effect.service(LinqWebhooks), (webhooks) => router.add("POST", "/webhooks/linq", webhooks.handler))
 * ).pipe(Layer.provide(LinqWebhooks.layerConfig()))
 * ```
 *
 * @since 1.0.0
 * @category services
 */
export class LinqWebhooks extends Context.Service<LinqWebhooks, LinqWebhooks.Service>()(
  "@linq-effect/webhooks/LinqWebhooks"
) {
  /** {@link make} */
  static readonly make: typeof make = make
  /** {@link layer} */
  static readonly layer: typeof layer = layer
  /** {@link layerConfig} */
  static readonly layerConfig: typeof layerConfig = layerConfig
}
