#!/usr/bin/env node
// Checks the packages as a consumer outside the workspace sees them (after
// `pnpm build`):
//
// 1. packs each one with `pnpm pack` and checks what the tarball holds and
//    its manifest (no workspace: ranges, no @effect/platform or @effect/schema
//    anywhere, peer `effect` alone (plus the optional @effect/platform-node of
//    testing, and of http with redis, for LinqShared), `engines.node` exactly the Node lines this script tests);
// 2. installs the tarballs into a fresh app next to effect@4.1.0 with plain
//    `npm install` from the npm registry, with npm's default (strict) peer
//    resolution (no --legacy-peer-deps, no --force), then `npm ls` must find
//    the tree valid, with one `effect` and no @effect/platform;
// 3. type-checks a strict TypeScript app (strict, exactOptionalPropertyTypes,
//    noUncheckedIndexedAccess, no skipLibCheck: an unresolved import in a
//    published .d.ts would otherwise turn into `any` unseen) against the
//    packed declarations;
// 4. imports every package with plain Node (no source condition) and
//    exercises them (add and remove a participant through LinqHttpClient,
//    in-process and over loopback HTTP with undici and with fetch) on the
//    repo's Node and on the declared floor, Node FLOOR_NODE, taken from the
//    npm registry's node-<platform>-<arch> package and cached under
//    node_modules/.cache (see scripts/node-floor.mjs).
//
// Needs no network but the npm registry.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { FLOOR_NODE, floorNode } from "./node-floor.mjs"

const root = resolve(import.meta.dirname, "..")
const packages = ["core", "http", "client", "testing", "webhooks"]
const EFFECT = "4.1.0"
const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
const REPO_NODE = rootManifest.devDependencies.node
/** The Node lines the packages declare: each one's tested floor (this script runs both). */
const ENGINES = `^${FLOOR_NODE} || ^${REPO_NODE}`

const scratch = mkdtempSync(join(tmpdir(), "linq-effect-pack-"))
/** Runs a command, returning its stdout; on failure shows that stdout (tsc and npm ls report there). */
const run = (cmd, args, cwd) => {
  try {
    return execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"] }).toString()
  } catch (error) {
    if (error.stdout?.length > 0) process.stderr.write(error.stdout)
    throw new Error(`${[cmd, ...args].join(" ")} failed in ${cwd} (exit ${error.status})`)
  }
}
const fail = (message) => {
  throw new Error(message)
}

