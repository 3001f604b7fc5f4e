// The values of number and string literals. The lexer decides where a literal ends; these
// functions decide what it means, and report the parts of a string that mean nothing.

/** The value of a number as written (`200_000`, `0.05`, `1e-3`); a malformed one reads as far as it can. */
export function numberValue(raw: string): { value: number; isInt: boolean } {
  const clean = raw.includes('_') ? raw.replace(/_/g, '') : raw;
  const value = Number(clean);
  // A malformed literal (already reported as REC1005) still gets a finite value, so later
  // passes never see NaN: `16dim` reads as 16, `1e` as 1, `1e400` (too large) as 0.
  const finite = Number.isFinite(value) ? value : Number.parseFloat(clean);
  return { value: Number.isFinite(finite) ? finite : 0, isInt: !/[.eE]/.test(clean) };
}

/**
 * Why a number literal cannot be read as written (REC1005), or undefined: an integer a float
 * cannot hold exactly (past 2^53 - 1) would read as a neighbour, and a number past a double's
 * range (`1e400`) as infinity.
 */
export function tooLarge(raw: string): 'integer' | 'number' | undefined {
  const n = Number(raw.replace(/_/g, ''));
  if (!/[.eE]/.test(raw)) return raw.length >= 16 && !Number.isSafeInteger(n) ? 'integer' : undefined; // 2^53 has 16 digits
  return Number.isFinite(n) ? undefined : 'number';
}

/** An escape sequence that means nothing, as an offset into the raw literal, and what is wrong with it. */
export interface BadEscape {
  offset: number;
  length: number;
  text: string;
  message: string;
}

const SIMPLE: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', '0': '\0' };

/**
 * The value of a string literal (`raw` includes its quotes; an unterminated one lacks the closing
 * quote). Escapes: \" \\ \n \t \r \0, \u{1F600} (1 to 6 hex digits) and the JSON form \u00e9.
 * An escape that means nothing keeps its text in the value and is returned in `bad`.
 */
export function decodeString(raw: string): { value: string; bad: BadEscape[] } {
  const closed = raw.length >= 2 && raw.endsWith('"') && !endsWithEscapedQuote(raw);
  const body = raw.slice(1, closed ? -1 : undefined);
  // most strings hold no escape: their value is their text
  if (!body.includes('\\')) return { value: body, bad: [] };
  const bad: BadEscape[] = [];
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = body[i + 1];
    if (next !== undefined && next in SIMPLE) {
      value += SIMPLE[next];
      i++;
      continue;
    }
    const u = next === 'u' ? codePoint(body.slice(i + 1)) : undefined;
    if (u && 'char' in u) {
      value += u.char;
      i += u.length;
      continue;
    }
    // an unknown escape is `\x` (or a lone `\` at the end), a bad `\u{…}` all of it: reported, kept as written
    const text = body.slice(i, i + 1 + (u?.length ?? 1));
    const message = u?.error ?? (next === 'u' ? 'escape `\\u` needs a code point in hex, like `\\u{1F600}` or `\\u00e9`' : `unknown escape \`${text}\` in a string`);
    bad.push({ offset: i + 1, length: text.length, text, message });
    value += text;
    i += text.length - 1;
  }
  return { value, bad };
}

/**
 * The character of a `\u` escape, from its `u` (`u{1F600}`, `u00e9`), and the escape's length
 * after the `\`; what is wrong with a `u{…}` that is none; undefined for a `u` that begins neither.
 */
function codePoint(rest: string): { char: string; length: number } | { error: string; length: number } | undefined {
  const braced = /^u\{([^}"\\]*)\}/.exec(rest);
  const plain = /^u([0-9A-Fa-f]{4})/.exec(rest);
  const m = braced ?? plain;
  if (!m) return undefined;
  const length = m[0].length;
  if (!/^[0-9A-Fa-f]{1,6}$/.test(m[1]!)) return { error: `escape \`\\${m[0]}\` needs 1 to 6 hex digits between its braces`, length };
  const code = Number.parseInt(m[1]!, 16);
  if (code > 0x10ffff) return { error: `escape \`\\${m[0]}\` is beyond U+10FFFF, the last code point`, length };
  return { char: String.fromCodePoint(code), length };
}

/** `"abc\"` is an unterminated string whose last character is an escaped quote. */
function endsWithEscapedQuote(raw: string): boolean {
  let slashes = 0;
  for (let i = raw.length - 2; i >= 1 && raw[i] === '\\'; i--) slashes++;
  return slashes % 2 === 1;
}
