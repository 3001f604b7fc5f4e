// Run one `recc` command in this process and print its exit code and peak resident memory as one
// JSON line: `node bench/lib/peak-rss.mjs DIST_DIR train spec.rec …` (DIST_DIR: a build's dist/).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, ...args] = process.argv.slice(2);
const { main } = await import(pathToFileURL(resolve(dist, 'cli/main.js')).href);
const t0 = performance.now();
const code = await main(['node', 'recc', ...args]);
// maxRSS: kilobytes on Linux
process.stdout.write(`${JSON.stringify({ code, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), seconds: Math.round((performance.now() - t0) / 100) / 10, cpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e5) / 10 })}\n`);
process.exit(0);
