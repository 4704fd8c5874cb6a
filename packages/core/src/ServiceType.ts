/**
 * The messaging services a Linq chat or handle can use.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A messaging service: `"iMessage"`, `"SMS"` or `"RCS"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ServiceType = Schema.Literals(["iMessage", "SMS", "RCS"]).annotate({
  identifier: "ServiceType",
  description: "A messaging service: iMessage, SMS or RCS"
})

/**
 * @since 0.1.0
 * @category models
 */
export type ServiceType = typeof ServiceType.Type
