import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Duration, Option, Schema } from "effect"
import { RetryPolicy } from "../src/index.js"

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0)
const ms = (headers: Record<string, string>) =>
  Option.map(RetryPolicy.retryAfter(headers, NOW), Duration.toMillis)

describe("RetryPolicy.retryAfter", () => {
  it("reads retry-after-ms first, then Retry-After seconds, then an HTTP date", () => {
    expect(ms({ "retry-after-ms": "250" })).toStrictEqual(Option.some(250))
    expect(ms({ "retry-after-ms": "250", "retry-after": "9" })).toStrictEqual(Option.some(250))
    expect(ms({ "retry-after": "9" })).toStrictEqual(Option.some(9000))
    expect(ms({ "retry-after": " 2 " })).toStrictEqual(Option.some(2000))
    expect(ms({ "retry-after": "Tue, 01 Jan 2030 12:00:30 GMT" })).toStrictEqual(Option.some(30_000))
    // RFC 850 and asctime forms
    expect(ms({ "retry-after": "Tuesday, 01-Jan-30 12:00:05 GMT" })).toStrictEqual(Option.some(5000))
    expect(ms({ "retry-after": "Tue Jan  1 12:00:05 2030 GMT" })).toStrictEqual(Option.some(5000))
  })

  it("a past date is no wait at all", () => {
    expect(ms({ "retry-after": "Tue, 01 Jan 2030 11:00:00 GMT" })).toStrictEqual(Option.some(0))
  })

  it("does not cap (the schedule does) so that RateLimited keeps the server's value", () => {
    expect(ms({ "retry-after": "3600" })).toStrictEqual(Option.some(3_600_000))
  })

  it("absent, negative or unreadable values give None", () => {
    expect(ms({})).toStrictEqual(Option.none())
    for (const value of ["-5", "-1", "soon", "1.5.3", "10 apples", "", "0x10", "1e3", "Infinity", "NaN"]) {
      expect(ms({ "retry-after": value }), value).toStrictEqual(Option.none())
    }
    // An unreadable retry-after-ms falls through to Retry-After.
    expect(ms({ "retry-after-ms": "-100", "retry-after": "1" })).toStrictEqual(Option.some(1000))
    expect(ms({ "retry-after-ms": "abc" })).toStrictEqual(Option.none())
  })

  it.prop(
    "whole seconds are read as seconds",
    { seconds: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 })) },
    ({ seconds }) => {
      expect(ms({ "retry-after": String(seconds) })).toStrictEqual(Option.some(seconds * 1000))
    }
  )

  it.prop(
    "a value that is neither a number nor starts like a date is None",
    {
      value: Arbitrary.schema(Schema.String).pipe(
        Arbitrary.filter((s) => !/^\s*[A-Za-z]{3}/.test(s) && !/^\s*\d+(\.\d+)?\s*$/.test(s))
      )
    },
    ({ value }) => {
      expect(ms({ "retry-after": value })).toStrictEqual(Option.none())
    }
  )
})

describe("RetryPolicy.shouldRetryHeader", () => {
  it("reads true, false, or nothing", () => {
    expect(RetryPolicy.shouldRetryHeader({ "x-should-retry": "true" })).toStrictEqual(Option.some(true))
    expect(RetryPolicy.shouldRetryHeader({ "x-should-retry": "false" })).toStrictEqual(Option.some(false))
    expect(RetryPolicy.shouldRetryHeader({ "x-should-retry": "1" })).toStrictEqual(Option.none())
    expect(RetryPolicy.shouldRetryHeader({})).toStrictEqual(Option.none())
  })
})

describe("RetryPolicy.isRetryableStatus", () => {
  it("is true for 408, 409, 429 and 5xx only", () => {
    const retryable = [408, 409, 429, 500, 502, 503, 504, 599]
    const not = [200, 202, 204, 301, 400, 401, 403, 404, 405, 410, 418, 422, 428]
    for (const status of retryable) expect(RetryPolicy.isRetryableStatus(status), String(status)).toBe(true)
    for (const status of not) expect(RetryPolicy.isRetryableStatus(status), String(status)).toBe(false)
  })

  it("uses the documented constants", () => {
    expect(Duration.toMillis(RetryPolicy.INITIAL_DELAY)).toBe(500)
    expect(Duration.toMillis(RetryPolicy.MAX_DELAY)).toBe(8000)
    expect(Duration.toMillis(RetryPolicy.MAX_RETRY_AFTER)).toBe(60_000)
  })
})
