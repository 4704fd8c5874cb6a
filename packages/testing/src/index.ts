/**
 * `@linq-effect/testing`: FakeLinq, an in-memory Linq Partner API for tests,
 * examples and benchmarks, in-process (an `HttpClient` layer) or over
 * real HTTP on the loopback interface.
 *
 * @since 0.1.0
 */
export * from "./FakeLinq.js"
export * as Fault from "./Fault.js"
export type { ScriptedFault } from "./Fault.js"
export * as InProcessClient from "./InProcessClient.js"
export type { JournalEntry, JournalOutcome, RouteName, WebhookSubscriptionRoute } from "./Journal.js"
export { REDACTED, redactHeaders } from "./Journal.js"
export * from "./Seed.js"
export * from "./WebhookDelivery.js"
