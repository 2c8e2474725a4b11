/**
 * docs/PERFORMANCE.md is written by several benchmarks: each owns one section, between
 * `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, and replaces only that one, so running one benchmark
 * keeps the others' last results.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const FILE = join('docs', 'PERFORMANCE.md');
const HEADER = `# Performance

Written by \`npm run bench\` (bench/run.ts; \`npm run bench -- <section>\` runs one section). Each section
says when and on which machine it was measured.
`;

export function machineDescription(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function writeSection(id: string, title: string, body: string, date = new Date().toISOString()): void {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const section = `${start}\n\n## ${title}\n\n- Date: ${date}\n- Machine: ${machineDescription()}\n\n${body.trim()}\n\n${end}`;
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  if (!text.includes('<!-- bench:')) text = HEADER; // an old single-report file: start over
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${section}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, text);
}
