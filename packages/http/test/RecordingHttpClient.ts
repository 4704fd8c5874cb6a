/**
 * A recording platform `HttpClient` for tests: built with `HttpClient.make`,
 * it answers every request from a per-test script (a response with status,
 * headers and body; a transport failure; a body that breaks half-way; or an
 * answer that never comes) and records every request it is given: method,
 * URL, headers, decoded body, the `AbortSignal` the platform passed in, and
 * the (test) clock's time.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import type { HttpClientRequest } from "effect/http"
import { HttpClient, HttpClientError, HttpClientResponse } from "effect/http"

/**
 * One scripted answer.
 */
export type Answer =
  | {
      readonly _tag: "Respond"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      /** `undefined`: no body at all (what `fetch` gives for a 204); `""`: an empty body. */
      readonly body: string | undefined
      /** Answer only after this long (on the fiber's clock: `TestClock` in tests). */
      readonly delay?: Duration.Duration
    }
  | { readonly _tag: "TransportFailure"; readonly message: string }
  | { readonly _tag: "BrokenBody"; readonly status: number; readonly firstBytes: string }
  | { readonly _tag: "Never" }

const JSON_TYPE = "application/json; charset=utf-8"

const NEVER: Answer = { _tag: "Never" }

/**
 * Constructors of answers.
 */
export const Answer = {
  /** A JSON answer (the body is `JSON.stringify(body)`). */
  json: (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Answer => ({
    _tag: "Respond",
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
    body: JSON.stringify(body)
  }),
  /** A body given verbatim (HTML, truncated JSON, …). */
  text: (
    status: number,
    body: string | undefined,
    headers: Readonly<Record<string, string>> = { "content-type": "text/html" }
  ): Answer => ({ _tag: "Respond", status, headers, body }),
  /** The API's error envelope. */
  envelope: (
    status: number,
    error: { readonly code?: number; readonly message?: string },
    traceId: string | undefined = "trace-abc",
    headers: Readonly<Record<string, string>> = {}
  ): Answer =>
    Answer.json(
      status,
      {
        success: false,
        error: { status, ...error },
        ...(traceId === undefined ? {} : { trace_id: traceId })
      },
      headers
    ),
  /** The documented 202 of an add. */
  accepted: (traceId = "trace-ok"): Answer =>
    Answer.json(202, { message: "Participant addition queued", status: "accepted", trace_id: traceId }),
  /** The same answer, after `delay`. */
  delayed: (answer: Answer, delay: Duration.Input): Answer =>
    answer._tag === "Respond" ? { ...answer, delay: Duration.fromInputUnsafe(delay) } : answer,
  /** The request could not be sent (an `HttpClientError` whose reason is a `TransportError`). */
  transportFailure: (message = "connect ECONNREFUSED 127.0.0.1:443"): Answer => ({
    _tag: "TransportFailure",
    message
  }),
  /** Status and headers arrive, then the body stream fails after `firstBytes`. */
  brokenBody: (status = 202, firstBytes = '{"message":"Partic'): Answer => ({
    _tag: "BrokenBody",
    status,
    firstBytes
  }),
  /** No answer, ever (until the request is aborted). */
  never: NEVER
}

/**
 * A script: answers in order (the last one repeats once the others are used
 * up), or a function of the request and its 0-based index.
 */
export type Script = ReadonlyArray<Answer> | ((request: RecordedRequest, index: number) => Answer)

/**
 * What the client was asked to send.
 */
export interface RecordedRequest {
  readonly method: string
  readonly url: URL
  /** Lower-cased names, as the platform holds them. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as text, `undefined` when there was none. */
  readonly bodyText: string | undefined
  /** The body parsed as JSON when it is JSON, else `undefined`. */
  readonly body: unknown
  /** The `HttpBody` tag (`"Empty"`, `"Uint8Array"`, …). */
  readonly bodyTag: string
  /** The signal `HttpClient.make` passed in: aborted when the request is abandoned. */
  readonly signal: AbortSignal
  /** The clock's time when the request was made, in ms. */
  readonly at: number
}

/**
 * The recorder of one test's requests.
 */
export class Recorder extends Context.Service<
  Recorder,
  {
    readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
    readonly count: Effect.Effect<number>
    /** How many answered bodies are neither read to their end nor cancelled yet. */
    readonly openBodies: Effect.Effect<number>
    /** The `n`th request (0-based); dies when there is none. */
    readonly request: (n: number) => Effect.Effect<RecordedRequest>
  }
>()("test/RecordingHttpClient/Recorder") {}

const utf8 = new TextDecoder()

const readBody = (
  body: HttpClientRequest.HttpClientRequest["body"]
): { readonly text: string | undefined; readonly json: unknown } => {
  let text: string | undefined
  switch (body._tag) {
    case "Uint8Array":
      text = utf8.decode(body.body)
      break
    case "Raw":
      text = typeof body.body === "string" ? body.body : undefined
      break
    default:
      text = undefined
  }
  if (text === undefined) return { text, json: undefined }
  try {
    return { text, json: JSON.parse(text) }
  } catch {
    return { text, json: undefined }
  }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/**
 * The web `Response` of an answer. A body is a stream that reports when it
 * has been read to its end or cancelled (`onSettled`), so that a test can
 * tell a body still being read (on promises, which Effect 4's `TestClock`
 * does not wait for) from one that is done.
 */
const toWebResponse = (
  answer: Extract<Answer, { _tag: "Respond" | "BrokenBody" }>,
  onOpen: () => void,
  onSettled: () => void
): Response => {
  if (answer._tag === "BrokenBody") {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(answer.firstBytes))
        controller.error(new Error("socket hang up"))
      }
    })
    return new Response(stream, { status: answer.status, headers: { "content-type": JSON_TYPE } })
  }
  if (NULL_BODY_STATUSES.has(answer.status) || answer.body === undefined) {
    return new Response(null, { status: answer.status, headers: answer.headers })
  }
  const bytes = new TextEncoder().encode(answer.body)
  let settled = false
  const settle = () => {
    if (settled) return
    settled = true
    onSettled()
  }
  onOpen()
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (bytes.byteLength > 0) controller.enqueue(bytes)
        controller.close()
        settle()
      },
      cancel() {
        settle()
      }
    },
    { highWaterMark: 0 }
  )
  // As `new Response(text)` would: a text body without a content-type is text/plain.
  const headers = new Headers(answer.headers)
  if (!headers.has("content-type")) headers.set("content-type", "text/plain;charset=UTF-8")
  return new Response(stream, { status: answer.status, headers })
}

