/**
 * Example: queued changes confirmed by Linq's webhooks instead of by polling.
 *
 * Linq answers an add or a remove with 202 ("queued") and tells what it
 * applied only by webhook (`participant.added`, `participant.removed`). This
 * step runs the whole loop on loopback, against a FakeLinq of its own (even
 * when `pnpm demo` targets the real API: it counts requests):
 *
 * 1. a receiving endpoint: an Effect HTTP server (`NodeHttpServer`) with
 *    `LinqWebhooks.handler` on `POST /webhooks/linq`, on a free port;
 * 2. `ensureWebhookSubscription` for the endpoint's public URL, run twice as
 *    at two starts: the signing secret comes back on creation only;
 * 3. FakeLinq, which queues changes as Linq does and, once it applies one,
 *    POSTs the signed event (the subscription's secret, both header sets)
 *    over real HTTP to the endpoint; each event is sent twice (Linq delivers
 *    at least once) and the endpoint answers its first request 503 (as a
 *    server restarting does), so one delivery is retried on Linq's schedule;
 * 4. `syncParticipants` with a `wait`, confirmed by those events: the chat
 *    is read once, to plan; then the same sync without `LinqWebhooks`, on a
 *    FakeLinq that sends no webhooks, which polls the chat until it shows
 *    the changes. Both count their requests from the fake's journal.
 *
 * `webhooks.test.ts` checks the counts and outcomes.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { ensureWebhookSubscription, type SyncResult, syncParticipants } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, linqRetryDelays, type ServedFakeLinq, type WebhookDelivery } from "@linq-effect/testing"
import { LinqWebhooks, type WebhookEvent } from "@linq-effect/webhooks"
import { Console, Deferred, Duration, Effect, Option, Ref, Stream } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"
import { requestsSent } from "./membership.js"
import { maskHandle, shortChatId } from "./Step.js"

/** The route of the receiving endpoint. */
export const ROUTE = "/webhooks/linq"

/**
 * The endpoint's public URL, the one the subscription names: Linq sends only
 * to `https:` URLs. On loopback the fake's `target` option stands in for the
 * tunnel or load balancer that would bring those requests to the endpoint.
 */
export const PUBLIC_URL = `https://hooks.example.com${ROUTE}`

/** How long the fakes keep an accepted change on their queue before applying it. */
export const QUEUE_DELAY = "600 millis"

/** Linq's retry delays (5 s, 10 s, … over about 25 minutes), scaled down for the demo: the first retry after 50 ms. */
export const RETRY_SCALE = 0.01

/** How many requests the endpoint answers 503 before it is up. */
export const DOWN_FOR = 1

const H = FakeLinq.handles
const C = FakeLinq.chats

/** The sync's chat and wanted members: newcomer joins, dave leaves. */
export const chatId = C.iMessageGroup
export const desired: ReadonlyArray<string> = [H.alice, H.bob, H.carol, H.newcomer]

/** One sync run: its result and the requests it sent, by journal route. */
export interface SyncRun {
  readonly result: SyncResult
  readonly routes: ReadonlyArray<string>
}

/** What the step did and printed. */
export interface WebhooksReport {
  /** The endpoint's loopback URL. */
  readonly endpoint: string
  /** The first `ensureWebhookSubscription`: created, with its secret. */
  readonly created: { readonly created: boolean; readonly secretShown: boolean; readonly id: string }
  /** The second: found, no secret. */
  readonly again: { readonly created: boolean; readonly secretShown: boolean; readonly id: string }
  readonly withWebhooks: SyncRun
  readonly withPolling: SyncRun
  /** Every delivery FakeLinq made (each copy its own), in order. */
  readonly deliveries: ReadonlyArray<WebhookDelivery>
  /** The events `LinqWebhooks` took in (each once), and how many ids its duplicate window holds. */
  readonly taken: ReadonlyArray<WebhookEvent>
  readonly remembered: number
  readonly lines: ReadonlyArray<string>
}

/** `LinqWebhooks.handler` on `POST /webhooks/linq` of an Effect HTTP server on a free loopback port; its URL. */
export const serveEndpoint = (handler: LinqWebhooks.Service["handler"]) =>
  Effect.gen(function* () {
    const server = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
    yield* server.serve(yield* HttpRouter.toHttpEffect(HttpRouter.add("POST", ROUTE, handler)))
    const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
    return `http://127.0.0.1:${port}${ROUTE}`
  })

