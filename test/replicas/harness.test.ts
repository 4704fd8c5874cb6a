/**
 * The harness itself: a missing redis-server fails the test with the install
 * line (never a skip), and a started one can be frozen, thawed and restarted
 * empty, as the fault tests need.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import * as RedisServer from "./redisServer.js"

describe("test/replicas harness", () => {
  it.effect("without redis-server, the test fails naming `apt-get install redis-server`", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Effect.scoped(RedisServer.startWith(undefined)))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(Cause.pretty(exit.cause)).toContain(RedisServer.INSTALL_LINE)
    })
  )

  it.live("a server of its own: SET/GET, restart forgets (no persistence)", () =>
    Effect.gen(function* () {
      const redis = yield* RedisServer.start
      expect(redis.port).not.toBe(6379)
      expect(yield* redis.command("SET", "k", "v")).toBe("+OK\r\n")
      expect(yield* redis.command("GET", "k")).toBe("$1\r\nv\r\n")
      yield* redis.restart
      expect(yield* redis.command("GET", "k")).toBe("$-1\r\n")
    }).pipe(Effect.scoped)
  )
})
