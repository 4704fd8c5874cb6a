/**
 * An app that uses the SDK over `fetch` bundles for a browser or an edge
 * runtime: nothing it imports may reach Node-only modules (the shared-state
 * layer's node-redis is loaded at run time, only when that layer is built).
 * The bench's bundle-size build (`browserBuild`), asserted to succeed and to
 * hold none of node-redis.
 */
import { describe, expect, it } from "@effect/vitest"
import { browserBuild } from "../bench/bundle.js"

describe("a browser bundle of an app using the SDK", () => {
  it("builds, and carries no node-redis", async () => {
    const result = await browserBuild("sdk-app.ts")
    expect(result.errors).toEqual([])
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((path) => path.includes("packages/client/src/Participants.ts"))).toBe(true)
    expect(inputs.filter((path) => /@redis|node_modules\/redis\/|NodeRedis/.test(path))).toEqual([])
  }, 60_000)
})
