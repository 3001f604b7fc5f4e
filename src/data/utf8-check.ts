// Text data files (CSV, TSV, JSON Lines) must be UTF-8. Decoding alone turns bytes that are not
// (a Latin-1 `é`, a truncated character) into U+FFFD without a word, so two different ids can
// become one; here the bytes are checked as they stream past, and the first bad ones stop the
// read with their line. A file that starts with a UTF-16 byte-order mark is left to the reader
// (csv-parse decodes UTF-16 LE by its mark).
//
// Node's isUtf8 (simdutf) checks a chunk at memory speed; a character cut by a chunk's end is held
// back and checked with the next chunk. Lines are counted as the readers count them (`\n`,
// `\r\n` and a lone `\r` each end one), over the checked bytes only: a line is found when needed.
import { isUtf8 } from 'node:buffer';

/** Bytes of a text data file that are not UTF-8, at a line (1-based) of the file. */
export class NotUtf8Error extends Error {
  constructor(readonly line: number) {
    super('this line holds bytes that are not UTF-8 (a text data file must be UTF-8: convert it, e.g. `iconv -f latin1 -t utf-8`)');
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** The chunks of `source`, unchanged, once each is known to be UTF-8 (else NotUtf8Error). */
export async function* utf8Checked(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let held = Buffer.alloc(0); // the start of a character the last chunk cut
  let checking: boolean | undefined; // decided by the first bytes: not for a UTF-16 file
  const lines = new LineCount();
  for await (const chunk of source) {
    if (checking === undefined && chunk.length > 0) checking = !utf16(chunk);
    if (!checking) {
      yield chunk;
      continue;
    }
    const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    const whole = bytes.length - cutTail(bytes);
    const body = bytes.subarray(0, whole);
    if (!isUtf8(body)) throw new NotUtf8Error(badLine(body, lines.copy()));
    lines.add(body);
    held = Buffer.from(bytes.subarray(whole));
    yield chunk;
  }
  if (held.length > 0) throw new NotUtf8Error(lines.before); // the file ends inside a character
}

const utf16 = (b: Buffer) => b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));

/**
 * How many bytes at the end of `b` start a character that needs bytes after them: 0 to 3. Only a
 * lead byte among the last three can; one that does not fit is counted, and the next chunk, or the
 * file's end, says whether it was whole.
 */
function cutTail(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!;
    if (byte < 0x80) return 0; // ASCII: nothing is cut
    if (byte >= 0xc0) {
      const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return needs > back ? back : 0;
    }
    // a continuation byte: look further back for its lead
  }
  return 0;
}

/** The line holding the first bytes of `b` that are not UTF-8, `b` starting where `count` is. No character holds a line break's byte, so lines are checked alone. */
function badLine(b: Buffer, count: LineCount): number {
  let start = 0;
  while (start < b.length) {
    let end = start;
    while (end < b.length && b[end] !== LF && b[end] !== CR) end++;
    if (!isUtf8(b.subarray(start, end))) return count.before;
    count.add(b.subarray(start, Math.min(b.length, end + 1)));
    start = end + 1;
  }
  return count.before;
}

/** Line breaks counted over consecutive pieces of a file: `before` is the line the next byte is on. */
class LineCount {
  before = 1;
  private crLast = false;

  copy(): LineCount {
    const c = new LineCount();
    c.before = this.before;
    c.crLast = this.crLast;
    return c;
  }

  add(b: Buffer): void {
    if (b.length === 0) return;
    // every `\r` and every `\n` ends a line, but for the `\n` of a `\r\n` (indexOf: native speed)
    let breaks = this.crLast && b[0] === LF ? -1 : 0;
    for (let i = b.indexOf(LF); i >= 0; i = b.indexOf(LF, i + 1)) breaks++;
    for (let i = b.indexOf(CR); i >= 0; i = b.indexOf(CR, i + 1)) breaks += b[i + 1] === LF ? 0 : 1;
    this.before += breaks;
    this.crLast = b[b.length - 1] === CR;
  }
}
