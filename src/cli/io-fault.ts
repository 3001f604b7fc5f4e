// An I/O fault (a full disk, a read-only or missing directory) ends a command with one line that
// names the file and the cause, exit 1: it is the machine's state, not a bug, so no stack trace.
import { ioCause, WriteError } from '../io/atomic-write.js';

const IO_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EIO', 'EFBIG', 'EMFILE', 'ENFILE']);

/** The one line for an I/O fault, or undefined when `e` is not one. */
export function ioFaultLine(e: unknown): string | undefined {
  if (e instanceof WriteError) return `error[REC6009]: ${e.message}`;
  const x = e as NodeJS.ErrnoException;
  if (typeof x?.code !== 'string' || !IO_CODES.has(x.code) || typeof x.path !== 'string') return undefined;
  const verb = x.syscall === 'mkdir' ? 'create the directory' : x.syscall === 'open' || x.syscall === 'read' ? 'open' : 'write';
  return `error[REC6009]: cannot ${verb} ${x.path}: ${ioCause(x.code)}`;
}
