// Starts a throwaway FerretDB (a MongoDB wire-protocol server, here over SQLite files) on a free
// loopback port with a temp state dir, for the MongoDB store tests: no MongoDB server can be
// installed on these machines. `bash e2e/peers/ferretdb/build.sh` builds it (`.ci/run` does);
// a missing binary fails the test, never skips it: a skipped store test would ship an adapter
// that never talked to a server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './stop-child.ts';
import mongoose from 'mongoose';

const BUILD_COMMAND = 'bash e2e/peers/ferretdb/build.sh';
const REPO_BINARY = fileURLToPath(new URL('../../e2e/peers/ferretdb/bin/ferretdb', import.meta.url));
const READY_TIMEOUT_MS = 20_000;

export interface FerretDbHandle {
  /** `mongodb://127.0.0.1:<port>/` — append a database name. */
  uri: string;
  /** Where FerretDB keeps its data (SQLite files, one per database): what a copy of its disk holds. */
  storageDir: string;
  stop(): Promise<void>;
}

function ferretDbBinary(): string {
  const binary = process.env.FERRETDB_BIN ?? REPO_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`FerretDB not found at ${binary}: build it with \`${BUILD_COMMAND}\` (or set FERRETDB_BIN).`);
  }
  return binary;
}

/** The port FerretDB reports once its listener is up (it was told to take any free one). */
function listeningPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`FerretDB did not listen within ${READY_TIMEOUT_MS} ms:\n${output()}`)), READY_TIMEOUT_MS);
    const onOutput = () => {
      const match = /Listening on TCP 127\.0\.0\.1:(\d+)/.exec(output());
      if (match) done(null, Number(match[1]));
    };
    const onExit = (code: number | null) => done(new Error(`FerretDB exited with code ${code} before listening:\n${output()}`));
    function done(error: Error | null, port = 0) {
      clearTimeout(timer);
      child.stdout?.off('data', onOutput);
      child.stderr?.off('data', onOutput);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(port);
    }
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('exit', onExit);
  });
}

/** Ready means a MongoDB client connects and gets an answer to `ping`, not merely an open port. */
async function answersPing(uri: string): Promise<void> {
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: READY_TIMEOUT_MS }).asPromise();
  try {
    const answer = await conn.db!.command({ ping: 1 });
    if (answer.ok !== 1) throw new Error(`FerretDB answered ping with ${JSON.stringify(answer)}`);
  } finally {
    await conn.close();
  }
}

export async function startFerretDb(): Promise<FerretDbHandle> {
  const binary = ferretDbBinary();
  const dir = mkdtempSync(join(tmpdir(), 'parley-ferretdb-'));
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      '--listen-addr=127.0.0.1:0',
      // No debug/metrics HTTP listener, no telemetry: nothing listens beyond the one loopback port
      // and nothing reaches the network.
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=INFO',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listeningPort(child, () => log);
    const uri = `mongodb://127.0.0.1:${port}/`;
    await answersPing(uri);
    return { uri, storageDir: dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
