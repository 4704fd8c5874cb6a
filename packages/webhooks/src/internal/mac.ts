/**
 * The `Mac` verification runs on when the context provides none.
 *
 * On a runtime with `node:crypto` (Node, Bun, Deno), reached through
 * `process.getBuiltinModule` (no static import, so the package stays
 * platform-neutral and bundles for edge runtimes), HMAC runs synchronously on
 * `createHmac` with a `KeyObject` made once per key: `createHmac` given raw key
 * bytes, as `NodeCrypto.layerMac` does, costs about 5 times as much per call
 * on Node 24 (measured: 13-17 µs against 3 µs for a 700-byte body), which
 * would make verification slower than the official SDK's pure-JS HMAC.
 * Elsewhere, WebCrypto (`Mac.layerWebCrypto`). Either way it is
 * `effect/crypto`'s `Mac`, built with `Mac.layerWebCryptoWith`.
 *
 * @internal
 */
import { Effect, Layer } from "effect"
import { Mac, SecureRandom } from "effect/crypto"

interface HmacLike {
  update(data: Uint8Array): HmacLike
  digest(): Uint8Array
}

interface NodeCryptoLike {
  createHmac(algorithm: string, key: unknown): HmacLike
  createSecretKey(key: Uint8Array): unknown
}

const loadNodeCrypto = (): NodeCryptoLike | undefined => {
  try {
    const process = (
      globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } }
    ).process
    const crypto = process?.getBuiltinModule?.("node:crypto") as Partial<NodeCryptoLike> | undefined
    return typeof crypto?.createHmac === "function" && typeof crypto.createSecretKey === "function"
      ? (crypto as NodeCryptoLike)
      : undefined
  } catch {
    return undefined
  }
}

const hashNames: Record<string, string> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
  MD5: "md5"
}

/** A synchronous native HMAC, its `KeyObject`s cached by the key's own bytes (stable for a key's life). */
const nativeHmac = (crypto: NodeCryptoLike) => {
  const keys = new WeakMap<Uint8Array, unknown>()
  return (hash: string, key: Uint8Array, data: Uint8Array): Uint8Array => {
    let keyObject = keys.get(key)
    if (keyObject === undefined) {
      keyObject = crypto.createSecretKey(key)
      keys.set(key, keyObject)
    }
    return new Uint8Array(
      crypto
        .createHmac(hashNames[hash] ?? hash, keyObject)
        .update(data)
        .digest()
    )
  }
}

const nodeCrypto = loadNodeCrypto()

/** @internal */
export const defaultMacLayer: Layer.Layer<Mac.Mac> = (
  nodeCrypto === undefined ? Mac.layerWebCrypto : Mac.layerWebCryptoWith({ hmac: nativeHmac(nodeCrypto) })
).pipe(Layer.provide(SecureRandom.layerWebCrypto))

let built: Mac.Mac["Service"] | undefined

/** @internal Built on first use, then kept: the layer holds no resources. */
export const defaultMac: Effect.Effect<Mac.Mac["Service"]> = Effect.suspend(() =>
  built !== undefined
    ? Effect.succeed(built)
    : Effect.map(Effect.service(Mac.Mac).pipe(Effect.provide(defaultMacLayer)), (mac) => {
        built = mac
        return mac
      })
)
