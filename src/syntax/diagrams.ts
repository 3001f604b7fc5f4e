// Writes grammar/diagrams.html: railroad diagrams generated from the parser (npm run diagrams).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { parser } from './parser.js';

const html = createSyntaxDiagramsCode(parser.getSerializedGastProductions());
const header = '<!-- DO NOT EDIT: generated from src/syntax/parser.ts. Regenerate with `npm run build && npm run diagrams`. -->\n';
writeFileSync(fileURLToPath(new URL('../../grammar/diagrams.html', import.meta.url)), header + html);
