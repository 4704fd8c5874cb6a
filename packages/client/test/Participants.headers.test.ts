import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import { API_KEY, CHAT_ID, HANDLE, linqLayer } from "../../http/test/testkit.js"
import { addParticipant, removeParticipant } from "../src/index.js"

describe("per-call headers", () => {
  it.effect("add and remove send the caller's headers, never replacing Authorization", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      yield* addParticipant(CHAT_ID, { handle: HANDLE }, { headers: { "Idempotency-Key": "add-1" } })
      yield* removeParticipant(
        CHAT_ID,
        { handle: HANDLE },
        { headers: { "X-Request-Id": "rm-1", Authorization: "Bearer other" } }
      )
      const [add, remove] = yield* recorder.requests
      expect(add?.headers["idempotency-key"]).toBe("add-1")
      expect(remove?.headers["x-request-id"]).toBe("rm-1")
      expect(remove?.headers.authorization).toBe(`Bearer ${API_KEY}`)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})
