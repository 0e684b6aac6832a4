// Issue 22's peer, measured on the same machine as bench/sync_10k_answers.py: PouchDB 9 replicating
// N changed answer-shaped documents, on its on-disk adapter (`--adapter leveldb`, the default: LevelDB,
// PouchDB's default in Node.js, through leveldown) or in memory (`--adapter memory`: the separate
// `pouchdb-adapter-memory` package, memdown; nothing on disk).
//
// As the Python bench: laptop A's db holds N answers (100 items per visit), B is in sync with it
// (a first replication, untimed); A changes every answer (value "met" -> "not_met": a new revision of
// each document); then B pulls from A (`B.replicate.from(A)`, PouchDB's default batch sizes), timed:
// wall time and this process's CPU time (`process.cpuUsage()`, user + system, all its threads:
// LevelDB's and libuv's included) around the replication only; then a second pull with nothing to
// do, timed the same. The leveldb dbs live in a temporary directory, removed at the end.
//
//     cd bench/pouchdb_peer && npm ci && node replicate.mjs [--docs N] [--adapter memory|leveldb]
//     # defaults: 10,000 documents, leveldb
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb';
import memoryAdapter from 'pouchdb-adapter-memory';

PouchDB.plugin(memoryAdapter);

const ITEMS = 100;
const WRITE_BATCH = 1000; // documents per bulkDocs / allDocs page in the (untimed) set-up

const ADAPTERS = ['leveldb', 'memory'];

function argument(name, fallback) {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
}

const DOCS = Number(argument('--docs', '10000'));
if (!Number.isInteger(DOCS) || DOCS <= 0 || DOCS % ITEMS !== 0) {
  console.error(`--docs must be a positive multiple of ${ITEMS}`);
  process.exit(2);
}
const ADAPTER = argument('--adapter', 'leveldb');
if (!ADAPTERS.includes(ADAPTER)) {
  console.error(`--adapter must be one of: ${ADAPTERS.join(', ')}`);
  process.exit(2);
}

/** A stable id shaped like the app's (32 hexadecimal characters, in no particular order). */
function derivedId(...parts) {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function answers() {
  const docs = [];
  for (let visit = 0; visit < DOCS / ITEMS; visit++) {
    const visitId = derivedId('visit', String(visit));
    for (let item = 0; item < ITEMS; item++) {
      const itemKey = `item_${item}`;
      docs.push({
        _id: derivedId('answer', visitId, 'bench', itemKey),
        visit_id: visitId, template_key: 'bench', item_key: itemKey,
        value: 'met', note: null, evidence: [],
      });
    }
  }
  return docs;
}

async function populate(db) {
  const docs = answers();
  for (let start = 0; start < docs.length; start += WRITE_BATCH) {
    const results = await db.bulkDocs(docs.slice(start, start + WRITE_BATCH));
    const failed = results.filter((result) => result.error);
    if (failed.length) throw new Error(`set-up write failed: ${JSON.stringify(failed[0])}`);
  }
}

/** Every document of `db` through allDocs, a page at a time. */
async function* pages(db) {
  let startkey;
  for (;;) {
    const page = await db.allDocs({ include_docs: true, limit: WRITE_BATCH, startkey, skip: startkey ? 1 : 0 });
    if (!page.rows.length) return;
    yield page.rows.map((row) => row.doc);
    startkey = page.rows[page.rows.length - 1].id;
  }
}

async function changeAll(db) {
  for await (const docs of pages(db)) {
    const results = await db.bulkDocs(docs.map((doc) => ({ ...doc, value: 'not_met' })));
    const failed = results.filter((result) => result.error);
    if (failed.length) throw new Error(`change failed: ${JSON.stringify(failed[0])}`);
  }
}

/** Wall seconds, this process's CPU seconds (user + system) and the result of `action`. */
async function timed(action) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await action();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1e6, result];
}

const number = (value) => value.toLocaleString('en-GB');

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pouchdb-peer-'));
  // memdown keeps its stores in a process-wide map keyed by name; the names are unique all the same.
  const a = new PouchDB(path.join(root, 'a'), { adapter: ADAPTER });
  const b = new PouchDB(path.join(root, 'b'), { adapter: ADAPTER });
  try {
    const info = await a.info();
    if (info.adapter !== ADAPTER) throw new Error(`asked for adapter ${ADAPTER}, got ${info.adapter}`);
    const [setupS] = await timed(async () => {
      await populate(a);
      const first = await b.replicate.from(a);
      if (first.docs_written !== DOCS) throw new Error(`first replication wrote ${first.docs_written}`);
      await changeAll(a);
    });
    console.log(`pouchdb ${info.adapter}  ${number(DOCS)} docs (PouchDB ${PouchDB.version}, Node.js `
      + `${process.version}); set up in ${setupS.toFixed(1)} s`);

    const [pullS, pullCpu, pulled] = await timed(() => b.replicate.from(a));
    const [idleS, idleCpu, idle] = await timed(() => b.replicate.from(a));

    if (pulled.docs_written !== DOCS) throw new Error(`the pull wrote ${pulled.docs_written} of ${DOCS}`);
    if (idle.docs_written !== 0) throw new Error(`the idle pull wrote ${idle.docs_written}`);
    let changed = 0;
    for await (const docs of pages(b)) {
      changed += docs.filter((doc) => doc.value === 'not_met' && doc._rev.startsWith('2-')).length;
    }
    if (changed !== DOCS) throw new Error(`only ${changed} of ${DOCS} changed docs arrived`);

    console.log(`pouchdb ${info.adapter}  pull ${number(DOCS)} docs  ${pullS.toFixed(2)} s (${pullCpu.toFixed(2)} s CPU)  `
      + `idle ${(idleS * 1000).toFixed(1)} ms (${(idleCpu * 1000).toFixed(1)} ms CPU)  `
      + `max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await Promise.allSettled([a.close(), b.close()]);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
