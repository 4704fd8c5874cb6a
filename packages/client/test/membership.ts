/**
 * Helpers of the membership tests: chat bodies as `GET /v3/chats/{chatId}`
 * answers them, and a script that answers each route from its own list (the
 * last answer repeating), so a test can say what the chat read, the
 * capability check and the change each get.
 */
import type { Answer as AnswerT, RecordedRequest, Script } from "../../http/test/RecordingHttpClient.js"
import { Answer } from "../../http/test/RecordingHttpClient.js"
import { CHAT_ID } from "../../http/test/testkit.js"

export const ME = "+15550000001"
export const ALICE = "+15550000002"
export const BOB = "+15550000003"
export const CAROL = "+15550000004"
export const DAVE = "dave@example.com"
export const ERIN = "+15550000006"

export interface MemberSpec {
  readonly handle: string
  readonly isMe?: boolean
  readonly status?: "active" | "left" | "removed" | null
  readonly service?: "iMessage" | "SMS" | "RCS"
}

/** A chat as the API answers it, with an unknown field and nulls where documented. */
export const chatBody = (
  members: ReadonlyArray<string | MemberSpec>,
  options: {
    readonly service?: "iMessage" | "SMS" | "RCS" | null
    readonly isGroup?: boolean
    readonly id?: string
  } = {}
) => ({
  id: options.id ?? CHAT_ID,
  display_name: null,
  service: options.service === undefined ? "iMessage" : options.service,
  is_group: options.isGroup ?? true,
  is_archived: false,
  created_at: "2026-01-02T03:04:05Z",
  updated_at: "2026-01-02T03:04:05.123Z",
  unread_count: 3,
  handles: members.map((m, i) => {
    const spec: MemberSpec = typeof m === "string" ? { handle: m } : m
    return {
      id: `h-${i}`,
      handle: spec.handle,
      service: spec.service ?? "iMessage",
      joined_at: "2026-01-02T03:04:05Z",
      is_me: spec.isMe ?? null,
      left_at: spec.status === "left" ? "2026-01-03T00:00:00Z" : null,
      status: spec.status === undefined ? "active" : spec.status,
      nickname: "ignored"
    }
  })
})

/** A group of `members` plus the chat's own number first. */
export const group = (members: ReadonlyArray<string>, service: "iMessage" | "SMS" | "RCS" = "iMessage") =>
  chatBody([{ handle: ME, isMe: true }, ...members], { service })

/** The route a recorded request went to. */
export type Route = "add" | "remove" | "chat" | "imessage" | "rcs" | "other"

export const routeOf = (request: RecordedRequest): Route => {
  const path = request.url.pathname
  if (path.endsWith("/participants")) return request.method === "POST" ? "add" : "remove"
  if (path.endsWith("/capability/check_imessage")) return "imessage"
  if (path.endsWith("/capability/check_rcs")) return "rcs"
  if (/\/v3\/chats\/[^/]+$/.test(path) && request.method === "GET") return "chat"
  return "other"
}

/** Answers per route, each list in order with its last answer repeating; a function sees the request. */
export type Routes = Partial<
  Record<Route, ReadonlyArray<AnswerT> | ((request: RecordedRequest, index: number) => AnswerT)>
>

/** A script answering each route from its own list; an unscripted route answers 500. */
export const routes = (table: Routes): Script => {
  const counts = new Map<Route, number>()
  return (request) => {
    const route = routeOf(request)
    const index = counts.get(route) ?? 0
    counts.set(route, index + 1)
    const answers = table[route]
    if (answers === undefined) return Answer.envelope(500, { code: 3001, message: `unscripted ${route}` })
    if (typeof answers === "function") return answers(request, index)
    return answers[Math.min(index, answers.length - 1)] ?? Answer.envelope(500, { message: "empty list" })
  }
}

export const capability = (available: boolean) => (request: RecordedRequest) =>
  Answer.json(200, { address: (request.body as { address?: string } | undefined)?.address, available })

/** The routes of the requests recorded, in order. */
export const routesSent = (requests: ReadonlyArray<RecordedRequest>): ReadonlyArray<Route> =>
  requests.map(routeOf)

/** The handle a change request carried. */
export const handleOf = (request: RecordedRequest): string | undefined =>
  (request.body as { handle?: string } | undefined)?.handle

export const removed = (traceId = "trace-rm"): AnswerT =>
  Answer.json(202, { message: "Participant removal queued", status: "accepted", trace_id: traceId })

/**
 * A chat that changes: adds and removals are queued and applied `delay` ms
 * (on the test clock) after they were accepted, checked against the rules
 * when accepted. `counts` is the number of active members after each applied
 * change; `answer` can override the answer to a change.
 */
export const liveChat = (
  members: ReadonlyArray<string>,
  options: {
    readonly service?: "iMessage" | "SMS" | "RCS"
    readonly delay?: number
    readonly capable?: (handle: string) => boolean
    readonly answer?: (route: "add" | "remove", handle: string) => AnswerT | undefined
  } = {}
) => {
  const active: Array<string> = [...members]
  const queue: Array<{ readonly at: number; readonly op: "add" | "remove"; readonly handle: string }> = []
  const counts: Array<number> = []
  const delay = options.delay ?? 0
  const apply = (now: number) => {
    while (queue.length > 0 && queue[0]!.at + delay <= now) {
      const change = queue.shift()!
      const i = active.indexOf(change.handle)
      if (change.op === "add" && i < 0) active.push(change.handle)
      if (change.op === "remove" && i >= 0) active.splice(i, 1)
      counts.push(active.length + 1)
    }
  }
  const script: Script = (request) => {
    apply(request.at)
    const route = routeOf(request)
    if (route === "chat") return Answer.json(200, group(active, options.service))
    if (route === "imessage" || route === "rcs") {
      const address = (request.body as { address: string }).address
      return Answer.json(200, { address, available: options.capable?.(address) ?? true })
    }
    if (route !== "add" && route !== "remove")
      return Answer.envelope(404, { code: 2001, message: "Not found" })
    const handle = handleOf(request) ?? ""
    const override = options.answer?.(route, handle)
    if (override !== undefined) return override
    queue.push({ at: request.at, op: route, handle })
    if (delay === 0) apply(request.at)
    return route === "add" ? Answer.accepted() : removed()
  }
  return { script, active, counts } as const
}
