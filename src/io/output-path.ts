// Guards run before a command writes an output, so that an output path the user mistyped (or
// pointed at their project) never costs them files. Two holes they close:
//   - a directory written whole (`recc export torch -o DIR`, a Triton model directory) is
//     renamed into place over what was there (writeDirectoryAtomic): DIR is only taken when it is
//     missing, empty, or an earlier output of the same kind (recognised by its exact file set and
//     a marker file), and never when it holds an input of the run or the working directory;
//   - a file written over an input (`recc predict -o` the `--data` file) would replace what is
//     being read: the two are compared as files (device and inode), not as strings, so
//     `./a.csv`, a hard link or a symbolic link to the input are caught too.
// Each guard returns the one-line reason (without the `error[…]:` prefix), or undefined.
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** A directory that a command replaces whole, and what may be found in it. */
export interface DirectoryOutput {
  /** The directory, as given (relative to the working directory or absolute). */
  path: string;
  /** How the user named it, for messages: `-o pkg`, `--triton repo`. */
  shown: string;
  /** The command, for messages: `recc export torch`. */
  command: string;
  /** What it writes there, for messages: `a PyTorch package`. */
  what: string;
  /** Every file the command writes there, relative, `/`-separated. */
  files: readonly string[];
  /** A file among `files` that only this kind of output has (its presence marks an earlier one). */
  marker: string;
  /** Directory names anywhere inside that may be there besides `files`, e.g. `__pycache__` (Python makes it when the package runs). */
  disposable?: readonly string[];
  /** Files the command reads (the spec, its data, weights): the directory must not hold them. */
  inputs?: readonly string[];
}

const real = (p: string): string | undefined => {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

/** `path` relative to the working directory when it is under it (as the CLI shows paths). */
const shownPath = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
};

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** At most this many unexpected entries are named in a message. */
const NAMED = 4;
/** A walk stops after this many entries: a huge tree is not an earlier output anyway. */
const WALK_LIMIT = 10_000;

/** Every entry under `dir` (relative paths), directories as `name/`, not descending into disposable ones. */
function entries(dir: string, disposable: ReadonlySet<string>): { files: string[]; truncated: boolean } {
  const files: string[] = [];
  const walk = (rel: string): boolean => {
    for (const name of readdirSync(join(dir, rel))) {
      const sub = rel === '' ? name : `${rel}/${name}`;
      if (files.length >= WALK_LIMIT) return false;
      // lstat: a symbolic link is an entry of its own (replacing the directory removes the link, not its target)
      if (lstatSync(join(dir, sub)).isDirectory()) {
        if (disposable.has(name)) continue;
        files.push(`${sub}/`);
        if (!walk(sub)) return false;
      } else files.push(sub);
    }
    return true;
  };
  const complete = walk('');
  return { files, truncated: !complete };
}

const list = (names: string[]) => names.slice(0, NAMED).join(', ') + (names.length > NAMED ? `, … (${names.length} in all)` : '');

/**
 * Why `o.path` must not be replaced by the command's directory, or undefined when it may be: it
 * is missing, empty, or an earlier output of the same kind holding nothing else.
 */
export function refuseDirectoryOutput(o: DirectoryOutput): string | undefined {
  const abs = resolve(o.path);
  let stats: Stats;
  try {
    stats = statSync(abs);
  } catch {
    return undefined; // missing (it is made), or unreadable (the write says why)
  }
  const replaced = `${o.command} replaces the directory it writes whole`;
  if (!stats.isDirectory()) return `${o.shown} is ${stats.isFile() ? 'a file' : 'not a directory'}: ${replaced}; give a new or empty directory`;
  const dir = real(abs) ?? abs;
  const cwd = real(process.cwd()) ?? process.cwd();
  if (within(cwd, dir)) return `${o.shown} is ${cwd === dir ? 'the working directory' : 'a directory holding the working directory'}: ${replaced}; give a new or empty directory`;
  for (const input of o.inputs ?? []) {
    const r = real(resolve(input));
    if (r !== undefined && within(r, dir)) return `${o.shown} holds ${shownPath(input)}, which this command reads: ${replaced}; give a new or empty directory`;
  }
  let found: { files: string[]; truncated: boolean };
  try {
    found = entries(dir, new Set(o.disposable ?? []));
  } catch {
    return undefined; // unreadable: the write says why
  }
  if (found.files.length === 0) return undefined;
  const ours = new Set(o.files.flatMap((f) => f.split('/').map((_, i, parts) => (i < parts.length - 1 ? `${parts.slice(0, i + 1).join('/')}/` : f))));
  const foreign = found.files.filter((f) => !ours.has(f));
  if (!found.files.includes(o.marker)) {
    return `${o.shown} is a directory but not ${o.what} that ${o.command} wrote earlier (no ${o.marker}; it holds ${list(found.files)}): ${replaced}; give a new or empty directory`;
  }
  if (foreign.length > 0 || found.truncated) {
    return `${o.shown} is ${o.what} that ${o.command} wrote earlier, but it also holds what it did not write (${list(foreign)}): ${replaced}; move them out or give another directory`;
  }
  return undefined;
}

/**
 * Why writing the file `out` would overwrite one of `inputs` (by role: `the --data file`), or
 * undefined. Same file means same device and inode; an `out` that does not exist yet is no input.
 */
export function refuseOutputOverInput(out: string, shown: string, inputs: ReadonlyArray<{ path: string; role: string } | { stats: Stats; role: string }>): string | undefined {
  let target: Stats;
  try {
    target = statSync(resolve(out));
  } catch {
    return undefined;
  }
  for (const input of inputs) {
    let s: Stats;
    try {
      s = 'stats' in input ? input.stats : statSync(resolve(input.path));
    } catch {
      continue;
    }
    if (s.dev === target.dev && s.ino === target.ino) return `${shown} is ${input.role}: writing there would replace what is read; give another output file`;
  }
  return undefined;
}
