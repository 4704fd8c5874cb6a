/**
 * Linq's `participant.added` webhook for an add, as it sends it: the body
 * (pretty-printed, as Linq's is) and the Standard Webhooks headers, signed now
 * with the webhooks tests' `SECRET`. Shared by the replica tests that deliver one.
 */
import { body, participantEvent, standardHeaders } from "../../packages/webhooks/test/testkit.js"

export const signedAdded = (id: string, chatId: string, handle: string) => {
  const now = new Date().toISOString()
  const text = body(
    participantEvent({
      id,
      data: {
        handle,
        chat_id: chatId,
        added_at: now,
        participant: {
          id: "h-9",
          handle,
          service: "iMessage",
          joined_at: now,
          status: "active",
          left_at: null,
          is_me: false
        }
      }
    })
  )
  return {
    text,
    headers: standardHeaders(text, { id: `msg_${id}`, timestamp: Math.floor(Date.now() / 1000) })
  }
}