/**
 * A recording client and its recorder, answering from `script`.
 */
export const unsafeMake = (script: Script) => {
  const recorded: Array<RecordedRequest> = []
  let openBodies = 0
  const opened = () => {
    openBodies++
  }
  const settled = () => {
    openBodies--
  }
  const next = (request: RecordedRequest, index: number): Answer => {
    if (typeof script === "function") return script(request, index)
    const answer = script[Math.min(index, script.length - 1)]
    if (answer === undefined) throw new Error("RecordingHttpClient: the script is empty")
    return answer
  }

  const client = HttpClient.make((request, url, signal) =>
    Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const body = readBody(request.body)
      const entry: RecordedRequest = {
        method: request.method,
        url,
        headers: { ...request.headers },
        bodyText: body.text,
        body: body.json,
        bodyTag: request.body._tag,
        signal,
        at
      }
      const index = recorded.length
      recorded.push(entry)
      const answer = next(entry, index)
      switch (answer._tag) {
        case "Never":
          return yield* Effect.never
        case "TransportFailure":
          return yield* Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, cause: new Error(answer.message) })
            })
          )
        case "BrokenBody":
          return HttpClientResponse.fromWeb(request, toWebResponse(answer, opened, settled))
        case "Respond":
          if (answer.delay !== undefined) yield* Effect.sleep(answer.delay)
          return HttpClientResponse.fromWeb(request, toWebResponse(answer, opened, settled))
      }
    })
  )

  const recorder: Recorder["Service"] = {
    requests: Effect.sync(() => recorded.slice()),
    count: Effect.sync(() => recorded.length),
    openBodies: Effect.sync(() => openBodies),
    request: (n) =>
      Effect.suspend(() => {
        const entry = recorded[n]
        return entry === undefined
          ? Effect.die(new Error(`no request #${n} was recorded (${recorded.length} were)`))
          : Effect.succeed(entry)
      })
  }
  return { client, recorder } as const
}

/**
 * The recording `HttpClient` and its `Recorder`, fresh for each build.
 */
export const layer = (script: Script): Layer.Layer<HttpClient.HttpClient | Recorder> =>
  Layer.effectContext(
    Effect.sync(() => {
      const { client, recorder } = unsafeMake(script)
      return Context.make(HttpClient.HttpClient, client).pipe(Context.add(Recorder, recorder))
    })
  )