/** The handler, behind a server that answers its first `times` requests 503 (restarting). */
export const downAtFirst = (handler: LinqWebhooks.Service["handler"], times: number) =>
  Effect.map(Ref.make(times), (left) =>
    Effect.flatMap(
      Ref.getAndUpdate(left, (n) => n - 1),
      (n) => (n > 0 ? Effect.succeed(HttpServerResponse.empty({ status: 503 })) : handler)
    )
  )

/** Runs `part` with a LinqHttpClient on the fake's base URL (over the ambient HttpClient). */
const against = <A, E, R>(fake: { readonly baseUrl: string }, part: Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.flatMap(
      LinqHttpClient.make({ apiKey: "demo-key", baseUrl: fake.baseUrl, maxRetries: 1 }),
      (client) => Effect.provideService(part, LinqHttpClient, client)
    )
  )

const isChange = (route: string) => route === "add" || route === "remove"

/** How many of each route, in first-seen order: `getChat x4`. */
const counted = (routes: ReadonlyArray<string>): string =>
  [...new Set(routes)]
    .map((route) => {
      const n = routes.filter((r) => r === route).length
      return n === 1 ? route : `${route} x${n}`
    })
    .join(" + ")

/** The requests before the first change (the plan), the changes, and the reads after the first change. */
export const splitRequests = (routes: ReadonlyArray<string>) => {
  const first = routes.findIndex(isChange)
  const plan = first === -1 ? routes : routes.slice(0, first)
  const rest = first === -1 ? [] : routes.slice(first)
  return { plan, changes: rest.filter(isChange), reads: rest.filter((route) => !isChange(route)) }
}

/** `4 requests: getChat + checkImessage to plan, add + remove, no read after them` */
const requestsLine = (routes: ReadonlyArray<string>): string => {
  const { plan, changes, reads } = splitRequests(routes)
  const polls = reads.length === 0 ? "no read after them" : `${counted(reads)} polling the chat`
  return `${routes.length} requests: ${counted(plan)} to plan, ${counted(changes)}, ${polls}`
}

const outcomeOf = (result: SyncResult) =>
  `${result.added.filter((s) => s.done).length} added, ${result.removed.filter((s) => s.done).length} removed, confirmed ${result.confirmed}`

/** The wait before retry `n` (from 1): Linq's, and the demo's (scaled). */
const retryWait = (n: number): string => {
  const linq = linqRetryDelays[n - 1] ?? Duration.zero
  return `${Duration.format(Duration.times(linq, RETRY_SCALE))} (Linq waits ${Duration.format(linq)})`
}

const attemptsLine = (delivery: WebhookDelivery): string => {
  const answers = delivery.attempts.map((attempt, i) => {
    const answer =
      attempt.result._tag === "Answered"
        ? `${attempt.result.status}${attempt.result.status === 503 ? " (the endpoint is restarting)" : ""}`
        : `failed (${attempt.result.description})`
    return i === 0 ? answer : `retried after ${retryWait(i)}: ${answer}`
  })
  const copy = delivery.copy === 0 ? "" : " again (same event_id)"
  const handle = maskHandle(delivery.payload.data.handle)
  return `    ${delivery.eventType} ${handle}${copy}: ${answers.join(", ")}`
}

const describeEvent = (event: WebhookEvent): string =>
  event._tag === "UnknownWebhookEvent" ? event.eventType : `${event._tag} ${maskHandle(event.handle)}`