try {
  // ---------------------------------------------------------------- pack
  const tarballs = {}
  for (const name of packages) {
    const dir = join(root, "packages", name)
    const source = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    run("pnpm", ["pack", "--pack-destination", scratch], dir)
    const tarball = `linq-effect-${name}-${source.version}.tgz`
    if (!readdirSync(scratch).includes(tarball)) fail(`no ${tarball} after pnpm pack`)
    const listing = run("tar", ["-tzf", join(scratch, tarball)], scratch).split("\n")
    for (const f of [
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/README.md",
      "package/LICENSE"
    ]) {
      if (!listing.includes(f)) fail(`${tarball} lacks ${f.slice("package/".length)}`)
    }
    if (listing.some((f) => /^package\/(test|node_modules)\//.test(f)))
      fail(`${tarball} ships tests or node_modules`)
    const manifest = JSON.parse(
      run("tar", ["-xzOf", join(scratch, tarball), "package/package.json"], scratch)
    )
    const text = JSON.stringify(manifest)
    if (text.includes("workspace:")) fail(`${tarball} still has workspace: ranges`)
    if (/@effect\/(platform|schema)"/.test(text))
      fail(`${tarball} still names @effect/platform or @effect/schema`)
    const peers = Object.keys(manifest.peerDependencies ?? {}).sort()
    const allowed =
      name === "testing"
        ? ["@effect/platform-node", "effect"]
        : name === "http"
          ? ["@effect/platform-node", "effect", "redis"]
          : ["effect"]
    if (JSON.stringify(peers) !== JSON.stringify(allowed)) {
      fail(`${tarball}: peers ${peers.join(", ")}, expected ${allowed.join(", ")}`)
    }
    if (manifest.peerDependencies.effect !== "^4.1.0")
      fail(`${tarball}: peer effect ${manifest.peerDependencies.effect}`)
    for (const optional of peers.filter((peer) => peer !== "effect")) {
      if (manifest.peerDependenciesMeta?.[optional]?.optional !== true)
        fail(`${tarball}: ${optional} must be an optional peer`)
    }
    if (manifest.engines?.node !== ENGINES) {
      fail(
        `${tarball}: engines.node is ${JSON.stringify(manifest.engines?.node)}, expected "${ENGINES}" (what this script tests)`
      )
    }
    tarballs[name] = `file:../${tarball}`
  }
  console.log(
    `packed: ${packages.map((n) => tarballs[n].slice("file:../".length)).join(", ")} (engines ${ENGINES})`
  )

  // ---------------------------------------------------------------- install
  const app = join(scratch, "app")
  mkdirSync(app)
  const typesNode = JSON.parse(
    readFileSync(join(root, "node_modules", "@types", "node", "package.json"), "utf8")
  )
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify(
      {
        name: "linq-effect-consumer",
        private: true,
        type: "module",
        dependencies: {
          effect: EFFECT,
          ...Object.fromEntries(packages.map((n) => [`@linq-effect/${n}`, tarballs[n]]))
        },
        devDependencies: { "@types/node": typesNode.version }
      },
      null,
      2
    )}\n`
  )
  // A project .npmrc that says npm's defaults out loud, whatever the machine's config says.
  writeFileSync(join(app, ".npmrc"), "legacy-peer-deps=false\nforce=false\naudit=false\nfund=false\n")
  const npm = (args) => run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], app)
  npm(["install"])
  npm(["ls", "--all"])
  if (existsSync(join(app, "node_modules", "@effect", "platform"))) fail("@effect/platform got installed")
  const effects = npm(["ls", "effect", "--all", "--parseable"]).trim().split("\n").filter(Boolean)
  if (new Set(effects).size !== 1) fail(`more than one effect installed:\n${effects.join("\n")}`)
  const installed = JSON.parse(
    readFileSync(join(app, "node_modules", "effect", "package.json"), "utf8")
  ).version
  if (installed !== EFFECT) fail(`effect ${installed} installed, expected ${EFFECT}`)
  console.log(
    `install ok: npm install of the tarballs next to effect@${EFFECT}, default peer resolution, npm ls clean`
  )

  // ---------------------------------------------------------------- types
  writeFileSync(
    join(app, "consumer.ts"),
    `import { addParticipant, removeParticipant } from "@linq-effect/client"
import type { AddParticipantError, ParticipantAddResponse } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { LinqWebhooks, type WebhookError, type WebhookEvent, verifyWebhook } from "@linq-effect/webhooks"
import { Effect, Layer, ManagedRuntime } from "effect"
import { FetchHttpClient } from "effect/http"

const add: Effect.Effect<ParticipantAddResponse, AddParticipantError, LinqHttpClient> = addParticipant("c", {
  handle: "+12223334444"
})
const live = LinqHttpClient.layer({ apiKey: "k" }).pipe(Layer.provide(FetchHttpClient.layer))
const runtime = ManagedRuntime.make(live)
export const viaPromise: Promise<ParticipantAddResponse> = runtime.runPromise(add)
export const removed = removeParticipant("c", { handle: "a@b.co" }).pipe(Effect.provide(live))
export const verified: Effect.Effect<WebhookEvent, WebhookError> = verifyWebhook(
  { body: "{}", headers: {} },
  { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
)
export const webhooks: Layer.Layer<LinqWebhooks> = LinqWebhooks.layer({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })
export const tested = add.pipe(
  Effect.provide(LinqHttpClient.layer({ apiKey: "test" }).pipe(Layer.provideMerge(FakeLinq.layer())))
)
`
  )
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        noEmit: true,
        skipLibCheck: false,
        types: ["node"]
      },
      files: ["consumer.ts"]
    })
  )
  run(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], app)
  console.log("types ok: a strict app (no skipLibCheck) compiles against the packed declarations")

  // ---------------------------------------------------------------- run
  writeFileSync(
    join(app, "consumer.mjs"),
    `import * as Core from "@linq-effect/core"
import * as Http from "@linq-effect/http"
import * as Client from "@linq-effect/client"
import * as Testing from "@linq-effect/testing"
import * as Webhooks from "@linq-effect/webhooks"
import { Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"

const missing = [
  ["core", Core, ["Handle", "ChatId", "ParticipantAddParams", "ParticipantAddResponse", "Chat", "ErrorEnvelope", "GroupChatRules", "InvalidHandle", "NotAGroupChat", "UnexpectedResponse"]],
  ["http", Http, ["LinqHttpClient"]],
  ["client", Client, ["addParticipant", "removeParticipant"]],
  ["testing", Testing, ["FakeLinq"]],
  ["webhooks", Webhooks, ["verifyWebhook", "WebhookEvent", "LinqWebhooks", "InvalidWebhookSignature", "StaleWebhook", "MalformedWebhook"]]
].flatMap(([pkg, mod, names]) => names.filter((n) => !(n in mod)).map((n) => pkg + "." + n))
if (missing.length > 0) { console.error("missing exports: " + missing.join(", ")); process.exit(1) }

const { FakeLinq } = Testing
const chat = FakeLinq.chats.iMessageGroup
const handle = FakeLinq.handles.newcomer
const addThenRemove = Effect.gen(function* () {
  const added = yield* Client.addParticipant(chat, { handle })
  const removed = yield* Client.removeParticipant(chat, { handle })
  if (added.status !== "accepted" || removed.status !== "accepted") {
    return yield* Effect.die(new Error("unexpected answers " + JSON.stringify([added, removed])))
  }
})
const over = async (label, clientLayer) => {
  const served = Effect.gen(function* () {
    const server = yield* Testing.FakeLinqServer
    return Http.LinqHttpClient.layer({ apiKey: "k", baseUrl: server.baseUrl, maxRetries: 0 })
  })
  await Effect.runPromise(
    addThenRemove.pipe(
      Effect.provide(Layer.unwrap(served).pipe(Layer.provide(clientLayer))),
      Effect.provide(FakeLinq.layerServer(FakeLinq.defaultSeed, { queueDelay: 0 }))
    )
  )
  return label
}

const done = []
await Effect.runPromise(
  addThenRemove.pipe(
    Effect.provide(
      Http.LinqHttpClient.layer({ apiKey: "k" }).pipe(Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
    )
  )
)
done.push("in-process")
{
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  const body = JSON.stringify({ event_type: "message.received", event_id: "e1", data: {} })
  const event = await Effect.runPromise(
    Effect.flatMap(Webhooks.signWebhook(body, { secret }), (headers) => Webhooks.verifyWebhook({ body, headers }, { secret }))
  )
  if (event._tag !== "UnknownWebhookEvent") throw new Error("webhook not verified: " + JSON.stringify(event))
  done.push("webhook signed + verified")
}
done.push(await over("fetch over loopback", FetchHttpClient.layer))
if (process.argv.includes("--undici")) {
  const { NodeHttpClient } = await import("@effect/platform-node")
  done.push(await over("undici over loopback", NodeHttpClient.layerUndici))
}
console.log("node " + process.version + ": imports ok; add + remove ok " + done.join(", "))
`
  )
  const nodes = [
    ["the repo's Node", join(root, "node_modules", ".bin", "node")],
    ["the floor", await floorNode()]
  ]
  for (const [what, node] of nodes) {
    const version = run(node, ["--version"], app).trim()
    if (what === "the floor" && version !== `v${FLOOR_NODE}`)
      fail(`floor node is ${version}, expected v${FLOOR_NODE}`)
    if (what !== "the floor" && version !== `v${REPO_NODE}`)
      fail(`repo node is ${version}, expected v${REPO_NODE}`)
  }
  // With effect alone (no @effect/platform-node): in-process needs nothing else.
  writeFileSync(
    join(app, "in-process.mjs"),
    `import * as Client from "@linq-effect/client"
import * as Http from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import { Effect, Layer } from "effect"
const chat = FakeLinq.chats.iMessageGroup
const added = await Effect.runPromise(
  Client.addParticipant(chat, { handle: FakeLinq.handles.newcomer }).pipe(
    Effect.provide(Http.LinqHttpClient.layer({ apiKey: "k" }).pipe(Layer.provideMerge(FakeLinq.layer())))
  )
)
if (added.status !== "accepted") throw new Error("unexpected answer " + JSON.stringify(added))
console.log("node " + process.version + ": with effect alone, in-process add ok")
`
  )
  for (const [, node] of nodes) process.stdout.write(run(node, ["in-process.mjs"], app))
  // Serving FakeLinq and NodeHttpClient need @effect/platform-node (testing's optional peer): add it.
  npm(["install", `@effect/platform-node@${EFFECT}`])
  npm(["ls", "--all"])
  for (const [, node] of nodes) process.stdout.write(run(node, ["consumer.mjs", "--undici"], app))
  console.log(`run ok: on Node ${REPO_NODE} and on the floor, Node ${FLOOR_NODE}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
