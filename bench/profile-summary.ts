// `node -r @swc-node/register bench/profile-summary.ts <file.cpuprofile>`: where a CPU profile's
// time went, by function and by package (self time), to find what to fix.
import * as fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profile = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0;
  const url = node.callFrame.url.replace(/^file:\/\//, '');
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.includes('/work/')
      ? url
          .replace(/.*\/(apps|libs)\//, '$1/')
          .split('/')
          .slice(0, 3)
          .join('/')
      : url || node.callFrame.functionName);
  const fn = `${node.callFrame.functionName || '(anon)'} ${url.replace(/.*node_modules\//, '')}:${node.callFrame.lineNumber}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + t);
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`total ${(total / 1e6).toFixed(1)} s\n-- by package\n${top(byPkg, 25)}\n-- by function\n${top(byFn, 40)}`);
