// Every diagnostic recc can report, in one table with stable codes (like TypeScript's
// diagnosticMessages.json). Bands: REC1xxx syntax, REC2xxx names and modules, REC3xxx types and
// arguments, REC4xxx shapes, REC5xxx model structure and lowering, REC6xxx data.
// A code is never reused for another meaning; a test checks that every code has a fixture.

export interface CodeInfo {
  severity: 'error' | 'warning' | 'info';
  /** What the code means, for `recc explain` and the docs. */
  title: string;
}

export const CODES = {
  // ── syntax ────────────────────────────────────────────────────────────────
  REC1001: { severity: 'error', title: 'unexpected character' },
  REC1002: { severity: 'error', title: 'unexpected token' },
  REC1003: { severity: 'error', title: 'missing token' },
  REC1004: { severity: 'error', title: 'unterminated string' },
  REC1005: { severity: 'error', title: 'malformed number' },
  REC1006: { severity: 'error', title: 'unterminated block comment' },
  REC1007: { severity: 'error', title: 'invalid escape in a string' },
  REC1008: { severity: 'error', title: 'nesting too deep' },
  REC1009: { severity: 'error', title: 'expression chain too long' },

  // ── names and modules ─────────────────────────────────────────────────────
  REC2001: { severity: 'error', title: 'unknown name' },
  REC2002: { severity: 'error', title: 'duplicate definition' },
  REC2003: { severity: 'warning', title: 'unused binding' },
  REC2004: { severity: 'error', title: 'unknown module' },
  REC2005: { severity: 'error', title: 'cyclic use' },
  REC2006: { severity: 'error', title: 'module has no such member' },
  REC2007: { severity: 'error', title: 'assignment to an undeclared name' },
  REC2008: { severity: 'error', title: 'unknown column in a label expression' },
  REC2009: { severity: 'error', title: 'file cannot be read' },
  REC2010: { severity: 'error', title: 'file outside the spec\'s directory' },
  REC2011: { severity: 'error', title: 'not a usable file (not a regular file, too large, not a spec, not text)' },

  // ── types and arguments ───────────────────────────────────────────────────
  REC3001: { severity: 'error', title: 'wrong type' },
  REC3002: { severity: 'error', title: 'missing argument' },
  REC3003: { severity: 'error', title: 'unknown argument' },
  REC3004: { severity: 'error', title: 'duplicate argument' },
  REC3005: { severity: 'error', title: 'too many positional arguments' },
  REC3006: { severity: 'error', title: 'not callable' },
  REC3007: { severity: 'error', title: 'block has no return' },
  REC3008: { severity: 'error', title: 'invalid value' },
  REC3009: { severity: 'error', title: 'positional argument after a named one' },
  REC3010: { severity: 'error', title: 'recursive block' },
  REC3011: { severity: 'error', title: 'unknown field' },

  // ── shapes ────────────────────────────────────────────────────────────────
  REC4001: { severity: 'error', title: 'shape mismatch' },
  REC4002: { severity: 'error', title: 'rank mismatch' },
  REC4003: { severity: 'error', title: 'invalid dimension' },

  // ── model structure and lowering ──────────────────────────────────────────
  REC5001: { severity: 'error', title: 'model has no task' },
  REC5002: { severity: 'error', title: 'construct not supported yet' },
  REC5003: { severity: 'error', title: 'invalid personalization code' },
  REC5004: { severity: 'error', title: 'invalid task' },
  REC5005: { severity: 'error', title: 'invalid feature declaration' },
  REC5006: { severity: 'error', title: 'invalid train setting' },
  REC5007: { severity: 'warning', title: 'personalization code declared but unused' },
  REC5008: { severity: 'error', title: 'invalid support set' },
  REC5009: { severity: 'error', title: 'invalid stage' },
  REC5010: { severity: 'error', title: 'selector matches no parameter' },
  REC5011: { severity: 'error', title: 'unknown parameter group' },
  REC5012: { severity: 'warning', title: 'frozen parameters that nothing trains' },
  REC5013: { severity: 'error', title: 'model too large' },
  REC5014: { severity: 'warning', title: 'metric no task reports' },
  REC5020: { severity: 'error', title: 'invalid next_item task' },
  REC5021: { severity: 'error', title: 'graft target matches no block' },
  REC5022: { severity: 'error', title: 'invalid graft' },
  REC5030: { severity: 'error', title: 'invalid meta block inner setting' },
  REC5031: { severity: 'error', title: 'invalid meta embedding' },
  REC5032: { severity: 'error', title: 'parameter shared by the meta and global blocks' },
  REC5033: { severity: 'error', title: 'meta embedding unused' },
  REC5034: { severity: 'error', title: 'task loss not supported with a meta block' },
  REC5035: { severity: 'error', title: 'second meta block' },
  REC5036: { severity: 'error', title: 'invalid task batching setting' },

  // ── data ──────────────────────────────────────────────────────────────────
  REC6001: { severity: 'error', title: 'missing column' },
  REC6002: { severity: 'error', title: 'malformed value' },
  REC6003: { severity: 'error', title: 'wrong number of columns' },
  REC6004: { severity: 'error', title: 'empty data' },
  REC6005: { severity: 'error', title: 'weights do not match the spec' },
  REC6006: { severity: 'error', title: 'malformed weights file' },
  REC6008: { severity: 'warning', title: 'training labels of one class' },
  REC6009: { severity: 'error', title: 'file cannot be written' },
  REC6010: { severity: 'error', title: 'data file in a format recc does not read or write' },
  REC6011: { severity: 'error', title: 'malformed Parquet file' },
  REC6012: { severity: 'error', title: 'Parquet column of a type that is not a cell (raw bytes)' },
  REC6013: { severity: 'error', title: 'more rows than a synthetic setting generates' },
  REC6020: { severity: 'error', title: 'unknown version of a synthetic setting' },
  REC6021: { severity: 'warning', title: 'column the data lacks' },
  REC6022: { severity: 'warning', title: 'data file that cannot be read' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CODES;
