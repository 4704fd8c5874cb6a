/**
 * Many changes to one chat: every handle validated first, duplicates sent
 * once, bounded concurrency, one outcome per input handle in input order.
 */
import type { ChatId, Handle, InvalidChatId } from "@linq-effect/core"
import type { InvalidOption } from "@linq-effect/core"
import { InvalidHandle, parseChatId, parseHandle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Effect, Result } from "effect"
import type { ChangeOptions } from "./change.js"
import { metered } from "./metrics.js"
import { invalidOption } from "./options.js"

/** How many changes a batch or a sync has in flight at most, unless told. */
export const DEFAULT_CONCURRENCY = 4

/** One input handle and what became of it. */
export interface Outcome<A, E> {
  readonly handle: string
  readonly result: Result.Result<A, E>
}

/** How many at once: what Effect's `concurrency` takes (a count, or no bound). */
export type Concurrency = number | "unbounded"

/** A batch's options: a change's, and how many at once. */
export interface BatchOptions extends ChangeOptions {
  readonly concurrency?: Concurrency | undefined
}

/**
 * The concurrency to run with: the default when none is given, `"unbounded"`
 * for `"unbounded"` or `Infinity`, a whole number of at least 1 as it is;
 * anything else (0, a negative, `NaN`, a fraction, a value of another type
 * from a JS caller) is refused with `InvalidOption`, before anything is sent.
 */
export const concurrencyOf = (value: unknown): Effect.Effect<Concurrency, InvalidOption> => {
  if (value === undefined) return Effect.succeed(DEFAULT_CONCURRENCY)
  if (value === "unbounded" || value === Number.POSITIVE_INFINITY) return Effect.succeed("unbounded")
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return Effect.succeed(value)
  return Effect.fail(
    invalidOption("concurrency", value, `a whole number >= 1, or "unbounded" (or Infinity) for no limit`)
  )
}

/** Handles that name the same participant share this key: emails lower-cased. */
export const handleKey = (handle: string): string => (handle.includes("@") ? handle.toLowerCase() : handle)

/** A change's options without the batch's own. */
export const changeOptions = (options: BatchOptions | undefined): ChangeOptions => {
  if (options === undefined) return {}
  const { concurrency: _, ...rest } = options
  return rest
}

/** A lone string given where a list of handles is expected (a JS caller): refused whole, not per character. */
export const loneString = (input: string): InvalidHandle =>
  new InvalidHandle({ input, reason: "expected a list of handles, got a single string" })

/**
 * Runs `change` for every distinct valid handle (at most `concurrency` at
 * once) and answers one outcome per input, in input order. Only an invalid
 * chat id fails the whole.
 */
export const batch =
  <A, E>(
    operation: string,
    change: (chatId: ChatId, handle: Handle, options: ChangeOptions) => Effect.Effect<A, E, LinqHttpClient>
  ) =>
  (
    chatId: string | ChatId,
    handles: Iterable<string | Handle>,
    options?: BatchOptions
  ): Effect.Effect<
    ReadonlyArray<Outcome<A, E | InvalidHandle>>,
    InvalidChatId | InvalidOption,
    LinqHttpClient
  > =>
    metered(operation)(
      Effect.flatMap(parseChatId(chatId), (id) =>
        Effect.gen(function* () {
          const concurrency = yield* concurrencyOf(options?.concurrency)
          // A lone string (a JS caller) is one input, refused whole, not one per character.
          const lone = typeof handles === "string"
          const inputs = lone ? [handles] : Array.from(handles, (h) => h)
          const parsed = lone
            ? [Result.fail(loneString(handles))]
            : yield* Effect.forEach(inputs, (h) => Effect.result(parseHandle(h)))
          // One call per participant, in the order first seen.
          const calls = new Map<string, Handle>()
          for (const p of parsed)
            if (Result.isSuccess(p) && !calls.has(handleKey(p.success)))
              calls.set(handleKey(p.success), p.success)
          const perCall = changeOptions(options)
          const results = yield* Effect.forEach(
            calls.values(),
            (handle) =>
              Effect.map(Effect.result(change(id, handle, perCall)), (r) => [handleKey(handle), r] as const),
            { concurrency }
          )
          const byKey = new Map(results)
          return yield* Effect.forEach(parsed, (p, i) => {
            const handle = String(inputs[i])
            if (Result.isFailure(p))
              return Effect.succeed<Outcome<A, E | InvalidHandle>>({ handle, result: Result.fail(p.failure) })
            const result = byKey.get(handleKey(p.success))
            return result === undefined
              ? Effect.die(new Error("batch: a valid handle was not sent (a bug in @linq-effect/client)"))
              : Effect.succeed<Outcome<A, E | InvalidHandle>>({ handle, result })
          })
        })
      )
    )
