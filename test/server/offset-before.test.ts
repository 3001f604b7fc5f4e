// offsetBefore (src/server/positions.ts): where an offset of the current text was in an older text,
// for a request answered from the analysis of that older text. Cases worked out by hand.
import { describe, expect, it } from 'vitest';
import { offsetBefore } from '../../src/server/positions.js';

describe('offsetBefore', () => {
  it('the same text: the same offset', () => {
    expect(offsetBefore('let a = 1', 'let a = 1', 4)).toBe(4);
  });

  it('text typed at the cursor: just after where the typing began, past what ended there', () => {
    // "ab|cd" → "abXY|cd": the cursor (4) was between b and c (2), after `b`
    expect(offsetBefore('abcd', 'abXYcd', 4)).toBe(2.5);
    // typing at the very start
    expect(offsetBefore('cd', 'XYcd', 2)).toBe(0.5);
  });

  it('an edit far before the cursor: moved by its length; exact, since the text before the cursor is as it was there', () => {
    // "ab cd|ef" → "aXXb cd|ef": two characters inserted at 1, the cursor 7 was at 5
    expect(offsetBefore('ab cdef', 'aXXb cdef', 7)).toBe(5);
  });

  it('an edit after the cursor: the same offset', () => {
    expect(offsetBefore('abcdef', 'abcdXXef', 2)).toBe(2);
  });

  it('edits on both sides of the cursor: the first change', () => {
    // "abcdef" → "aXbcdeYf", cursor at 4 ("aXbc|deYf"): after it the text changed (Y), before it too (X)
    expect(offsetBefore('abcdef', 'aXbcdeYf', 4)).toBe(1);
  });

  it('a deletion at the cursor: the deleted text is not before it', () => {
    // "abXY|cd" → "ab|cd": the text before the cursor is as it was
    expect(offsetBefore('abXYcd', 'abcd', 2)).toBe(2);
  });
});
