/**
 * Real replicas for the multi-process tests: N child processes running
 * `replica.ts` through tsx on the source condition (as the repo's scripts run
 * the examples), each with its own runtime and its own `LinqShared`
 * connection, against a FakeLinq served by the test on loopback.
 *
 * The protocol is one JSON object a line: the child prints `{"ready":true}`
 * once its layers are built, waits for `go` on stdin (so every replica starts
 * at once; a webhook replica reports what it received), and prints
 * `{"result":…}` before it exits. The scope kills any
 * child still running.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Effect, type Scope } from "effect"
import type { ReplicaTask } from "./replica.js"

const script = fileURLToPath(new URL("./replica.ts", import.meta.url))
const root = fileURLToPath(new URL("../..", import.meta.url))

export interface Replica {
  /** Resolves with the child's ready line once its layers are built (a webhook replica adds its `port`). */
  readonly ready: Promise<{ readonly ready: true; readonly port?: number }>
  /** Tells the child to start. */
  readonly go: () => void
  /** The child's result line, parsed. */
  readonly result: Promise<unknown>
  readonly child: ChildProcess
}

const spawnReplica = (task: ReplicaTask, index: number): Replica => {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@linq-effect/source", script], {
    cwd: root,
    env: { ...process.env, LINQ_REPLICA_TASK: JSON.stringify({ ...task, index }) },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stderr = ""
  child.stderr?.on("data", (d) => {
    stderr += d.toString()
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000)
  })
  let onReady: (message: { ready: true; port?: number }) => void = () => {}
  let onResult: (value: unknown) => void = () => {}
  const ready = new Promise<{ ready: true; port?: number }>((resolve) => {
    onReady = resolve
  })
  const result = new Promise<unknown>((resolve, reject) => {
    onResult = resolve
    child.once("exit", (code, signal) =>
      reject(new Error(`replica ${index} exited (${code ?? signal}) without a result:\n${stderr}`))
    )
    child.once("error", reject)
  })
  // Either promise may be left unawaited when the other fails.
  ready.catch(() => {})
  result.catch(() => {})
  createInterface({ input: child.stdout! }).on("line", (line) => {
    let message: { ready?: boolean; port?: number; result?: unknown }
    try {
      message = JSON.parse(line)
    } catch {
      return
    }
    if (message.ready === true)
      onReady({ ready: true, ...(message.port === undefined ? {} : { port: message.port }) })
    if ("result" in message) onResult(message.result)
  })
  return { ready, go: () => child.stdin?.write("go\n"), result, child }
}

/**
 * Starts `tasks.length` replicas, waits until every one is ready, starts them
 * together and returns their results in order. Kills them when the scope closes.
 */
export const runReplicas = <R = unknown>(
  tasks: ReadonlyArray<ReplicaTask>,
  options: {
    /** Runs once every replica is ready, before `go` (a webhook test delivers here), with their ready lines. */
    readonly beforeGo?: (ready: ReadonlyArray<{ readonly port?: number }>) => Effect.Effect<void>
    /** Runs once `go` is sent, beside the replicas (a confirmation test delivers here). */
    readonly afterGo?: (ready: ReadonlyArray<{ readonly port?: number }>) => Effect.Effect<void>
  } = {}
): Effect.Effect<ReadonlyArray<R>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const replicas = yield* Effect.acquireRelease(
      Effect.sync(() => tasks.map(spawnReplica)),
      (all) =>
        Effect.sync(() => {
          for (const r of all) if (r.child.exitCode === null) r.child.kill("SIGKILL")
        })
    )
    const ready = yield* Effect.promise(() =>
      Promise.race([
        Promise.all(replicas.map((r) => r.ready)),
        // A child that dies before it is ready fails the run with its stderr.
        Promise.all(replicas.map((r) => r.result)).then(() => {
          throw new Error("a replica gave its result before it was ready")
        })
      ])
    )
    if (options.beforeGo !== undefined) yield* options.beforeGo(ready)
    for (const r of replicas) r.go()
    if (options.afterGo !== undefined) yield* options.afterGo(ready)
    return (yield* Effect.promise(() => Promise.all(replicas.map((r) => r.result)))) as ReadonlyArray<R>
  })
