/**
 * The operation metrics of `@linq-effect/client`, with Effect's `Metric`.
 *
 * Every operation counts, including those a batch, a sync or a rule mode
 * performs for the caller (a batch of 10 adds is one `addParticipants` and
 * ten `addParticipant`; a diagnosed refusal adds a `getChat`). Attributes never
 * carry a handle, a chat id or a key. Per-attempt counts (retries) are
 * `@linq-effect/http`'s.
 *
 * @since 0.2.0
 */
import type { Metric } from "effect"
import * as internal from "./internal/metrics.js"

/**
 * `linq_client_calls_total`: a counter of calls, with the attributes `operation`
 * (`addParticipant`, `removeParticipant`, `getChat`, `checkCapability`,
 * `addParticipants`, `removeParticipants`, `syncParticipants`, `awaitMembership`,
 * `offboardParticipant`, `onboardParticipant`, `leaveChat`, and `listChats`
 * once per page read) and `outcome`
 * (`success`, the error's tag such as `InvalidRequest`, or `interrupted`).
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { callsTotal } from "@linq-effect/client"
 *
 * const failedAdds = Metric.value(
 *   callsTotal.pipe(Metric.withAttributes({ operation: "addParticipant", outcome: "InvalidRequest" }))
 * ).pipe(Effect.map((state) => state.count))
 * ```
 *
 * @since 0.2.0
 * @category metrics
 */
export const callsTotal: Metric.Counter<number> = internal.callsTotal

/**
 * `linq_client_call_duration_ms`: a histogram of call durations in
 * milliseconds (retries, waits and a rule mode's reads included), with the
 * attribute `operation`. Buckets from 5 ms, doubling, 15 of them (up to about 82 s).
 *
 * @since 0.2.0
 * @category metrics
 */
export const callDuration: Metric.Histogram<number> = internal.callDuration
