// Start the OneGrid binary in demo mode for a browser test, and read what the demo prints.
//
//   const server = await startServer({ name: 'foundation' });
//   server.baseUrl                      // "http://127.0.0.1:<port>"
//   server.credentials.street_admin     // { username, password }  (LOGIN lines)
//   await server.credential('grid_worker')            // waits for the LOGIN line if needed
//   await server.printed('FORBIDDEN_URL_FOR', 'grid_worker')   // value of a tagged line
//   await server.stop();
//
// Environment:
//   ONEGRID_BIN   path of the binary (default: <repo>/target/debug/onegrid)
//
// The binary is run as
//   onegrid demo --data-dir <fresh tmp dir> --listen 127.0.0.1:<free port>
// with the repository root as working directory. We wait until GET /healthz answers 200
// (180 s at most). The server's stdout and stderr are kept in memory and written to
// e2e/artifacts/<name>-server.log; on a start-up failure they are printed.
//
// Lines the demo prints that we understand (anywhere on a line, ANSI colours ignored):
//   LOGIN role=<role> username=<u> password=<p>
//   <TAG> <role> <value...>          e.g. FORBIDDEN_URL_FOR grid_worker /residents/123

import { spawn } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');

const START_TIMEOUT_MS = 180_000;
const LINE_TIMEOUT_MS = 30_000;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const LOGIN_RE = /\bLOGIN\s+role=(\S+)\s+username=(\S+)\s+password=(\S+)/;
const TAGGED_RE = /\b([A-Z][A-Z0-9_]*_FOR)\s+(\S+)\s+(.*\S)\s*$/;

export function binaryPath() {
  const fromEnv = process.env.ONEGRID_BIN;
  return fromEnv ? path.resolve(fromEnv) : path.join(REPO_ROOT, 'target', 'debug', 'onegrid');
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Children still running when this process exits are killed (e.g. a test crashed).
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * @param {{ name?: string, extraArgs?: string[], env?: Record<string,string> }} [opts]
 */
export async function startServer(opts = {}) {
  const name = opts.name ?? 'e2e';
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(`OneGrid binary not found at ${bin} (build it with cargo build, or set ONEGRID_BIN)`);
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), `onegrid-e2e-${name}-`));
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const baseUrl = `http://${listen}`;
  const args = ['demo', '--data-dir', dataDir, '--listen', listen, ...(opts.extraArgs ?? [])];

  const logChunks = [];
  const credentials = {};
  const tagged = {}; // tag -> role -> value
  const waiters = new Set(); // functions re-checked whenever a line arrives

  const child = spawn(bin, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  let exited = null; // { code, signal } once the process has ended
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      for (const w of waiters) w();
      resolve(exited);
    });
  });
  let spawnError = null;
  child.on('error', (err) => {
    spawnError = err;
    for (const w of waiters) w();
  });

  const onLine = (line) => {
    const clean = line.replace(ANSI, '').replace(/\r$/, '');
    let m = LOGIN_RE.exec(clean);
    if (m) {
      credentials[m[1]] = { username: m[2], password: m[3] };
    } else if ((m = TAGGED_RE.exec(clean))) {
      (tagged[m[1]] ??= {})[m[2]] = m[3];
    }
    for (const w of waiters) w();
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      logChunks.push(chunk);
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop();
      lines.forEach(onLine);
    });
    stream.on('end', () => {
      if (partial) onLine(partial);
      partial = '';
    });
  }

  const logs = () => logChunks.join('');
  const describe = () =>
    `command: ${bin} ${args.join(' ')}\n` +
    `--- server stdout+stderr ---\n${logs()}\n--- end of server output ---`;

  const saveLog = async () => {
    try {
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      await writeFile(path.join(ARTIFACTS_DIR, `${name}-server.log`), describe());
    } catch { /* best effort */ }
  };

  // Wait for a condition that depends on the output; fail early if the process died.
  const waitFor = (what, check, timeoutMs) =>
    new Promise((resolve, reject) => {
      let timer = null;
      const done = (fn, v) => {
        waiters.delete(poll);
        clearTimeout(timer);
        fn(v);
      };
      const poll = () => {
        const v = check();
        if (v !== undefined) return done(resolve, v);
        if (spawnError) return done(reject, new Error(`could not start ${bin}: ${spawnError.message}`));
        if (exited) {
          return done(reject, new Error(
            `server exited (code ${exited.code}, signal ${exited.signal}) before ${what}\n${describe()}`));
        }
        return undefined;
      };
      timer = setTimeout(
        () => done(reject, new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describe()}`)),
        timeoutMs);
      waiters.add(poll);
      poll();
    });

  async function stop() {
    if (!exited && !spawnError) {
      child.kill('SIGTERM');
      const ended = await Promise.race([exitPromise, sleep(10_000).then(() => null)]);
      if (!ended) {
        child.kill('SIGKILL');
        await Promise.race([exitPromise, sleep(5_000)]);
      }
    }
    await saveLog();
    await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  }

  // Poll /healthz until 200.
  const started = Date.now();
  let lastProblem = 'no answer yet';
  try {
    for (;;) {
      if (spawnError) throw new Error(`could not start ${bin}: ${spawnError.message}`);
      if (exited) {
        throw new Error(`server exited (code ${exited.code}, signal ${exited.signal}) before /healthz answered`);
      }
      if (Date.now() - started > START_TIMEOUT_MS) {
        throw new Error(`GET ${baseUrl}/healthz did not return 200 within ${START_TIMEOUT_MS / 1000} s (last: ${lastProblem})`);
      }
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer().catch(() => {});
        if (res.status === 200) break;
        lastProblem = `status ${res.status}`;
      } catch (err) {
        lastProblem = err?.cause?.code ?? err?.message ?? String(err);
      }
      await sleep(250);
    }
  } catch (err) {
    const msg = `${err.message}\n${describe()}`;
    console.error(msg);
    await stop();
    throw new Error(msg);
  }

  return {
    baseUrl,
    port,
    dataDir,
    /** role -> { username, password }, filled as LOGIN lines are printed */
    credentials,
    /** tag -> role -> value, e.g. tagged.FORBIDDEN_URL_FOR.grid_worker */
    tagged,
    logs,
    describe,
    /** Credentials of a role; waits up to 30 s for the LOGIN line. */
    credential: (role, timeoutMs = LINE_TIMEOUT_MS) =>
      waitFor(`a line "LOGIN role=${role} username=... password=..."`, () => credentials[role], timeoutMs),
    /** Value printed on a line "<tag> <role> <value>"; waits up to 30 s. */
    printed: (tag, role, timeoutMs = LINE_TIMEOUT_MS) =>
      waitFor(`a line "${tag} ${role} ..."`, () => tagged[tag]?.[role], timeoutMs),
    url: (p) => new URL(p, baseUrl).toString(),
    stop,
  };
}
