/**
 * How the examples print what they did: one line per step, naming the
 * operation, the handle (masked: a handle is personal data) and the chat it
 * concerns, then the outcome; an error by its tag once, then its reason.
 *
 *   add +1202•••0199 in chat 550e8400…: accepted, queued (trace trace_4d88…)
 *   add (20•••01 in chat 550e8400…: InvalidHandle, a phone number must be in E.164 form…
 *
 * A new example step is `step({ op, chatId, handle }, effect, describe)`.
 */
import { Console, Effect, Result } from "effect"

/** What a step is about; both fields are optional (a capability check has no chat). */
export interface Subject {
  /** The operation, as a verb: `add`, `remove`, `get`… */
  readonly op: string
  readonly handle?: string
  readonly chatId?: string
  /** A few words on the case, printed after the chat: `(a direct message)`. */
  readonly about?: string
}

/**
 * `+12052499136` → `+1205•••9136`, `dana@example.com` → `d•••@example.com`;
 * other input keeps its last 4 digits (`(•••) •••-0101`), or 2 + 2 characters.
 */
export const maskHandle = (handle: string): string => {
  if (/^\+\d{8,}$/.test(handle)) return `${handle.slice(0, 5)}•••${handle.slice(-4)}`
  const at = handle.lastIndexOf("@")
  if (at > 0) return `${handle[0]}•••${handle.slice(at)}`
  if (handle.replace(/\D/g, "").length > 4) {
    let kept = 0
    const masked = [...handle].reverse().map((c) => (/\d/.test(c) && kept++ >= 4 ? "•" : c))
    return masked.reverse().join("").replace(/•+/g, "•••")
  }
  return handle.length > 6 ? `${handle.slice(0, 2)}•••${handle.slice(-2)}` : "•••"
}

/** `550e8400-e29b-41d4-a716-446655440000` → `550e8400…`. */
export const shortChatId = (chatId: string): string => (chatId.length > 9 ? `${chatId.slice(0, 8)}…` : chatId)

/** `add +1205•••9136 in chat 550e8400…` */
export const describeSubject = ({ op, handle, chatId, about }: Subject): string =>
  [
    op,
    handle === undefined ? [] : [maskHandle(handle)],
    chatId === undefined ? [] : ["in chat", shortChatId(chatId)],
    about === undefined ? [] : [`(${about})`]
  ]
    .flat()
    .join(" ")

/**
 * An error, its tag once: `InvalidHandle, a phone number must be …`. Input
 * errors give their `reason`; the others their `message`.
 */
export const describeError = (error: { readonly _tag: string; readonly message: string }): string => {
  const reason = "reason" in error && typeof error.reason === "string" ? error.reason : error.message
  return `${error._tag}, ${reason}`
}

/** Linq's answer to an add or a removal: "accepted" means queued. */
export const describeQueued = (response: {
  readonly status?: string | undefined
  readonly trace_id?: string | undefined
}): string => `${response.status ?? "accepted"}, queued (trace ${response.trace_id ?? "none"})`

/** Prints one step's line. */
export const printStep = (subject: Subject, outcome: string) =>
  Console.log(`  ${describeSubject(subject)}: ${outcome}`)

/** The line of a finished step: the success described by `describe`, or the error. */
export const printOutcome = <A, E extends { readonly _tag: string; readonly message: string }>(
  subject: Subject,
  outcome: Result.Result<A, E>,
  describe: (a: A) => string
) => printStep(subject, Result.match(outcome, { onFailure: describeError, onSuccess: describe }))

/** Runs one step and prints its line; the outcome is returned, the error never fails the example. */
export const step = <A, E extends { readonly _tag: string; readonly message: string }, R>(
  subject: Subject,
  effect: Effect.Effect<A, E, R>,
  describe: (a: A) => string
): Effect.Effect<Result.Result<A, E>, never, R> =>
  Effect.result(effect).pipe(Effect.tap((outcome) => printOutcome(subject, outcome, describe)))
