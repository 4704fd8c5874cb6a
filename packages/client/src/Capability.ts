/**
 * Whether a handle can use a messaging service.
 *
 * @since 0.2.0
 */
import type { CheckCapabilityError, Handle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import type { Effect } from "effect"
import type { RequestOptions } from "./Chats.js"
import * as internal from "./internal/reads.js"

/**
 * The services a capability can be checked for.
 *
 * @since 0.2.0
 * @category models
 */
export type CapabilityService = internal.CapabilityService

/**
 * Whether `handle` can use iMessage or RCS (`POST
 * /v3/capability/check_imessage` or `check_rcs`, with `{ address }`). An
 * invalid handle fails with `InvalidHandle` and sends nothing. Linq has no
 * SMS check; a service other than these two (from untyped code) is a defect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { checkCapability } from "@linq-effect/client"
 *
 * const program = checkCapability("+12052499136", "iMessage").pipe(
 *   Effect.tap((available) => Effect.log(available ? "can join an iMessage group" : "SMS only"))
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const checkCapability = (
  handle: string | Handle,
  service: CapabilityService,
  options?: RequestOptions
): Effect.Effect<boolean, CheckCapabilityError, LinqHttpClient> =>
  internal.checkCapability(handle, service, options)
