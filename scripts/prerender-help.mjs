// Writes dist/help/<command>.txt: each command's --help exactly as oclif prints it to a pipe (80
// columns, no colour), so bin/run.js can answer `fitkit <command> --help` without loading oclif
// (~100 ms). Run after oclif-manifest.mjs; test/cli/prerendered-help.test.ts compares the two.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const { commands } = JSON.parse(readFileSync('oclif.manifest.json', 'utf8'));
// Old texts would be printed instead of oclif's while rendering.
rmSync('dist/help', { recursive: true, force: true });
const env = { ...process.env };
delete env.FORCE_COLOR;
delete env.OCLIF_COLUMNS;

function render(id) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run.js', id, '--help'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && err === '' ? resolve(Buffer.concat(out)) : reject(new Error(`fitkit ${id} --help: exit ${code}: ${err}`))));
  });
}

const ids = Object.keys(commands);
const texts = new Map();
const queue = [...ids];
await Promise.all(
  Array.from({ length: Math.min(availableParallelism(), 4) }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) texts.set(id, await render(id));
  }),
);
mkdirSync('dist/help.tmp', { recursive: true });
for (const id of ids) writeFileSync(`dist/help.tmp/${id}.txt`, texts.get(id));
rmSync('dist/help', { recursive: true, force: true });
// Written whole or not at all: a half-written folder would answer with some commands missing.
renameSync('dist/help.tmp', 'dist/help');
