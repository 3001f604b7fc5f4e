// The data's columns in the editor, as the checker read them from the data's header (or a
// synthetic setting): completion where a spec names a column (a new feature in `features { }`,
// the columns not declared yet; a split's key, `group_by:`, a metric's `by:`), and hover on a
// feature or a key column of the train section, naming the column and whether the data has it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { complete } from '../../src/server/completion.js';
import { hover } from '../../src/server/hover.js';
import { LspClient, posOf } from './lsp-client.js';

const HEADER = ['user_id', 'item_id', 'clicked', 'region'];
const SPEC = `model m {
  features {
    user_id: id(hash: 10, dim: 4)
    clicked: label
    ‸1
  }
  task t : binary(label: clicked) { from: user_id }
  train {
    data: "d.csv"
    split: by_key(‸2)
    metrics: [auc, gauc(by: ‸3)]
    group_by: ‸4
  }
}
`;
const dir = mkdtempSync(join(tmpdir(), 'recc-column-completion-'));
writeFileSync(join(dir, 'd.csv'), `${HEADER.join(',')}\n1,2,1,eu\n`);

/** The spec with every marker but `k` removed (a key typed where the others are: `region`), and the offset of `k`. */
function at(k: number): { text: string; offset: number } {
  let text = SPEC;
  for (let i = 1; i <= 4; i++) if (i !== k) text = text.replace(`‸${i}`, i === 1 ? '' : 'region');
  return { text: text.replace(`‸${k}`, ''), offset: text.indexOf(`‸${k}`) };
}

describe('completion of column names', () => {
  it('offers the columns the features do not read yet, and the columns where a key is named', () => {
    // the columns as the last elaboration of the whole spec knew them (the text being typed may not parse)
    const whole = SPEC.replace(/‸[234]/g, 'region').replace('‸1', '');
    const columns = analyze(whole, join(dir, 's.rec')).model?.dataColumns;
    expect(columns).toEqual({ name: 'd.csv', columns: HEADER });
    const labels = (k: number) => {
      const { text, offset } = at(k);
      return complete(analyze(text, join(dir, 's.rec')), text, offset, columns).map((i) => i.label);
    };
    expect(labels(1)).toEqual(['item_id', 'region']);
    expect(labels(2).slice(0, 4)).toEqual(HEADER);
    expect(labels(3)).toEqual(HEADER);
    expect(labels(4)).toEqual(HEADER);
  });

  it("offers a synthetic setting's columns", () => {
    const text = SPEC.replace('data: "d.csv"', 'data: synth(cmml_user, rows: 10)').replace(/‸[234]/g, 'user_id').replace('‸1', '');
    const offset = SPEC.indexOf('‸1');
    const a = analyze(text, join(dir, 's.rec'));
    expect(complete(a, text, offset, a.model!.dataColumns).map((i) => i.label)).toEqual(['item_id', 'user', 'item', 'rating', 'timestamp']);
  });
});

describe('hover on a feature', () => {
  it('names the column it reads, and says when the data lacks it', () => {
    const text = SPEC.replace(/‸[234]/g, 'region').replace('‸1', '    item: id(hash: 10, dim: 4, column: "item_id")\n    genre: id(hash: 10, dim: 4)\n');
    const a = analyze(text, join(dir, 's.rec'));
    const shown = (needle: string) => {
      const h = hover(a, text.indexOf(needle));
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    };
    expect(shown('user_id: id')).toContain('reads column `user_id` of d.csv');
    expect(shown('item: id')).toContain('reads column `item_id` of d.csv');
    expect(shown('genre: id')).toContain('reads column `genre`, which d.csv lacks');
    expect(shown('clicked: label')).toContain('reads column `clicked` of d.csv');
  });
});

describe('hover on a key column of the train section', () => {
  it('says whether the data has it, as a name or a string', () => {
    const text = SPEC.replace('‸1', '').replace('by_key(‸2)', 'by_key(user_id)').replace('gauc(by: ‸3)', 'gauc(by: "region")').replace('group_by: ‸4', 'group_by: country');
    const a = analyze(text, join(dir, 's.rec'));
    const shown = (needle: string, delta = 0) => {
      const h = hover(a, text.indexOf(needle) + delta);
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : null;
    };
    expect(shown('"region"', 2)).toBe('data column `region` of d.csv: a key of the train section (a split, metric or group key)');
    expect(shown('country', 1)).toBe('data column `country`, which d.csv lacks: a key of the train section (a split, metric or group key)');
    // a key reads the column, also where a feature has its name
    expect(shown('user_id)', 1)).toBe('data column `user_id` of d.csv: a key of the train section (a split, metric or group key)');
    // a setting that names no column gets none
    expect(shown('auc,')).toBeNull();
  });
});

describe('over the protocol', () => {
  let c: LspClient;
  beforeAll(async () => {
    c = await LspClient.start();
  });
  afterAll(() => c.stop());

  it('the server offers the columns of the last elaborated analysis while the line does not parse', async () => {
    const whole = SPEC.replace(/‸[234]/g, 'region').replace('‸1', '');
    const uri = c.file('s.rec', whole);
    writeFileSync(join(c.dir, 'd.csv'), `${HEADER.join(',')}\n`);
    expect((await c.open(uri, whole)).diagnostics).toEqual([]);
    const { text, offset } = at(4);
    expect((await c.change(uri, text)).diagnostics.map((d) => d.code)).toEqual(['REC1002']);
    expect(await c.labels(uri, posOf(text, offset))).toEqual(HEADER);
  });
});
