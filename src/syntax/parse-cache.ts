// What is remembered between parses of the same files, for whoever analyses them again and again
// (the language server's Workspace owns one and passes it to each analysis; the CLI uses none):
// the last clean parse of each file being edited, so that an edit parses only the model items or
// the block it touched (reparse.ts, reparse-broken.ts), and the parses of files that are not
// edited (the stdlib), shared by every analysis.
import { parse, type ParseResult } from './parse.js';
import { reparse, type CleanParse, type PositionLists } from './reparse.js';
import { reparseBroken } from './reparse-broken.js';

/** How many edited files keep their last clean parse (the files being edited: a few), oldest dropped first. */
const REMEMBERED = 8;

export class ParseCache {
  private readonly lastClean = new Map<string, CleanParse>();
  private readonly fixed = new Map<string, { text: string; result: ParseResult }>();
  /** The positions of the trees an edit moved, to move them again without a walk (reparse.ts). */
  private readonly positions: PositionLists = new WeakMap();
  /** How many times an edit of each file moved the nodes of its earlier trees (moves()). */
  private readonly moved = new Map<string, number>();

  /**
   * How many times edited() has moved nodes of the file's earlier trees to a newer text. A tree
   * parsed when this was n describes its text as long as it is still n: after that, some of its
   * nodes describe a newer text and others the old one, and no text is its text.
   */
  moves(fileName: string): number {
    return this.moved.get(fileName) ?? 0;
  }

  /**
   * Parse a file being edited like parse(), reusing the tree of its last clean parse. The tree
   * shares nodes with that parse, whose positions after the edit move to the new text (counted by
   * moves()). Whoever keeps the tree of an older text, or mutates a tree (Prettier attaches
   * comments to it), must use parse().
   */
  edited(text: string, fileName: string): ParseResult {
    const last = this.lastClean.get(fileName);
    const file = last && (last.text === text ? last.file : reparse(last, text, fileName, this.positions));
    if (file && file !== last.file) this.moved.set(fileName, this.moves(fileName) + 1);
    const result = file ? { file, diagnostics: [] } : ((last && reparseBroken(last, text, fileName)) ?? parse(text, fileName));
    // A broken parse keeps the clean one before it: fixing the error is an edit of that text.
    if (result.diagnostics.length === 0) {
      this.lastClean.delete(fileName);
      this.lastClean.set(fileName, { text, file: result.file });
      if (this.lastClean.size > REMEMBERED) this.lastClean.delete(this.lastClean.keys().next().value!);
    }
    return result;
  }

  /** The parse of a file that is not edited (the stdlib), made once per text; its tree is never mutated. */
  unchanged(text: string, fileName: string): ParseResult {
    const hit = this.fixed.get(fileName);
    if (hit && hit.text === text) return hit.result;
    const result = parse(text, fileName);
    this.fixed.set(fileName, { text, result });
    return result;
  }
}
