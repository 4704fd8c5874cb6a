/**
 * What is cut out of text from the other side before it lands in an error, a
 * log line or a span: the API key, in every form a gateway or proxy may echo
 * it, and personal data (phone numbers, email addresses).
 *
 * @internal
 */

const REDACTED = "<redacted>"

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** A hex digit that matches both cases (escapes may be written `\u002F` or `\u002f`, `%2F` or `%2f`). */
const anyCaseHex = (digits: string): string =>
  Array.from(digits, (d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d)).join("")

/**
 * The ways one character of the key may be written: as itself, JSON-escaped
 * (`\/`), as a `\u` escape, percent-encoded (`encodeURIComponent`), or, for
 * a space, as `+` (form encoding).
 */
const characterForms = (char: string): string => {
  const forms = new Set<string>([escapeRegExp(char)])
  const json = JSON.stringify(char).slice(1, -1)
  if (json !== char) forms.add(escapeRegExp(json))
  if (char === "/") forms.add(escapeRegExp("\\/"))
  const code = char.codePointAt(0) ?? 0
  if (char.length === 1) forms.add(`\\\\[uU]${anyCaseHex(code.toString(16).padStart(4, "0"))}`)
  const percent = encodeURIComponent(char)
  if (percent !== char) forms.add(anyCaseHex(percent))
  if (code < 0x80) forms.add(`%${anyCaseHex(code.toString(16).padStart(2, "0"))}`)
  if (char === " ") forms.add("\\+")
  return `(?:${[...forms].join("|")})`
}

/** A pattern matching `secret` with each of its characters written in any of its forms (mixed too). */
const flexiblePattern = (secret: string): string => Array.from(secret, characterForms).join("")

const base64 = (text: string): string => {
  const bytes = new TextEncoder().encode(text)
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** Base64 of `text`, standard and URL-safe, without padding (so that a padded copy matches too). */
const base64Forms = (text: string): ReadonlyArray<string> => {
  const standard = base64(text).replace(/=+$/, "")
  return [standard, standard.replace(/\+/g, "-").replace(/\//g, "_")]
}

/**
 * Cuts the API key out of text from the other side before it goes into an
 * error: a gateway or debugging proxy may echo the request's Authorization
 * header (raw, JSON-escaped, with `\u` escapes, percent-encoded, or in
 * base64, of the key or of `Bearer <key>`), and a malformed key is quoted by
 * `fetch`'s header validation. Apply it to the raw body and again to every
 * text decoded from it.
 */
export const scrubber = (apiKey: string): ((text: string) => string) => {
  const keys = [...new Set([apiKey, apiKey.trim()])].filter((s) => s.length >= 4)
  if (keys.length === 0) return (text) => text
  const secrets = new Set<string>()
  const encodings = new Set<string>()
  for (const key of keys) {
    secrets.add(key)
    for (const encoded of [...base64Forms(key), ...base64Forms(`Bearer ${key}`)]) {
      if (encoded.length >= 4) encodings.add(encoded)
    }
  }
  const padding = `(?:=|%3[dD]|\\[uU]003[dD])*`
  // Longest first, so that a form containing another is cut whole; base64 with its padding.
  const pattern = new RegExp(
    [
      ...[...encodings].map((encoded) => ({
        length: encoded.length,
        source: `${flexiblePattern(encoded)}${padding}`
      })),
      ...[...secrets].map((secret) => ({ length: secret.length, source: flexiblePattern(secret) }))
    ]
      .sort((a, b) => b.length - a.length)
      .map(({ source }) => source)
      .join("|"),
    "g"
  )
  return (text) => (text.length === 0 ? text : text.replace(pattern, REDACTED))
}

/** E.164-ish phone numbers: `+` then 7–15 digits, which may be grouped by spaces, dashes, dots or parentheses. */
const PHONE = /(?:\+|%2[bB])\d(?:[\s.\-()]{0,2}\d){6,14}(?!\d)/g

/** Email addresses (also when the `@` is percent-encoded or a `\u0040` escape). */
const EMAIL =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+(?:@|%40|\\u0040)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/gi

/**
 * Masks the handles (phone numbers and email addresses) in text from the
 * server, for `message`s, excerpts and spans: handles are personal data.
 *
 * @internal
 */
export const maskHandles = (text: string): string => text.replace(EMAIL, "<email>").replace(PHONE, "<phone>")
