import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-write.js';

/** Bytes whose length cannot be read: the write fails after the temporary file was created. */
class FailingBytes extends Uint8Array {
  override get length(): number {
    throw new Error('disk full');
  }
}

describe('writeFileAtomic', () => {
  it('creates and replaces files whole, strings and bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const f = join(dir, 'state.json');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, 'two, longer than one');
    expect(readFileSync(f, 'utf8')).toBe('two, longer than one');
    writeFileAtomic(f, Uint8Array.from([0, 255, 7]).subarray(1));
    expect(Array.from(readFileSync(f))).toEqual([255, 7]);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('a write that fails midway leaves the previous content and no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const f = join(dir, 'model.safetensors');
    writeFileAtomic(f, 'previous');
    expect(() => writeFileAtomic(f, new FailingBytes(16))).toThrow('disk full');
    expect(readFileSync(f, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('a failing rename (a non-empty directory holds the name) loses nothing and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('a missing directory is an error, not a crash elsewhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    expect(() => writeFileAtomic(join(dir, 'no', 'such', 'file'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
