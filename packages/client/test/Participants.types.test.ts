/**
 * Type-level tests, checked by `tsc -p tsconfig.check.json` (`pnpm check`):
 * each operation's channels are exactly the documented ones.
 */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type {
  AddParticipantError,
  ChatId,
  Handle,
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  RemoveParticipantError
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { Effect } from "effect"
import { Answer } from "../../http/test/RecordingHttpClient.js"
import { linqLayer } from "../../http/test/testkit.js"
import type { ParticipantRequestOptions } from "../src/index.js"
import { addParticipant, removeParticipant } from "../src/index.js"

type Add = ReturnType<typeof addParticipant>
type Remove = ReturnType<typeof removeParticipant>

describe("operation types", () => {
  it("addParticipant: ParticipantAddResponse, exactly AddParticipantError, needs LinqHttpClient", () => {
    expectTypeOf<Effect.Success<Add>>().toEqualTypeOf<ParticipantAddResponse>()
    expectTypeOf<Effect.Error<Add>>().toEqualTypeOf<AddParticipantError>()
    expectTypeOf<Effect.Services<Add>>().toEqualTypeOf<LinqHttpClient>()
    expectTypeOf<Add>().toEqualTypeOf<
      Effect.Effect<ParticipantAddResponse, AddParticipantError, LinqHttpClient>
    >()
    expectTypeOf<Effect.Error<Add>["_tag"]>().toEqualTypeOf<
      | "InvalidHandle"
      | "InvalidChatId"
      | "InvalidOption"
      | "NotAGroupChat"
      | "CrossServiceAddition"
      | "TooFewParticipants"
      | "ParticipantAlreadyInChat"
      | "Unauthorized"
      | "PermissionDenied"
      | "ChatNotFound"
      | "RateLimited"
      | "InvalidRequest"
      | "ServerError"
      | "ApiError"
      | "ConnectionError"
      | "RequestTimeout"
      | "UnexpectedResponse"
    >()
    expect(typeof addParticipant).toBe("function")
  })

  it("removeParticipant: ParticipantRemoveResponse, exactly RemoveParticipantError, needs LinqHttpClient", () => {
    expectTypeOf<Effect.Success<Remove>>().toEqualTypeOf<ParticipantRemoveResponse>()
    expectTypeOf<Effect.Error<Remove>>().toEqualTypeOf<RemoveParticipantError>()
    expectTypeOf<Effect.Services<Remove>>().toEqualTypeOf<LinqHttpClient>()
    expectTypeOf<Remove>().toEqualTypeOf<
      Effect.Effect<ParticipantRemoveResponse, RemoveParticipantError, LinqHttpClient>
    >()
    expectTypeOf<Effect.Error<Remove>["_tag"]>().toEqualTypeOf<
      | "InvalidHandle"
      | "InvalidChatId"
      | "InvalidOption"
      | "NotAGroupChat"
      | "TooFewParticipants"
      | "ParticipantNotInChat"
      | "Unauthorized"
      | "PermissionDenied"
      | "ChatNotFound"
      | "RateLimited"
      | "InvalidRequest"
      | "ServerError"
      | "ApiError"
      | "ConnectionError"
      | "RequestTimeout"
      | "UnexpectedResponse"
    >()
    expect(typeof removeParticipant).toBe("function")
  })

  it("add-only and remove-only violations stay on their side", () => {
    expectTypeOf<Extract<RemoveParticipantError, { _tag: "ParticipantAlreadyInChat" }>>().toBeNever()
    expectTypeOf<Extract<RemoveParticipantError, { _tag: "CrossServiceAddition" }>>().toBeNever()
    expectTypeOf<Extract<AddParticipantError, { _tag: "ParticipantNotInChat" }>>().toBeNever()
  })

  it("parameters: a string or branded id, a string or branded handle, optional options", () => {
    expectTypeOf(addParticipant).parameter(0).toEqualTypeOf<string | ChatId>()
    expectTypeOf(removeParticipant).parameter(0).toEqualTypeOf<string | ChatId>()
    expectTypeOf(addParticipant).parameter(1).toEqualTypeOf<{ readonly handle: string | Handle }>()
    expectTypeOf(addParticipant).parameter(2).toEqualTypeOf<ParticipantRequestOptions | undefined>()
    expectTypeOf<ParticipantRequestOptions>().toHaveProperty("timeout")
    expectTypeOf<ParticipantRequestOptions>().toHaveProperty("maxRetries")
  })

  it.effect("handling every tag of addParticipant leaves no error (and the handler runs)", () =>
    Effect.gen(function* () {
      const onError = (e: { readonly _tag: string }) => Effect.succeed(`handled ${e._tag}`)
      const handled = addParticipant("a/b", { handle: "+12052499136" }).pipe(
        Effect.map(() => "ok"),
        Effect.catchTags({
          InvalidHandle: onError,
          InvalidChatId: onError,
          InvalidOption: onError,
          NotAGroupChat: onError,
          CrossServiceAddition: onError,
          TooFewParticipants: onError,
          ParticipantAlreadyInChat: onError,
          Unauthorized: onError,
          PermissionDenied: onError,
          ChatNotFound: onError,
          RateLimited: onError,
          InvalidRequest: onError,
          ServerError: onError,
          ApiError: onError,
          ConnectionError: onError,
          RequestTimeout: onError,
          UnexpectedResponse: onError
        })
      )
      expectTypeOf(handled).toEqualTypeOf<Effect.Effect<string, never, LinqHttpClient>>()
      expect(yield* handled).toBe("handled InvalidChatId")
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})
