/**
 * The JSON body the Linq API answers errors with.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { optionalKeyNullable } from "./internal/schema.js"

/**
 * `{ "success": false, "error": { "status", "code", "message" }, "trace_id" }`.
 * Decoding is lenient (every inner field optional, unknown fields ignored), as
 * gateways and older endpoints do not always fill it in.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorEnvelope = Schema.Struct({
  success: Schema.optionalKey(Schema.Boolean),
  error: Schema.Struct({
    status: optionalKeyNullable(Schema.Number),
    code: optionalKeyNullable(Schema.Number),
    message: optionalKeyNullable(Schema.String)
  }),
  trace_id: optionalKeyNullable(Schema.String)
}).annotate({ identifier: "ErrorEnvelope" })

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorEnvelope = typeof ErrorEnvelope.Type