/** The step: its report, with the lines `program` prints. */
export const run = Effect.scoped(
  Effect.gen(function* () {
    const lines: Array<string> = []
    const say = (line: string) => lines.push(line)

    // Linq's part: a FakeLinq that queues changes and POSTs signed webhooks,
    // once applied, to the endpoint (known once it listens: the `target` waits for it).
    const endpointUrl = yield* Deferred.make<string>()
    const linq = yield* FakeLinq.serve(FakeLinq.defaultSeed, {
      queueDelay: QUEUE_DELAY,
      webhooks: { target: Deferred.await(endpointUrl), duplicates: 1, retry: { scale: RETRY_SCALE } }
    })
    const polling = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: QUEUE_DELAY })
    say(
      `  (two FakeLinqs of its own on loopback, each applying a change ${Duration.format(Duration.fromInputUnsafe(QUEUE_DELAY))} after its 202; one sends webhooks)`
    )

    // At the first start: the subscription is created and its secret shown, once.
    const first = yield* against(linq, ensureWebhookSubscription({ targetUrl: PUBLIC_URL }))
    const shown = Option.match(first.signingSecret, {
      onNone: () => "not shown",
      onSome: (secret) => `${secret} (Linq shows it only now: store it)`
    })
    say(
      `  ensureWebhookSubscription ${PUBLIC_URL}: ${first.created ? "created" : "found"} ${shortChatId(first.subscription.id)} (${first.subscription.target_url}), signing secret ${shown}`
    )
    // At the next start: found, and Linq never shows the secret again.
    const second = yield* against(linq, ensureWebhookSubscription({ targetUrl: PUBLIC_URL }))
    say(
      `  ensureWebhookSubscription again, as at the next start: ${second.created ? "created" : "found"} ${shortChatId(second.subscription.id)}, signing secret ${Option.isSome(second.signingSecret) ? "shown" : "not shown (never again)"}`
    )
    const secret = yield* Effect.fromOption(first.signingSecret)

    // The receiving endpoint, verifying with the subscription's secret.
    const webhooks = yield* LinqWebhooks.make({ secret })
    const taken = yield* webhooks.subscribe
    const endpoint = yield* serveEndpoint(yield* downAtFirst(webhooks.handler, DOWN_FOR))
    const { search } = new URL(first.subscription.target_url)
    yield* Deferred.succeed(endpointUrl, `${endpoint}${search}`)
    say(
      `  endpoint: LinqWebhooks.handler on POST ${ROUTE} of an Effect HTTP server (NodeHttpServer) at ${new URL(endpoint).origin}, verifying with that secret`
    )
    say(
      `  (Linq sends to https: URLs only: here FakeLinq POSTs what it would send to ${new URL(PUBLIC_URL).host} to the endpoint)`
    )

    /** The sync, its requests counted from the fake's journal; with `receiver`, confirmed by its events. */
    const syncOn = (fake: ServedFakeLinq, receiver: Option.Option<LinqWebhooks.Service>) =>
      Effect.gen(function* () {
        yield* fake.clearJournal
        const sync = syncParticipants(chatId, desired, { wait: "10 seconds" })
        const result = yield* against(
          fake,
          Option.match(receiver, {
            onNone: () => sync,
            onSome: (service) => Effect.provideService(sync, LinqWebhooks, service)
          })
        )
        return { result, routes: yield* requestsSent(fake) } satisfies SyncRun
      })

    say(
      `  sync chat ${shortChatId(chatId)} to ${desired.map(maskHandle).join(", ")}, waiting up to 10 s: ${maskHandle(H.newcomer)} joins, then ${maskHandle(H.dave)} leaves (a removal waits for the newcomers: a group keeps 3)`
    )
    const withWebhooks = yield* syncOn(linq, Option.some(webhooks))
    say(
      `    with LinqWebhooks: ${outcomeOf(withWebhooks.result)} by the events; ${requestsLine(withWebhooks.routes)}`
    )
    const withPolling = yield* syncOn(polling, Option.none())
    say(
      `    without it:        ${outcomeOf(withPolling.result)} by reads; ${requestsLine(withPolling.routes)}`
    )

    // Every delivery done (the copies and the retry), then what the endpoint took in.
    yield* linq.webhooks.awaitDeliveries
    const deliveries = yield* linq.webhooks.deliveries
    const ids = new Set(deliveries.map((d) => d.eventId))
    // each was published before its 204, so they are all waiting on the subscription
    const events = yield* Stream.runCollect(Stream.take(taken, ids.size)).pipe(Effect.timeout("5 seconds"))
    const remembered = yield* webhooks.remembered
    const attempts = deliveries.reduce((n, d) => n + d.attempts.length, 0)
    say(
      `  Linq's deliveries to the endpoint: ${deliveries.length} for ${ids.size} events (each sent twice: Linq delivers at least once), ${attempts} attempts:`
    )
    for (const delivery of deliveries) say(attemptsLine(delivery))
    const retried = deliveries.filter((d) => d.attempts.length > 1 && d.outcome._tag === "Delivered").length
    say(
      `  LinqWebhooks took in ${events.length} events, each once: ${events.map(describeEvent).join(", ")} (a copy is answered 204 and dropped by its event_id; ${retried} delivery retried after a 503, then taken)`
    )

    return {
      endpoint,
      created: {
        created: first.created,
        secretShown: Option.isSome(first.signingSecret),
        id: first.subscription.id
      },
      again: {
        created: second.created,
        secretShown: Option.isSome(second.signingSecret),
        id: second.subscription.id
      },
      withWebhooks,
      withPolling,
      deliveries,
      taken: events,
      remembered,
      lines
    } satisfies WebhooksReport
  })
)

/** Prints the report (`pnpm demo`'s webhooks step). */
export const program = Effect.flatMap(run, (report) => Console.log(report.lines.join("\n")))
