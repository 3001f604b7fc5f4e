// A minimal LSP client for the tests: spawns `recc lsp --stdio` exactly as an editor does and
// talks JSON-RPC over its stdin/stdout. Needs `npm run build` first (bin/recc.js
// runs the bundle dist/recc.cjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Writable } from 'node:stream';
import {
  AbstractMessageWriter,
  createProtocolConnection,
  StreamMessageReader,
  type CompletionItem,
  type Diagnostic,
  type Message,
  type MessageWriter,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/recc.js');

/** Line/character (0-based) of `needle` in `text`, moved `delta` characters to the right. */
export function pos(text: string, needle: string, delta = 0): Position {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  const before = text.slice(0, at + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** Line/character (0-based) of an offset; lines end at `\n`, `\r\n` or `\r`, as in LSP. */
export function posOf(text: string, offset: number): Position {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** Whether range `outer` holds range `inner` (ends included). */
export function holdsRange(outer: { start: Position; end: Position }, inner: { start: Position; end: Position }): boolean {
  const le = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

/** Just after the end of `needle`. */
export const after = (text: string, needle: string) => pos(text, needle, needle.length);

/**
 * Writes a message as soon as it is sent, and the messages sent in one turn of the event loop in
 * one write: a request sent right behind a notification reaches the server with it. (vscode-jsonrpc's
 * StreamMessageWriter waits for each write to drain before the next, so a request behind a large
 * didOpen would reach the server only once it had read the didOpen, and a test of what the server
 * does with both in hand would depend on how busy the machine is.)
 */
class SameTurnWriter extends AbstractMessageWriter implements MessageWriter {
  private pending: Buffer[] = [];
  constructor(private readonly out: Writable) {
    super();
    out.on('error', (e) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }
  write(msg: Message): Promise<void> {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body);
    return Promise.resolve();
  }
  end(): void {}
  private flush(): void {
    this.out.write(Buffer.concat(this.pending));
    this.pending = [];
  }
}

/** A message from the server as it came, in the order of the stream. */
export type Arrival = { response: number | string | null } | { method: string; uri?: string };

export class LspClient {
  readonly dir = mkdtempSync(join(tmpdir(), 'recc-lsp-'));
  readonly published: PublishDiagnosticsParams[] = [];
  /** Every message the server sent, in the order it sent them (not the order handlers ran). */
  readonly arrivals: Arrival[] = [];
  readonly stderr: string[] = [];
  /** `window/logMessage` errors: the server logs there when a handler throws (a bug). */
  readonly logged: string[] = [];
  /** What the server said it can do (initialize). */
  capabilities: Record<string, unknown> = {};
  private versions = new Map<string, number>();
  private constructor(
    readonly child: ChildProcess,
    readonly conn: ProtocolConnection,
    readonly arrivals: Arrival[],
  ) {}

  /** Registrations the server asked for (client/registerCapability), in order. */
  readonly registrations: Array<{ method: string; registerOptions?: unknown }> = [];

  /** A server started on this build; `capabilities`: what this client says it supports. */
  static async start(capabilities: Record<string, unknown> = {}): Promise<LspClient> {
    if (!existsSync(join(ROOT, 'dist/recc.cjs'))) throw new Error('build first: npm run build');
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = new StreamMessageReader(child.stdout!);
    const listen = reader.listen.bind(reader);
    const arrivals: Arrival[] = [];
    reader.listen = (callback) =>
      listen((m) => {
        const r = m as { id?: number | string | null; method?: string; params?: { uri?: string } };
        arrivals.push(r.method === undefined ? { response: r.id ?? null } : { method: r.method, uri: r.params?.uri });
        callback(m);
      });
    const conn = createProtocolConnection(reader, new SameTurnWriter(child.stdin!));
    const c = new LspClient(child, conn, arrivals);
    // Never leave a server behind if the test process ends early (a timeout, a crash).
    process.once('exit', () => child.kill('SIGKILL'));
    child.stderr!.on('data', (b: Buffer) => c.stderr.push(b.toString()));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => c.published.push(p));
    conn.onNotification('window/logMessage', (p: { type: number; message: string }) => p.type === 1 && c.logged.push(p.message));
    conn.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string; registerOptions?: unknown }> }) => void c.registrations.push(...p.registrations));
    conn.listen();
    const init = await conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(c.dir).href, capabilities });
    c.capabilities = init.capabilities;
    await conn.sendNotification('initialized', {});
    return c;
  }

  /** A file in the client's temporary folder (written to disk too, so `use` can find it when closed). */
  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return pathToFileURL(path).href;
  }

  /** Diagnostics published for `uri` at `version` (waits for them). */
  diagnostics(uri: string, version: number, timeoutMs = 30_000): Promise<PublishDiagnosticsParams> {
    const find = () => [...this.published].reverse().find((p) => p.uri === uri && p.version === version);
    return this.waitFor(find, () => `no diagnostics for ${uri} v${version}; got ${JSON.stringify(this.published.map((p) => [p.uri, p.version]))}`, timeoutMs);
  }

  /** The first diagnostics published for `uri` after the first `after` publications (waits for them). */
  async publishedAfter(uri: string, after: number, timeoutMs = 30_000): Promise<Diagnostic[]> {
    const find = () => this.published.slice(after).find((p) => p.uri === uri);
    return (await this.waitFor(find, () => `no diagnostics for ${uri} after ${after} publications`, timeoutMs)).diagnostics;
  }

  /** What `find` gives once it gives something, polled; an error saying `missing()` after `timeoutMs`. */
  private async waitFor<T>(find: () => T | undefined, missing: () => string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = find();
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(missing());
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    this.versions.set(uri, 1);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rec', version: 1, text } });
    return this.diagnostics(uri, 1);
  }

  /**
   * Send edits as an editor does under incremental sync: each replaces a range (0-based line and
   * character) of the text the ones before it left. Returns the diagnostics of the last version.
   */
  async edit(uri: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }>): Promise<PublishDiagnosticsParams> {
    let version = this.versions.get(uri) ?? 0;
    for (const e of edits) await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [e] });
    this.versions.set(uri, version);
    return this.diagnostics(uri, version);
  }

  async change(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return this.diagnostics(uri, version);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = await this.request<CompletionItem[] | { items: CompletionItem[] } | null>('textDocument/completion', { textDocument: { uri }, position });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  async labels(uri: string, position: Position): Promise<string[]> {
    return (await this.completion(uri, position)).map((i) => i.label);
  }

  async hover(uri: string, position: Position): Promise<string | undefined> {
    const h = await this.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position });
    return h?.contents.value;
  }

  async stop(): Promise<void> {
    await this.conn.sendRequest('shutdown').catch(() => undefined);
    await this.conn.sendNotification('exit').catch(() => undefined);
    this.conn.dispose();
    this.child.kill('SIGKILL');
  }
}

/** A small POSO spec that checks cleanly. */
export const SPEC = `use std.poso

model m {
  features {
    user_id: id(hash: 100, dim: 4)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  let trunk = poso.mlp(user_id, pc: group, units: [8])
  task click : binary(label: clicked) { from: trunk }
}
`;
