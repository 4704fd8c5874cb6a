/**
 * The http layer's metric: `linq_http_attempts_total`, a counter of the
 * requests sent (every attempt, so retries show), with the attributes
 * `method` and `route` (the URL template, e.g.
 * `/v3/chats/{chatId}/participants`: never a chat id, handle or key).
 *
 * @internal
 */
import { Metric } from "effect"

export const ATTEMPTS_METRIC = "linq_http_attempts_total"

const attempts = Metric.counter(ATTEMPTS_METRIC, {
  description: "Requests sent to the Linq API (each attempt, retries included), by method and URL template",
  incremental: true
})

const tagged = new Map<string, Metric.Counter<number>>()

/**
 * The counter for one method and route, made once (a template is one of the
 * SDK's constants), and updated with `updateUnsafe(1, fiber.context)` so the
 * fiber's own metric attributes apply too.
 */
export const attemptCounter = (method: string, route: string): Metric.Counter<number> => {
  const key = `${method} ${route}`
  let counter = tagged.get(key)
  if (counter === undefined) {
    counter = attempts.pipe(Metric.withAttributes({ method, route }))
    if (tagged.size < 1024) tagged.set(key, counter)
  }
  return counter
}
