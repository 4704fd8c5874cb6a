/**
 * The http layer's metric: `linq_http_attempts_total`, a counter of the
 * requests sent (every attempt, so retries show), tagged `method` and
 * `route` (the URL template, e.g. `/v3/chats/{chatId}/participants`: never a
 * chat id, handle or key).
 *
 * @internal
 */
import { Metric, MetricKey } from "effect"

export const ATTEMPTS_METRIC = "linq_http_attempts_total"

const attempts = MetricKey.counter(ATTEMPTS_METRIC, {
  description: "Requests sent to the Linq API (each attempt, retries included), by method and URL template",
  incremental: true
})

const tagged = new Map<string, Metric.Metric.Counter<number>>()

/**
 * The counter for one method and route, made once. The tags go on the metric
 * key, not through `Metric.tagged`: a `Metric.tagged` metric builds a new
 * key (its hash includes a `JSON.stringify` of the description) and looks it
 * up in the registry on every update, about 10 µs a call at concurrency 64;
 * a metric made from the tagged key finds its registry entry once. Same
 * name, tags and registry entry either way.
 */
export const attemptCounter = (method: string, route: string): Metric.Metric.Counter<number> => {
  const key = `${method} ${route}`
  let counter = tagged.get(key)
  if (counter === undefined) {
    counter = Metric.fromMetricKey(
      attempts.pipe(MetricKey.tagged("method", method), MetricKey.tagged("route", route))
    )
    tagged.set(key, counter)
  }
  return counter
}
