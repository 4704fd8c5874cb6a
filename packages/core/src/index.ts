/**
 * `@linq-effect/core`: Schemas, tagged errors and group-chat rules for the
 * Linq Partner API's participant operations. Depends on nothing but `effect`.
 *
 * @since 0.1.0
 */
export * from "./ApiErrors.js"
export * from "./Chat.js"
export * from "./ChatList.js"
export * from "./ChatId.js"
export * from "./ErrorEnvelope.js"
export * from "./Errors.js"
export * as GroupChatRules from "./GroupChatRules.js"
export * from "./Handle.js"
export * from "./Participant.js"
export * from "./RuleViolations.js"
export * from "./ServiceType.js"
export * from "./TransportErrors.js"
export * from "./WebhookSubscription.js"
