/**
 * What is cut out of text from the other side before it lands in an error, a
 * log line or a span: the API key, in every form a gateway or proxy may echo
 * it, and personal data (phone numbers, email addresses).
 *
 * Every scan here is linear in the text's length (a 1 MB body costs
 * milliseconds): no pattern with nested or ambiguous repetition runs over
 * text from the server. The key is found with `indexOf`, in the text as it
 * is and in the text with its escapes decoded once; handles are found from
 * their anchors (`+`, `@`), with bounded scans around them.
 *
 * @internal
 */

const REDACTED = "<redacted>"

/** A half-open range `[start, end)` of a text. */
type Range = readonly [number, number]

const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 65 && code <= 70) return code - 55
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

/** The value of `length` hex digits at `at`, or -1. */
const hexAt = (text: string, at: number, length: number): number => {
  if (at + length > text.length) return -1
  let value = 0
  for (let i = at; i < at + length; i++) {
    const digit = hexValue(text.charCodeAt(i))
    if (digit < 0) return -1
    value = value * 16 + digit
  }
  return value
}

/** The byte of a `%XX` at `at`, or -1. */
const percentByte = (text: string, at: number): number =>
  text.charCodeAt(at) === 37 /* % */ ? hexAt(text, at + 1, 2) : -1

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "/": "/",
  "\\": "\\",
  '"': '"',
  "'": "'",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t"
}

/**
 * The escape at `at`, decoded: its text and its length in `text`, or
 * undefined. Escapes: JSON's (`\/`, `\\`, `\"`, `\n`…, `\u002f`, `\U002F`),
 * `\x2f`, percent-encoding (`%2F`, UTF-8 sequences `%E2%82%AC`), HTML
 * numeric references (`&#47;`, `&#x2F;`).
 */
const escapeAt = (
  text: string,
  at: number
): { readonly decoded: string; readonly length: number } | undefined => {
  const code = text.charCodeAt(at)
  if (code === 92 /* \ */) {
    const next = text[at + 1]
    if (next === undefined) return undefined
    const simple = SIMPLE_ESCAPES[next]
    if (simple !== undefined) return { decoded: simple, length: 2 }
    if (next === "u" || next === "U") {
      const unit = hexAt(text, at + 2, 4)
      return unit < 0 ? undefined : { decoded: String.fromCharCode(unit), length: 6 }
    }
    if (next === "x") {
      const unit = hexAt(text, at + 2, 2)
      return unit < 0 ? undefined : { decoded: String.fromCharCode(unit), length: 4 }
    }
    return undefined
  }
  if (code === 37 /* % */) {
    const lead = percentByte(text, at)
    if (lead < 0) return undefined
    if (lead < 0x80) return { decoded: String.fromCharCode(lead), length: 3 }
    const extra =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : -1
    if (extra < 0) return undefined
    let point = lead & (0x3f >> extra)
    for (let k = 1; k <= extra; k++) {
      const byte = percentByte(text, at + 3 * k)
      if (byte < 0x80 || byte > 0xbf) return undefined
      point = (point << 6) | (byte & 0x3f)
    }
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined
    return { decoded: String.fromCodePoint(point), length: 3 * (extra + 1) }
  }
  if (code === 38 /* & */ && text.charCodeAt(at + 1) === 35 /* # */) {
    const hex = text[at + 2] === "x" || text[at + 2] === "X"
    const first = at + (hex ? 3 : 2)
    let point = 0
    let i = first
    for (; i < text.length && i - first < 8; i++) {
      const c = text.charCodeAt(i)
      const digit = hex ? hexValue(c) : c >= 48 && c <= 57 ? c - 48 : -1
      if (digit < 0) break
      point = point * (hex ? 16 : 10) + digit
    }
    if (i === first || text.charCodeAt(i) !== 59 /* ; */ || point > 0x10ffff) return undefined
    return { decoded: String.fromCodePoint(point), length: i + 1 - at }
  }
  return undefined
}

/** Whether a text has a character that may begin an escape. */
const MAY_ESCAPE = /[\\%&]/

/**
 * `text` with its escapes decoded once, and for each unit of the decoded
 * text the range of `text` it came from; undefined when nothing decodes.
 */
