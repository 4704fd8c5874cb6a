/**
 * The words a rule violation may be told in, per rule: the last resort of
 * recognition (`recognize.ts`), read only when the answer's status and code
 * allow it. Linq does not document its wording: these cover the phrasings
 * tried in the tests (and the fake's defaults), no more. Each names the rule's
 * subject (a participant, member, chat or group), so that words which merely
 * contain "already in" or "at least 3" ("already in progress", "wait at least
 * 3 seconds") are not taken for a rule.
 */

/** The group-chat rule an answer reports. */
export type ViolationKind =
  | "NotAGroupChat"
  | "CrossServiceAddition"
  | "TooFewParticipants"
  | "ParticipantAlreadyInChat"
  | "ParticipantNotInChat"

const SERVICE = "(?:iMessage|RCS|SMS)"
export const patterns: ReadonlyArray<readonly [ViolationKind, RegExp]> = [
  [
    "ParticipantAlreadyInChat",
    /\balready (?:a |an )?(?:participant|member)s?\b|\balready (?:in|exists in|present in|added to|part of) (?:the |this )?(?:group )?(?:chat|group|conversation)\b|\b(?:participant|member|handle) already (?:exists|present|added)\b|\bduplicate (?:participant|member|handle)\b/i
  ],
  [
    "ParticipantNotInChat",
    /\bnot (?:a |an )?(?:participant|member)\b|\bnot (?:in|part of|found in|present in) (?:this |the )?(?:chat|group)\b|\bno such (?:participant|member)\b/i
  ],
  [
    "CrossServiceAddition",
    new RegExp(
      `cross[- ]service|(?:does not|doesn't|cannot|can't|not) support (?:the )?(?:chat'?s |group'?s |same )?(?:messaging )?(?:service|${SERVICE})|same (?:messaging )?service|create a new chat|not (?:reachable|available|supported|registered) (?:on|via|over|for) ${SERVICE}`,
      "i"
    )
  ],
  [
    "TooFewParticipants",
    /(?:at least|minimum of|fewer than|less than|below) (?:3|three) (?:active |other )?(?:participants|members|people)\b|too few (?:participants|members)|\b3\+ participants/i
  ],
  [
    "NotAGroupChat",
    /direct message|\bDMs?\b|\b1:1\b|one-to-one|not a group\b|group chats? only|only (?:for |in |supported (?:for|in) )?group chats?/i
  ]
]
