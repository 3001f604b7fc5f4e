// The recc package's own folder, where stdlib/, runtime/, clients/ and package.json are. This file
// sits one folder below it wherever it runs: src/ under vitest, dist/ from tsc, and inside the CLI
// bundle dist/recc.cjs (scripts/bundle-cli.mjs), where import.meta.url is the bundle's. Paths to
// the package's files go through here, not `../..` from each module, which a bundle would break.
import { fileURLToPath } from 'node:url';

/** The package's folder, ending in a separator. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
