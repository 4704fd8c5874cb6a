/**
 * Schema helpers shared by core's modules (not exported from the package).
 *
 * @internal
 */
import { Option, Predicate, Schema, SchemaGetter } from "effect"

/**
 * An optional key that may also be sent as `null`, and then decodes as
 * absent: `{ a?: T }` on the type side, `{ a?: E | null }` on the wire.
 * Encoding writes the value when present and leaves the key out otherwise.
 * (Effect 3's `optionalWith(s, { exact: true, nullable: true })`.)
 */
export const optionalKeyNullable = <S extends Schema.Top>(schema: S) =>
  Schema.optionalKey(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(Schema.optionalKey(Schema.toType(schema)), {
      decode: SchemaGetter.transformOptional(Option.filter(Predicate.isNotNull)),
      encode: SchemaGetter.passthrough()
    })
  )
