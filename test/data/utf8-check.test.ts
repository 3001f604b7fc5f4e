// Text data files must be UTF-8 (src/data/utf8-check.ts): found by a probe, a Latin-1 id such as
// `u\xff\xfe` trained as `u\uFFFD\uFFFD`, so ids that differ became one, without a word.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { readRows } from '../../src/data/read.js';
import { NotUtf8Error, utf8Checked } from '../../src/data/utf8-check.js';

async function* chunks(...parts: Buffer[]) {
  yield* parts;
}

/** What utf8Checked gives for these chunks: the bytes, or the line it stops at. */
async function check(...parts: Buffer[]): Promise<{ bytes: Buffer } | { line: number }> {
  const out: Buffer[] = [];
  try {
    for await (const c of utf8Checked(chunks(...parts))) out.push(c);
  } catch (e) {
    if (e instanceof NotUtf8Error) return { line: e.line };
    throw e;
  }
  return { bytes: Buffer.concat(out) };
}

/** The line of the first bad bytes, the plain way: split the bytes at line breaks, decode each line strictly. */
function referenceLine(bytes: Buffer): number | undefined {
  const lines = bytes.toString('latin1').split(/\r\n|\r|\n/);
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < lines.length; i++) {
    try {
      strict.decode(Buffer.from(lines[i]!, 'latin1'));
    } catch {
      return i + 1;
    }
  }
  return undefined;
}

const split = (b: Buffer, at: number[]) => [0, ...at, b.length].slice(1).map((end, i, ends) => b.subarray(i === 0 ? 0 : ends[i - 1], end));

describe('utf8Checked', () => {
  it('passes UTF-8 through unchanged, however the chunks cut its characters', async () => {
    const text = Buffer.from('user,item\r\né,日本\n🙂,x\rlast', 'utf8');
    for (let a = 0; a <= text.length; a++) {
      for (const b of [a, Math.min(text.length, a + 1), Math.min(text.length, a + 2)]) {
        expect(await check(...split(text, [a, b]))).toEqual({ bytes: text });
      }
    }
  });

  it('stops at the line of the first bytes that are not UTF-8, as a strict decoder of each line finds it, wherever the chunks cut', async () => {
    const rng = seedrandom('utf8-check');
    const pieces = ['a', 'é', '日', '🙂', ',', '\n', '\r\n', '\r'].map((s) => Buffer.from(s, 'utf8'));
    const bad = [Buffer.from([0xff]), Buffer.from([0xe9]), Buffer.from([0xe6, 0x97]), Buffer.from([0x80]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80])];
    for (let n = 0; n < 400; n++) {
      const parts = Array.from({ length: 30 }, () => pieces[Math.floor(rng() * pieces.length)]!);
      parts.splice(Math.floor(rng() * parts.length), 0, bad[n % bad.length]!);
      const bytes = Buffer.concat(parts);
      const at = [Math.floor(rng() * bytes.length), Math.floor(rng() * bytes.length)].sort((x, y) => x - y);
      const line = referenceLine(bytes);
      expect(line, bytes.toString('hex')).toBeDefined();
      expect(await check(...split(bytes, at)), bytes.toString('hex')).toEqual({ line });
    }
  });

  it('a file that ends inside a character stops at its last line; a UTF-16 file (by its mark) is the reader\'s', async () => {
    expect(await check(Buffer.from('a\nb,'), Buffer.from([0xe6, 0x97]))).toEqual({ line: 2 });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,é\n', 'utf16le')]);
    expect(await check(utf16)).toEqual({ bytes: utf16 });
  });
});

describe('reading a text data file that is not UTF-8', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recc-utf8-'));
  const file = (name: string, bytes: Buffer) => {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    return f;
  };
  const latin1 = (s: string) => Buffer.from(s, 'latin1');

  it('is one error at the line, in CSV (a quoted cell over two lines before it), TSV, JSON Lines and a .json array', async () => {
    const message = 'this line holds bytes that are not UTF-8 (a text data file must be UTF-8: convert it, e.g. `iconv -f latin1 -t utf-8`)';
    const cases: Array<[string, string, number]> = [
      ['a.csv', 'user,n\r\nu1,"1\r\n2"\r\nu\xff\xfe,3\r\n', 4],
      ['a.tsv', 'user\tn\nu1\t1\nu2\t2\nJos\xe9\t3\n', 4],
      ['a.jsonl', '{"user": "u1"}\n{"user": "Jos\xe9"}\n', 2],
      ['a.json', '[{"user": "u1"},\n {"user": "Jos\xe9"}]', 2],
    ];
    for (const [name, text, line] of cases) {
      const r = await readRows(file(name, latin1(text)), { skipBadRows: true });
      expect(r.errors, name).toEqual([{ file: join(dir, name), row: line, code: 'REC6002', message }]);
    }
  });

  it('a UTF-16 file of many chunks is read whole (the reader decodes it by its mark)', async () => {
    const rows = Array.from({ length: 120_000 }, (_, i) => `u${i},é${i}`);
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`user,n\n${rows.join('\n')}\n`, 'utf16le')]);
    expect(bytes.length).toBeGreaterThan(3 << 20); // past the readers' 1 MiB chunks
    const r = await readRows(file('u16.csv', bytes), { skipBadRows: false });
    expect([r.errors, r.rows.length, r.rows[119_999]!.row.n]).toEqual([[], 120_000, 'é119999']);
  });

  it('the same text in UTF-8 reads, its ids whole', async () => {
    const r = await readRows(file('ok.csv', Buffer.from('user,n\nJosé,1\nu\u00ff\u00fe,2\n', 'utf8')), { skipBadRows: false });
    expect([r.errors, r.rows.map((x) => x.row.user)]).toEqual([[], ['José', 'u\u00ff\u00fe']]);
  });
});
