/**
 * `@linq-effect/client`: `addParticipant` / `removeParticipant` as composable
 * Effects over `LinqHttpClient`.
 *
 * @since 0.1.0
 */
export * from "./Participants.js"
