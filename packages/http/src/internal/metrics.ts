/**
 * The http layer's metric: `linq_http_attempts_total`, a counter of the
 * requests sent (every attempt, so retries show), tagged `method` and
 * `route` (the URL template, e.g. `/v3/chats/{chatId}/participants`: never a
 * chat id, handle or key).
 *
 * @internal
 */
import { Metric } from "effect"

export const ATTEMPTS_METRIC = "linq_http_attempts_total"

const attempts = Metric.counter(ATTEMPTS_METRIC, {
  description: "Requests sent to the Linq API (each attempt, retries included), by method and URL template",
  incremental: true
})

const tagged = new Map<string, Metric.Metric.Counter<number>>()

/** The counter for one method and route, made once. */
export const attemptCounter = (method: string, route: string): Metric.Metric.Counter<number> => {
  const key = `${method} ${route}`
  let counter = tagged.get(key)
  if (counter === undefined) {
    counter = attempts.pipe(Metric.tagged("method", method), Metric.tagged("route", route))
    tagged.set(key, counter)
  }
  return counter
}
