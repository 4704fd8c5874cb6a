/**
 * Type-level tests of the membership operations (checked by `pnpm check`):
 * each one's channels are exactly the documented ones.
 */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type {
  AddParticipantError,
  Chat,
  CheckCapabilityError,
  GetChatError,
  InvalidChatId,
  InvalidHandle,
  InvalidOption,
  ParticipantAddResponse,
  ParticipantRemoveResponse,
  RemoveParticipantError,
  SyncParticipantsError
} from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect, Result } from "effect"
import type { BatchOptions, SyncOptions, SyncResult } from "../src/index.js"
import {
  addParticipants,
  checkCapability,
  getChat,
  type removeParticipants,
  syncParticipants
} from "../src/index.js"

describe("membership operation types", () => {
  it("getChat: Chat, GetChatError", () => {
    expectTypeOf(getChat).returns.toEqualTypeOf<Effect.Effect<Chat, GetChatError, LinqHttpClient>>()
    expectTypeOf<GetChatError["_tag"]>().toMatchTypeOf<string>()
    expectTypeOf<Extract<GetChatError, InvalidHandle>>().toBeNever()
    expect(typeof getChat).toBe("function")
  })

  it("checkCapability: boolean, CheckCapabilityError; services iMessage and RCS only", () => {
    expectTypeOf(checkCapability).returns.toEqualTypeOf<
      Effect.Effect<boolean, CheckCapabilityError, LinqHttpClient>
    >()
    expectTypeOf(checkCapability).parameter(1).toEqualTypeOf<"iMessage" | "RCS">()
  })

  it("batches: outcomes with the single call's Result; only InvalidChatId or InvalidOption fails the batch", () => {
    expectTypeOf(addParticipants).returns.toEqualTypeOf<
      Effect.Effect<
        ReadonlyArray<{
          readonly handle: string
          readonly result: Result.Result<ParticipantAddResponse, AddParticipantError>
        }>,
        InvalidChatId | InvalidOption,
        LinqHttpClient
      >
    >()
    expectTypeOf<Effect.Error<ReturnType<typeof removeParticipants>>>().toEqualTypeOf<
      InvalidChatId | InvalidOption
    >()
    expectTypeOf<Effect.Success<ReturnType<typeof removeParticipants>>[number]["result"]>().toEqualTypeOf<
      Result.Result<ParticipantRemoveResponse, RemoveParticipantError>
    >()
  })

  it("syncParticipants: SyncResult, SyncParticipantsError", () => {
    expectTypeOf(syncParticipants).returns.toEqualTypeOf<
      Effect.Effect<SyncResult, SyncParticipantsError, LinqHttpClient>
    >()
    expectTypeOf<SyncParticipantsError["_tag"]>().toEqualTypeOf<
      | "InvalidHandle"
      | "InvalidChatId"
      | "InvalidOption"
      | "NotAGroupChat"
      | "TooFewParticipants"
      | "CrossServiceAddition"
      | "MembershipPending"
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
  })

  it('concurrency: what Effect takes, a whole number or "unbounded"', () => {
    expectTypeOf<BatchOptions["concurrency"]>().toEqualTypeOf<number | "unbounded" | undefined>()
    expectTypeOf<SyncOptions["concurrency"]>().toEqualTypeOf<number | "unbounded" | undefined>()
    const ok: ReadonlyArray<BatchOptions> = [{ concurrency: 2 }, { concurrency: "unbounded" }, {}]
    // @ts-expect-error: a count is a number, not text
    const text: BatchOptions = { concurrency: "4" }
    // @ts-expect-error: "inherit" is not a batch's
    const inherit: SyncOptions = { concurrency: "inherit" }
    expect([ok.length, text, inherit].length).toBe(3)
  })
})
