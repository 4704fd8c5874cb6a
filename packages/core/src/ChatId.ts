/**
 * Chat ids, safe to place in a URL as one path segment.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import { InvalidChatId } from "./Errors.js"

const MAX_LENGTH = 256
/** No whitespace, control/format characters, lone surrogates, `/ ? # % \`. */
const UNSAFE = /[\s\p{C}/?#%\\]/u
/** What generated chat ids look like (a lower-case UUID). */
const UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"

/**
 * A chat id: non-empty, at most 256 characters, no whitespace or control
 * characters, none of `/ ? # % \`, and not `.` or `..`, so that it always
 * stays one path segment. Linq's chat ids are UUIDs.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatId = Schema.String.check(
  Schema.makeFilter(
    (s: string) => s.length > 0 && s.length <= MAX_LENGTH && s !== "." && s !== ".." && !UNSAFE.test(s),
    {
      message: "a chat id must be 1 to 256 characters with no whitespace, control characters or / ? # % \\",
      // Generated chat ids look like Linq's: UUIDs.
      arbitraryConstraint: { patterns: [{ source: UUID, flags: "" }] }
    }
  )
).pipe(
  Schema.brand("ChatId"),
  Schema.annotate({
    identifier: "ChatId",
    description: "A Linq chat id (a UUID), safe as one URL path segment",
    examples: ["550e8400-e29b-41d4-a716-446655440000" as never]
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type ChatId = typeof ChatId.Type

const decodeChatId = Schema.decodeUnknownResult(ChatId)

const describeProblem = (input: string): string => {
  if (input.length === 0) return "it is empty"
  if (input.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`
  if (input === "." || input === "..") return "it cannot be . or .."
  if (/[\s\p{C}]/u.test(input)) return "it contains whitespace or control characters"
  return "it contains a character that is not allowed in a path segment (/ ? # % \\)"
}

/**
 * Validates a string as a {@link ChatId}, failing with {@link InvalidChatId}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { parseChatId } from "@linq-effect/core"
 *
 * const chatId = Effect.runSync(parseChatId("550e8400-e29b-41d4-a716-446655440000"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseChatId = (input: string): Effect.Effect<ChatId, InvalidChatId> =>
  Result.match(decodeChatId(input), {
    onFailure: () =>
      Effect.fail(
        typeof input === "string"
          ? new InvalidChatId({ input, reason: describeProblem(input) })
          : new InvalidChatId({
              input: String(input),
              reason: `expected a string, got ${input === null ? "null" : typeof input}`
            })
      ),
    onSuccess: Effect.succeed
  })
