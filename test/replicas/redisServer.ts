/**
 * A `redis-server` of the test's own (Debian's package), never the machine's
 * one on 6379: started on a free loopback port with persistence off
 * (`--save "" --appendonly no`), so a restart starts empty as a crashed
 * in-memory Redis does, and stopped when the test's scope closes.
 *
 * It can be stopped (SIGTERM, waiting for the exit), frozen and thawed
 * (SIGSTOP / SIGCONT: the socket stays open, nothing answers) and restarted
 * on the same port. Where `redis-server` is missing, `start` fails the test
 * with the install line: these tests never skip.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { createConnection, createServer } from "node:net"
import { delimiter, join } from "node:path"
import { Effect, type Scope } from "effect"

/** The install line the failure names. */
export const INSTALL_LINE = "apt-get install redis-server"

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Stops the server (SIGTERM) and waits for it to exit. */
  readonly stop: Effect.Effect<void>
  /** SIGSTOP: the server keeps its sockets open and answers nothing. */
  readonly freeze: Effect.Effect<void>
  /** SIGCONT after `freeze`. */
  readonly thaw: Effect.Effect<void>
  /** Starts the server again on the same port (stopping it first if it runs): empty, as after a crash. */
  readonly restart: Effect.Effect<void>
  /** Sends one command over a fresh connection (inline protocol) and returns the raw reply. */
  readonly command: (...args: ReadonlyArray<string>) => Effect.Effect<string>
}

/** Where `redis-server` is: `REDIS_SERVER`, else `/usr/bin/redis-server`, else the first on `PATH`. */
export const findRedisServer = (): string | undefined => {
  const candidates = [
    process.env.REDIS_SERVER,
    "/usr/bin/redis-server",
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "redis-server"))
  ]
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === "") continue
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** One inline command over a fresh socket; resolves with the first reply chunk. */
const rawCommand = (port: number, args: ReadonlyArray<string>, timeoutMs = 1_000): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`redis-server on ${port}: no answer to ${args[0]} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.once("data", (data) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(data.toString())
    })
    // RESP array of bulk strings, so arguments may hold spaces.
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`)
  })

const launch = async (binary: string, port: number): Promise<ChildProcess> => {
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no"
    ],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  let output = ""
  child.stdout?.on("data", (d) => {
    output += d.toString()
  })
  child.stderr?.on("data", (d) => {
    output += d.toString()
  })
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited (${child.exitCode}) on start:\n${output}`)
    try {
      if ((await rawCommand(port, ["PING"], 200)).startsWith("+PONG")) return child
    } catch {}
    if (Date.now() > deadline) {
      child.kill("SIGKILL")
      throw new Error(`redis-server did not answer PING on ${port} within 10 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

const terminate = (child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    // A frozen server must be woken to act on SIGTERM.
    child.kill("SIGCONT")
    child.kill(signal)
  })

/**
 * Starts a `redis-server` for the rest of the scope. Fails (a defect: the test
 * fails, it is never skipped) when the binary is missing, naming
 * {@link INSTALL_LINE}.
 */
export const start: Effect.Effect<RedisServer, never, Scope.Scope> = Effect.suspend(() =>
  startWith(findRedisServer())
)

/** {@link start} with the binary given (`undefined`: none found). */
export const startWith = (binary: string | undefined): Effect.Effect<RedisServer, never, Scope.Scope> =>
  Effect.gen(function* () {
    if (binary === undefined) {
      return yield* Effect.die(
        new Error(
          `redis-server is not installed: these tests start their own Redis (Debian's package). Install it with \`${INSTALL_LINE}\` (or set REDIS_SERVER to its path).`
        )
      )
    }
    const port = yield* Effect.promise(freePort)
    let child: ChildProcess | undefined = yield* Effect.promise(() => launch(binary, port))
    const stop = Effect.promise(async () => {
      if (child !== undefined) await terminate(child)
      child = undefined
    })
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        if (child !== undefined) await terminate(child, "SIGKILL")
      })
    )
    const signal = (name: NodeJS.Signals) =>
      Effect.sync(() => {
        child?.kill(name)
      })
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      stop,
      freeze: signal("SIGSTOP"),
      thaw: signal("SIGCONT"),
      restart: Effect.andThen(
        stop,
        Effect.promise(async () => {
          child = await launch(binary, port)
        })
      ),
      command: (...args) => Effect.promise(() => rawCommand(port, args))
    } satisfies RedisServer
  })
