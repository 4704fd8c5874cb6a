/**
 * Every tagged error core exports crosses a process boundary:
 * `Schema.encode` → `JSON.stringify` → `JSON.parse` → `Schema.decode`, with
 * the JSON codec of the error's schema (`Schema.toCodecJson`: a `Duration`
 * field goes over the wire as `{ "_tag": "Millis", "value": n }`), gives the
 * same error back. The errors are found by walking core's exports, so a
 * new one is covered without being listed here.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Schema } from "effect"
import * as Arbitrary from "effect/Arbitrary"
import * as Core from "../src/index.js"
import { normalize } from "./arbitraries.js"

type AnySchema = Schema.Codec<unknown, unknown>

const isErrorClass = (value: unknown): value is AnySchema & (abstract new (...args: never) => Error) =>
  typeof value === "function" && Schema.isSchema(value) && value.prototype instanceof Error

const errorClasses = Object.entries(Core).filter(([, value]) => isErrorClass(value)) as ReadonlyArray<
  [string, AnySchema & (abstract new (...args: never) => Error)]
>

const unions: ReadonlyArray<[string, AnySchema]> = [
  ["GroupChatRuleViolation", Core.GroupChatRuleViolation as AnySchema],
  ["LinqApiError", Core.LinqApiError as AnySchema],
  ["LinqTransportError", Core.LinqTransportError as AnySchema]
]

/**
 * Whether every number in an encoded value survives JSON: NaN and ±Infinity
 * become null and -0 becomes 0. No field of an error holds those (statuses
 * and codes are whole numbers), but the schemas' arbitraries generate them.
 */
const jsonSafe = (value: unknown): boolean =>
  typeof value === "number"
    ? Number.isFinite(value) && !Object.is(value, -0)
    : typeof value === "object" && value !== null
      ? Object.values(value).every(jsonSafe)
      : true

/** Through JSON and back, with the JSON codec of the schema. */
const roundTrip = (schema: AnySchema, value: unknown) => {
  const json = Schema.toCodecJson(schema)
  const encoded = Schema.encodeSync(json)(value)
  const wire: unknown = JSON.parse(JSON.stringify(encoded))
  const decoded = Schema.decodeUnknownSync(json)(wire)
  return { encoded, decoded }
}

/** The schema's own arbitrary, without the values whose numbers JSON cannot carry. */
const jsonSafeArbitrary = (schema: AnySchema) =>
  Arbitrary.schema(schema).pipe(
    Arbitrary.filter((value: unknown) => jsonSafe(Schema.encodeSync(Schema.toCodecJson(schema))(value)))
  )

describe("every core error round-trips through JSON", () => {
  it("finds the errors (all of core's tagged errors, at least these)", () => {
    const names = errorClasses.map(([name]) => name)
    for (const name of [
      "RateLimited",
      "RequestTimeout",
      "InvalidHandle",
      "ConnectionError",
      "UnexpectedResponse"
    ]) {
      expect(names).toContain(name)
    }
    expect(names.length).toBeGreaterThanOrEqual(17)
  })

  for (const [name, schema] of errorClasses) {
    it.prop(
      `${name}: encode → JSON → decode gives the same error`,
      [jsonSafeArbitrary(schema)],
      ([error]) => {
        const { decoded, encoded } = roundTrip(schema, error)
        expect(decoded).toBeInstanceOf(schema)
        expect(normalize(decoded)).toStrictEqual(normalize(error))
        expect(Schema.encodeSync(Schema.toCodecJson(schema))(decoded)).toEqual(encoded)
        expect((decoded as Error).message).toBe((error as Error).message)
      },
      { arbitrary: { runs: 50 } }
    )
  }

  for (const [name, schema] of unions) {
    it.prop(
      `the ${name} union round-trips too`,
      [jsonSafeArbitrary(schema)],
      ([error]) => {
        const { decoded, encoded } = roundTrip(schema, error)
        expect(Schema.encodeSync(Schema.toCodecJson(schema))(decoded)).toEqual(encoded)
      },
      { arbitrary: { runs: 50 } }
    )
  }

  it("RateLimited keeps its retryAfter, RequestTimeout its timeout, as Durations", () => {
    const limited = roundTrip(
      Core.RateLimited as AnySchema,
      new Core.RateLimited({ status: 429, message: "slow down", retryAfter: Duration.millis(1500.5) })
    ).decoded
    expect(limited).toBeInstanceOf(Core.RateLimited)
    if (limited instanceof Core.RateLimited) {
      expect(Duration.isDuration(limited.retryAfter)).toBe(true)
      expect(Duration.toMillis(limited.retryAfter ?? Duration.zero)).toBe(1500.5)
    }
    const timeout = roundTrip(
      Core.RequestTimeout as AnySchema,
      new Core.RequestTimeout({
        method: "POST",
        url: "https://api.linq.test/v3",
        timeout: Duration.seconds(60)
      })
    ).decoded
    expect(timeout).toBeInstanceOf(Core.RequestTimeout)
    if (timeout instanceof Core.RequestTimeout) expect(Duration.toMillis(timeout.timeout)).toBe(60_000)
  })
})
