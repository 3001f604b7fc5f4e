// `model.py` of `recc export torch`: the model as a torch.nn.Module generated from the IR. One
// Python function per entry (`serve`, and one per training stage, whose result holds the stage's
// objective), one line per op (the forms of ops.ts), the block path as a comment where it changes.
// Parameters are registered under recc's paths, so `state_dict()` keys are recc's names and a
// safetensors file moves between the two unchanged. Embedding lookups into feature tables use
// `embed`, F.embedding: sparse gradients on request for the tables in `sparse` (DDP over gloo,
// SparseAdam, Adagrad), and row 0 of a padded table receives no gradient (padding_idx), as recc's
// optimizers never update it; or the lookup of a table train.py gave to TorchRec.
import { SERVE } from '../../ir/entry.js';
import { paddedTables } from '../../ir/padding-rows.js';
import { planOf } from '../../ir/plan.js';
import { readersOf } from '../../ir/reach.js';
import type { IRGraph } from '../../ir/types.js';
import { emitEntryFunction, pyStr, type FormOverride } from './emit.js';
import { torchPrelude } from './prelude.js';

/** Python function name of an entry: `serve`, else `stage_<name>` (names are spec identifiers). */
export function entryFunction(entry: string): string {
  return entry === SERVE ? 'serve' : `stage_${entry.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Lookups into a padded feature table: `embed`, F.embedding with padding_idx 0 and optional sparse gradients. */
function embeddingLookups(graph: IRGraph): FormOverride {
  const padded = paddedTables(graph);
  return (n, [table, ids]) => {
    if (n.op !== 'gather') return undefined;
    const src = graph.nodes[n.inputs[0]!]!;
    if (src.op !== 'param' || !padded.has(String(src.attrs.name))) return undefined;
    return `embed(${ids}, ${table}, ${pyStr(String(src.attrs.name))}, sparse)`;
  };
}

/**
 * The feature tables train.py may hand to TorchRec (torchrec_tables.py): padded tables read by one
 * lookup and nothing else (TorchRec owns such a table and its optimizer; a table also read whole,
 * as a sampled softmax reads its item table, or by two lookups, whose fused updates would apply
 * once per lookup, stays a parameter of the module).
 */
export function torchrecEligible(graph: IRGraph): string[] {
  const padded = paddedTables(graph);
  const readers = readersOf(graph);
  return graph.nodes
    .filter((n) => n.op === 'param' && padded.has(String(n.attrs.name)))
    .filter((n) => {
      const r = readers[n.id]!;
      return r.length === 1 && graph.nodes[r[0]!]!.op === 'gather' && graph.nodes[r[0]!]!.inputs[0] === n.id;
    })
    .map((n) => String(n.attrs.name));
}

const EMBED = `
def embed(ids, table, name, sparse):
    # a feature table's lookup: F.embedding (row 0 is padding: it gets no gradient), or, for a
    # table train.py gave to TorchRec (torchrec_tables.py), that table's own lookup
    if callable(table):
        return table(ids)
    return F.embedding(ids, table, padding_idx=0, sparse=name in sparse)
`;

const MODEL_CLASS = `
class TableOwner(torch.nn.Embedding):
    """The module holding feature tables, and only them. DistributedDataParallel expects sparse
    gradients for the parameters of an Embedding with sparse=True (it allots its buckets before
    the first step), and the lookups are F.embedding calls in the entry functions."""

    def __init__(self, sparse):
        torch.nn.Module.__init__(self)
        self.sparse = sparse

    def extra_repr(self):
        return f"sparse={self.sparse}"


class Model(torch.nn.Module):
    """The model; parameters by recc path (state_dict keys are recc's names)."""

    def __init__(self, sparse=False, torchrec=None):
        super().__init__()
        # torchrec: a TorchRecTables (torchrec_tables.py) owning some feature tables, which are
        # then not parameters of this module (train.py --torchrec)
        self.torchrec_names = set(torchrec.names) if torchrec is not None else set()
        own = {n: v for n, v in PARAMS.items() if n not in self.torchrec_names}
        owners = {}
        for name in own:
            owners.setdefault(name.rpartition(".")[0], []).append(name)
        # tables whose owner holds nothing else get sparse gradients; the rest stay dense
        self.sparse_tables = {n for o, names in owners.items() if o and all(m in PADDED for m in names) for n in names} if sparse else set()
        self.sparse = sparse
        for name, (shape, _group) in own.items():
            *path, leaf = name.split(".")
            owner = self
            for i, part in enumerate(path):
                # nn.Module's tables directly: a path part may equal a Module attribute
                # (\`type\`, \`train\`), which add_module and register_parameter refuse
                if part not in owner._modules:
                    table = i == len(path) - 1 and name in self.sparse_tables
                    owner._modules[part] = TableOwner(True) if table else torch.nn.Module()
                owner = owner._modules[part]
            owner._parameters[leaf] = torch.nn.Parameter(torch.zeros(shape, dtype=DTYPE))
        if torchrec is not None:
            # under a name no recc path starts with (recc's names are identifiers)
            self._modules["@torchrec"] = torchrec

    def recc_parameters(self):
        """(recc name, parameter) of the parameters this module owns (not TorchRec's tables)."""
        return [(n, p) for n, p in self.named_parameters() if n in PARAMS]

    def forward(self, X, entry="serve"):
        """The outputs of \`entry\` by name (a stage's objective under "/objective")."""
        P = dict(self.recc_parameters())
        if self.torchrec_names:
            P.update(self._modules["@torchrec"].lookups())
        return ENTRIES[entry](P, X, self.sparse_tables)
`;

/** The text of model.py for a graph (after the IR passes: entries and objectives present). */
export function emitModelPy(graph: IRGraph, header: string): string {
  const override = embeddingLookups(graph);
  const entries = [SERVE, ...new Set(planOf(graph).stages.map((s) => s.entry))];
  const params = graph.params.map((p) => `    ${pyStr(p.name)}: (${JSON.stringify(p.shape)}, ${pyStr(p.group)}),`);
  const inputs = (name: string) =>
    Object.entries(graph.entries[name]!.inputs).map(([k, id]) => {
      const n = graph.nodes[id]!;
      return `        ${pyStr(k)}: (${pyStr(n.dtype === 'int32' ? 'int64' : 'float32')}, ${JSON.stringify(n.shape.slice(1))}),`;
    });
  return [
    header,
    torchPrelude('float32').trimEnd(),
    '',
    '# recc path: (shape, group)',
    `PARAMS = {\n${params.join('\n')}\n}`,
    '',
    '# feature tables: row 0 is padding (zero, never trained)',
    `PADDED = {${[...paddedTables(graph)].map(pyStr).join(', ')}}`,
    '',
    '# feature tables read by one lookup and nothing else: train.py --torchrec may hand them to TorchRec',
    `TORCHREC_ELIGIBLE = {${torchrecEligible(graph).map(pyStr).join(', ')}}`,
    '',
    '# per entry, its inputs: name → (dtype, shape after the batch axis)',
    `INPUTS = {\n${entries.map((e) => `    ${pyStr(e)}: {\n${inputs(e).join('\n')}\n    },`).join('\n')}\n}`,
    '',
    EMBED,
    ...entries.flatMap((e) => ['', emitEntryFunction(graph, entryFunction(e), graph.entries[e]!, override), '']),
    '',
    `ENTRIES = {${entries.map((e) => `${pyStr(e)}: ${entryFunction(e)}`).join(', ')}}`,
    '',
    MODEL_CLASS,
  ].join('\n');
}