const decodeEscapes = (
  text: string
): { readonly text: string; readonly from: Int32Array; readonly to: Int32Array } | undefined => {
  if (!MAY_ESCAPE.test(text)) return undefined
  const parts: Array<string> = []
  const from = new Int32Array(text.length)
  const to = new Int32Array(text.length)
  let length = 0
  let plain = 0
  let decodedAny = false
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i)
    const escape = code === 92 || code === 37 || code === 38 ? escapeAt(text, i) : undefined
    if (escape === undefined) {
      from[length] = i
      to[length] = i + 1
      length++
      i++
      continue
    }
    decodedAny = true
    if (plain < i) parts.push(text.slice(plain, i))
    parts.push(escape.decoded)
    for (let k = 0; k < escape.decoded.length; k++) {
      from[length] = i
      to[length] = i + escape.length
      length++
    }
    i += escape.length
    plain = i
  }
  if (!decodedAny) return undefined
  if (plain < text.length) parts.push(text.slice(plain))
  return { text: parts.join(""), from, to }
}

/** Every occurrence of `needle` in `text`, non-overlapping, left to right. */
const occurrences = (text: string, needle: string, found: Array<Range>): void => {
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    found.push([at, at + needle.length])
  }
}

const isBase64Char = (code: number): boolean =>
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  (code >= 48 && code <= 57) ||
  code === 43 /* + */ ||
  code === 47 /* / */ ||
  code === 61 /* = */ ||
  code === 45 /* - */ ||
  code === 95 /* _ */

/**
 * `ranges` sorted and merged; those marked `widen` are widened to the whole
 * run of base64 characters around them (a key inside a longer base64 blob,
 * `Bearer <key>` or `user:<key>`, is cut with the blob), in one pass.
 */
const merge = (text: string, ranges: ReadonlyArray<readonly [number, number, boolean]>): Array<Range> => {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1])
  const out: Array<[number, number]> = []
  for (const [start0, end0, widen] of sorted) {
    const last = out[out.length - 1]
    let start = start0
    let end = end0
    if (widen) {
      const floor = last === undefined ? 0 : last[1]
      while (start > floor && isBase64Char(text.charCodeAt(start - 1))) start--
      while (end < text.length && isBase64Char(text.charCodeAt(end))) end++
    }
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.max(last[1], end)
    } else {
      out.push([start, end])
    }
  }
  return out
}

const cut = (text: string, ranges: ReadonlyArray<Range>, replacement: string): string => {
  if (ranges.length === 0) return text
  const parts: Array<string> = []
  let at = 0
  for (const [start, end] of ranges) {
    parts.push(text.slice(at, start), replacement)
    at = end
  }
  parts.push(text.slice(at))
  return parts.join("")
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

const base64 = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out +=
      BASE64_ALPHABET[(n >> 18) & 63]! +
      BASE64_ALPHABET[(n >> 12) & 63]! +
      BASE64_ALPHABET[(n >> 6) & 63]! +
      BASE64_ALPHABET[n & 63]!
  }
  return out
}

/**
 * The base64 characters that encode `secret` alone, at each of the three
 * alignments it may have inside a longer base64 text (`Bearer <key>` puts it
 * at the second), standard and URL-safe.
 */
const base64Forms = (secret: string): ReadonlyArray<string> => {
  const bytes = new TextEncoder().encode(secret)
  const forms: Array<string> = []
  for (const offset of [0, 1, 2]) {
    const padded = new Uint8Array(offset + bytes.length + 2)
    padded.set(bytes, offset)
    // Characters whose 6 bits all come from the secret.
    const core = base64(padded).slice(
      Math.ceil((8 * offset) / 6),
      Math.floor((8 * (offset + bytes.length)) / 6)
    )
    if (core.length >= 4) forms.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"))
  }
  return [...new Set(forms)]
}

/**
 * Cuts the API key out of text from the other side before it goes into an
 * error: a gateway or debugging proxy may echo the request's Authorization
 * header (raw, JSON-escaped as `\/`, with `\u` or `\x` escapes, percent-
 * encoded, as HTML references, mixed, or in base64, of the key or of
 * `Bearer <key>`), and a malformed key is quoted by `fetch`'s header
 * validation. Apply it to the raw body and again to every text decoded from
 * it (a body's JSON string may hold a further level of escapes). Linear in
 * the text's length.
 */
