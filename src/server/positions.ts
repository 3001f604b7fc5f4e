// Positions from the client are checked before use: a line and a character are integers inside
// the document (the character at most the line's length, in UTF-16 code units as LSP counts
// them). vscode-languageserver-textdocument would round or clamp anything else to some offset,
// and an edit at a wrong offset makes the server's copy drift silently from the client's.
import { ErrorCodes, LSPErrorCodes, ResponseError, type TextDocumentContentChangeEvent } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';

interface Position {
  line: number;
  character: number;
}

/** Why `p` is not a position of `doc`, or undefined when it is one. */
export function badPosition(doc: TextDocument, p: unknown): string | undefined {
  const { line, character } = (p ?? {}) as Partial<Position>;
  if (!Number.isSafeInteger(line) || !Number.isSafeInteger(character)) return `a position's line and character are integers, found ${JSON.stringify(p)}`;
  if (line! < 0 || character! < 0) return `a position is not negative, found ${JSON.stringify(p)}`;
  if (line! >= doc.lineCount) return `line ${line} is past the end of the document (${doc.lineCount} lines)`;
  const start = doc.offsetAt({ line: line!, character: 0 });
  const end = line! + 1 < doc.lineCount ? doc.offsetAt({ line: line! + 1, character: 0 }) : doc.getText().length;
  const length = doc.getText().slice(start, end).replace(/\r?\n$|\r$/, '').length;
  if (character! > length) return `character ${character} is past the end of line ${line} (${length} characters)`;
  return undefined;
}

/** Why `r` is not a range of `doc` (both ends positions, the start not after the end), or undefined. */
export function badRange(doc: TextDocument, r: unknown): string | undefined {
  const { start, end } = (r ?? {}) as { start?: unknown; end?: unknown };
  const bad = badPosition(doc, start) ?? badPosition(doc, end);
  if (bad) return bad;
  if (doc.offsetAt(start as Position) > doc.offsetAt(end as Position)) return `a range starts after it ends: ${JSON.stringify(r)}`;
  return undefined;
}

/** The error response to a request whose params are not what it takes (a position that is not one of the document, no document). */
export const invalidParams = (why: string) => new ResponseError<void>(ErrorCodes.InvalidParams, `recc: ${why}`);

/** The error response to a request on a document whose copy is out of sync. */
export const outOfSyncError = () => new ResponseError<void>(LSPErrorCodes.ContentModified, 'recc: an edit of this document was refused, so the server\'s copy is out of sync: close and reopen it');

/**
 * TextDocuments' way of applying edits, checked. When an edit's range is not a range of the text
 * the edits before it left, no edit of the notification is applied and `refuse` is told why: the
 * document keeps its text and is out of sync (`outOfSync`), so its later ranged edits, made on the
 * client's text, are refused too until a change sends the whole text again.
 */
export function checkedUpdate(outOfSync: Set<string>, refuse: (uri: string, why: string) => void) {
  return (doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument => {
    let next = TextDocument.create(doc.uri, doc.languageId, doc.version, doc.getText());
    let lost = outOfSync.has(doc.uri);
    for (const c of changes) {
      if ('range' in c) {
        const why = lost ? 'an edit of a document that is out of sync after a refused edit' : badRange(next, c.range);
        if (why) {
          outOfSync.add(doc.uri);
          refuse(doc.uri, why);
          return doc;
        }
      } else lost = false; // the whole text: in sync again
      next = TextDocument.update(next, [c], version);
    }
    outOfSync.delete(doc.uri);
    return next;
  };
}

/**
 * Where an offset of `now` was in `before`, an older text of the document: where a request answered
 * from the last analysis, while the latest edits are not analysed yet, reads that analysis's tree.
 *
 * - The text before the cursor unchanged (edits after it, or a deletion at it): the same offset.
 * - Else the text after the cursor unchanged (the user types at the cursor): the cursor is where
 *   that text starts in `before`. When what precedes the cursor changed there (text typed just
 *   before it), the cursor is after everything that ended at that place: half an offset past it,
 *   so that a `let` ending right where the typing began is in scope, as in the new text.
 * - Else (changes on both sides): the first change.
 */
export function offsetBefore(before: string, now: string, offset: number): number {
  if (before === now) return offset;
  let p = 0;
  while (p < offset && p < before.length && before.charCodeAt(p) === now.charCodeAt(p)) p++;
  if (p === offset) return offset;
  const after = now.length - offset;
  let s = 0;
  while (s < after && s < before.length && before.charCodeAt(before.length - 1 - s) === now.charCodeAt(now.length - 1 - s)) s++;
  if (s < after) return p;
  const at = before.length - s;
  const typed = at === 0 || before.charCodeAt(at - 1) !== now.charCodeAt(offset - 1);
  return typed ? at + 0.5 : at;
}
