/**
 * `@linq-effect/client`: the Linq participant operations as composable
 * Effects over `LinqHttpClient`: add and remove (one, or a batch), read a
 * chat, list chats, check a handle's capability, bring a chat to a wanted
 * membership, take one person out of (or into) many chats, leave a chat,
 * with operation metrics, confirm queued changes (`awaitMembership`), and
 * manage the account's webhook subscriptions.
 *
 * @since 0.1.0
 */
export * from "./Capability.js"
export * from "./Chats.js"
export * from "./ChatList.js"
export * from "./Leave.js"
export * from "./Participants.js"
export * from "./People.js"
export * from "./Batch.js"
export * from "./Metrics.js"
export * from "./Sync.js"
export * from "./Membership.js"
export * from "./WebhookSubscriptions.js"
