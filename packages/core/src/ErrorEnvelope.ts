/**
 * The JSON body the Linq API answers errors with.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * `{ "success": false, "error": { "status", "code", "message" }, "trace_id" }`.
 * Decoding is lenient (every inner field optional, unknown fields ignored), as
 * gateways and older endpoints do not always fill it in.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorEnvelope = Schema.Struct({
  success: Schema.optionalWith(Schema.Boolean, { exact: true }),
  error: Schema.Struct({
    status: Schema.optionalWith(Schema.Number, { exact: true, nullable: true }),
    code: Schema.optionalWith(Schema.Number, { exact: true, nullable: true }),
    message: Schema.optionalWith(Schema.String, { exact: true, nullable: true })
  }),
  trace_id: Schema.optionalWith(Schema.String, { exact: true, nullable: true })
}).annotations({ identifier: "ErrorEnvelope" })

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorEnvelope = typeof ErrorEnvelope.Type
