/**
 * `@linq-effect/client`: the Linq participant operations as composable
 * Effects over `LinqHttpClient`: add and remove (one, or a batch), read a
 * chat, check a handle's capability, bring a chat to a wanted membership,
 * with operation metrics, confirm queued changes (`awaitMembership`), and
 * manage the account's webhook subscriptions.
 *
 * @since 0.1.0
 */
export * from "./Capability.js"
export * from "./Chats.js"
export * from "./Participants.js"
export * from "./Batch.js"
export * from "./Metrics.js"
export * from "./Sync.js"
export * from "./Membership.js"
export * from "./WebhookSubscriptions.js"
