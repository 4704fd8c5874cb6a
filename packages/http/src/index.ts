/**
 * `@linq-effect/http`: a layered, configured HttpClient service for the Linq
 * Partner API, over any `effect/http` HttpClient.
 *
 * @since 0.1.0
 */
export * as ErrorMapping from "./ErrorMapping.js"
export * from "./LinqHttpClient.js"
export * as RetryPolicy from "./RetryPolicy.js"
export * from "./LinqShared.js"
