/**
 * `@linq-effect/webhooks`: receiving Linq's webhooks. Verifies both signature
 * schemes over the raw body ({@link verifyWebhook}), decodes typed
 * participant events ({@link WebhookEvent}), and serves them once each
 * through the {@link LinqWebhooks} service (an `effect/http` handler, a
 * `node:http` handler, a `Stream`). Depends on `@linq-effect/core` and `effect`.
 *
 * @since 1.0.0
 */
export * from "./LinqWebhooks.js"
export * from "./VerifyWebhook.js"
export * from "./WebhookEvent.js"
