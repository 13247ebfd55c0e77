// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by area
// (a package under node_modules, a folder of dist/, Node internals, GC, idle) and by function, and
// inclusive time of the functions that frame a request.
//
//   node bench/http/profile-summary.mjs <file.cpuprofile> [--top=25] [--inclusive=fn,fn@file] [--by-count]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const areaOf = ({ url, functionName }) => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `dist/${url.slice(dist + 6).split('/').slice(0, -1).join('/') || '.'}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
};

const frameName = ({ functionName, url, lineNumber }) => {
  const file = url ? url.replace(/^.*\/(node_modules|dist)\//, '$1/') : '';
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

/**
 * `byCount`: weigh every sample alike (as 1 ms) instead of by its time delta. On a machine whose
 * cores are taken by other processes a descheduled thread yields one late sample whose delta
 * covers the wait, so deltas measure wall time there; sample counts stay close to CPU time.
 */
export const summarizeProfile = (file, { top = 25, inclusive = [], byCount = false } = {}) => {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // The profiler's own Profiler.stop (serialising the profile) is not the server's work.
  const ownWork = new Set();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === 'post' && node.callFrame.url === 'node:inspector') {
      const stack = [node.id];
      while (stack.length > 0) {
        const id = stack.pop();
        ownWork.add(id);
        stack.push(...(byId.get(id).children ?? []));
      }
    }
  }
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (ownWork.has(id)) continue;
    self.set(id, (self.get(id) ?? 0) + (byCount ? 1000 : (profile.timeDeltas[i] ?? 0)));
  }
  let total = 0;
  let idle = 0;
  const areas = new Map();
  const functions = new Map();
  // `name` or `name@file-part`: the function, anywhere or only in a file whose URL contains file-part.
  const inclusiveTotals = new Map(inclusive.map((name) => [name, 0]));
  const matchers = new Map();
  for (const name of inclusive) {
    const fn = name.split('@')[0];
    matchers.set(fn, [...(matchers.get(fn) ?? []), name]);
  }
  for (const [id, micros] of self) {
    const node = byId.get(id);
    total += micros;
    if (node.callFrame.functionName === '(idle)') idle += micros;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const name = frameName(node.callFrame);
    functions.set(name, (functions.get(name) ?? 0) + micros);
    if (inclusive.length > 0) {
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const { functionName, url } = byId.get(at).callFrame;
        for (const name of matchers.get(functionName) ?? []) {
          if (seen.has(name) || !url.includes(name.split('@')[1] ?? '')) continue;
          seen.add(name);
          inclusiveTotals.set(name, inclusiveTotals.get(name) + micros);
        }
      }
    }
  }
  const busy = total - idle;
  const pct = (micros) => `${((micros / busy) * 100).toFixed(1)}%`.padStart(6);
  const ranked = (map) => [...map].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [];
  lines.push(`profile ${file}${byCount ? ' (weighted by sample count ≈ CPU time)' : ''}: ${(total / 1e6).toFixed(1)} s sampled, ${(idle / 1e6).toFixed(1)} s idle; percentages are of the ${(busy / 1e6).toFixed(1)} s busy`);
  lines.push('self time by area:');
  for (const [area, micros] of ranked(areas)) lines.push(`  ${pct(micros)}  ${area}`);
  lines.push('self time by function:');
  for (const [name, micros] of ranked(functions)) lines.push(`  ${pct(micros)}  ${name}`);
  if (inclusive.length > 0) {
    lines.push('inclusive time (the function and everything it called):');
    for (const [name, micros] of [...inclusiveTotals].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(micros)}  ${name}`);
  }
  return lines;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  const top = Number(process.argv.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 25);
  const inclusive = process.argv.find((arg) => arg.startsWith('--inclusive='))?.slice(12).split(',') ?? [];
  for (const line of summarizeProfile(file, { top, inclusive, byCount: process.argv.includes('--by-count') })) console.log(line);
}