export const scrubber = (apiKey: string): ((text: string) => string) => {
  const keys = [...new Set([apiKey, apiKey.trim()])].filter((s) => s.length >= 4)
  if (keys.length === 0) return (text) => text
  const encoded = [...new Set(keys.flatMap(base64Forms))]
  return (text) => {
    if (text.length === 0) return text
    const found: Array<readonly [number, number, boolean]> = []
    const collect = (haystack: string, map: (range: Range) => Range) => {
      const ranges: Array<Range> = []
      for (const key of keys) occurrences(haystack, key, ranges)
      for (const range of ranges) found.push([...map(range), false])
      const blobs: Array<Range> = []
      for (const form of encoded) occurrences(haystack, form, blobs)
      for (const range of blobs) found.push([...map(range), true])
    }
    collect(text, (range) => range)
    const decoded = decodeEscapes(text)
    if (decoded !== undefined) {
      const { from, to } = decoded
      collect(decoded.text, ([start, end]) => [from[start] ?? 0, to[end - 1] ?? text.length])
    }
    return found.length === 0 ? text : cut(text, merge(text, found), REDACTED)
  }
}

/** E.164-ish phone numbers: `+` then 7–15 digits, which may be grouped by spaces, dashes, dots or parentheses. */
// Linear: it starts at a literal `+` and every repetition is bounded, with separators that are not digits.
const PHONE = /(?:\+|%2[bB])\d(?:[\s.\-()]{0,2}\d){6,14}(?!\d)/g

/** An `@`, percent-encoded or as a `\u0040` escape: where an email address is looked for. */
const AT = /@|%40|\\u0040/gi

const LOCAL_ASCII = new Set(Array.from("!#$%&'*+/=?^_`{|}~-.", (c) => c.charCodeAt(0)))
const LETTER = /[\p{L}\p{N}\p{M}]/u

const isAsciiAlnum = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)

/** Non-ASCII letters, digits and marks, and surrogates (emoji, CJK outside the BMP). */
const isWideLetter = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at)
  return code >= 0x80 && ((code >= 0xd800 && code <= 0xdfff) || LETTER.test(text[at] ?? ""))
}

const isLocalChar = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at)
  return isAsciiAlnum(code) || LOCAL_ASCII.has(code) || isWideLetter(text, at)
}

const isDomainChar = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at)
  return isAsciiAlnum(code) || code === 45 /* - */ || code === 46 /* . */ || isWideLetter(text, at)
}

/** The longest local part of an address (RFC 5321) and the longest domain: bounds of each scan. */
const MAX_LOCAL = 64
const MAX_DOMAIN = 253

/** The email addresses in `text`, found from their `@`, each scan bounded (so linear in the text). */
const emails = (text: string): Array<Range> => {
  const found: Array<Range> = []
  let floor = 0
  AT.lastIndex = 0
  for (let match = AT.exec(text); match !== null; match = AT.exec(text)) {
    const at = match.index
    const after = at + match[0].length
    if (at < floor) continue
    let start = at
    if (text.charCodeAt(at - 1) === 34 /* " */) {
      // A quoted local part: `"a b"@example.com`.
      let open = at - 2
      while (open >= floor && at - open <= MAX_LOCAL + 2 && text.charCodeAt(open) !== 34) open--
      if (open >= floor && text.charCodeAt(open) === 34) start = open
    } else {
      while (start > floor && at - start < MAX_LOCAL && isLocalChar(text, start - 1)) start--
    }
    let end = after
    while (end < text.length && end - after < MAX_DOMAIN && isDomainChar(text, end)) end++
    // A domain ends on a letter or digit, not on a sentence's full stop.
    while (end > after && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--
    if (start === at || end === after || text.charCodeAt(after) === 46 || text.charCodeAt(after) === 45)
      continue
    found.push([start, end])
    floor = end
    AT.lastIndex = end
  }
  return found
}

/**
 * Masks the handles (phone numbers and email addresses) in text from the
 * server, for `message`s, excerpts and spans: handles are personal data.
 * Linear in the text's length.
 *
 * @internal
 */
export const maskHandles = (text: string): string =>
  cut(text, emails(text), "<email>").replace(PHONE, "<phone>")
