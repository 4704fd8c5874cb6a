/**
 * Runs one README program with tsx (the workspace packages resolved to their
 * sources), offline, against a FakeLinq served on 127.0.0.1 for it alone:
 * `LINQ_API_V3_BASE_URL` and `LINQ_API_V3_API_KEY` point
 * `LinqHttpClient.layerConfig()` at the fake, and `offline.mjs` refuses any
 * connection that is not loopback. A program that uses `LinqShared` also gets
 * `LINQ_REDIS_URL`, a redis-server of its own (test/replicas/redisServer.ts).
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { FakeLinq } from "@linq-effect/testing"
import { Effect } from "effect"
import * as RedisServer from "../replicas/redisServer.js"
import { root } from "./blocks.js"

export interface ProgramRun {
  readonly exitCode: number | null
  readonly timedOut: boolean
  readonly output: string
}

const tsx = join(root, "node_modules/.bin/tsx")
const offline = join(root, "test/docs/offline.mjs")

const spawnProgram = (file: string, env: Record<string, string>, timeoutMs: number) =>
  Effect.callback<ProgramRun>((resume) => {
    const child = spawn(tsx, ["--conditions=@linq-effect/source", "--import", offline, file], {
      cwd: root,
      env: { ...process.env, ...env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: tsx runs the program in a child process, and a
      // timeout must stop both.
      detached: true
    })
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
      } catch {
        // already gone
      }
    }
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, timeoutMs)
    child.on("close", (exitCode) => {
      clearTimeout(timer)
      resume(Effect.succeed({ exitCode, timedOut, output }))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      kill()
    })
  })

/**
 * Runs the program at `file` against a fresh FakeLinq (and, for a program that
 * uses `LinqShared`, a redis-server of its own at `LINQ_REDIS_URL`); never
 * fails, the result says what happened.
 */
export const runProgram = (file: string, timeoutMs: number): Promise<ProgramRun> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const fake = yield* FakeLinq.serve()
        const redis = readFileSync(file, "utf8").includes("LinqShared") ? yield* RedisServer.start : undefined
        return yield* spawnProgram(
          file,
          {
            LINQ_API_V3_BASE_URL: fake.baseUrl,
            LINQ_API_V3_API_KEY: "readme-test-key",
            ...(redis === undefined ? {} : { LINQ_REDIS_URL: redis.url })
          },
          timeoutMs
        )
      })
    )
  )

/** The end of a program's output, for a failure message. */
export const tail = (output: string, lines = 40): string =>
  output.trimEnd().split("\n").slice(-lines).join("\n")
