/**
 * Child processes of a bench run: servers started and awaited on their "listening" log
 * line, and every child killed when the run ends, fails or is interrupted, so a broken run
 * never leaves a server holding a port or a database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

let installed = false;
/** Kills every child on exit, Ctrl-C, SIGTERM and uncaught errors. Call once at start. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface Server {
  name: string;
  url: string;
  child: ChildProcess;
}

const START_TIMEOUT_MS = 60_000;

/**
 * The node flags of the hub's `npm start` (package.json), so that the bench runs the hub
 * as it is deployed: e.g. its young-generation size, which decides how much of a page's
 * garbage is copied while requests overlap (docs/operations.md).
 */
export function startScriptNodeArgs(start = packageStartScript()): string[] {
  const [node, ...rest] = start.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`npm start does not run node: ${start}`);
  const flags: string[] = [];
  for (const token of rest) {
    if (!token.startsWith('--')) break;
    flags.push(token);
  }
  return flags;
}

function packageStartScript(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start;
}

/**
 * Node flags for every server the bench starts (BENCH_NODE_ARGS): a setting of the machine
 * the servers are deployed on, such as the garbage collector's threads, given to the hub,
 * the peer and the floor alike so that their ratios still compare like with like.
 */
function sharedNodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Starts `node <BENCH_NODE_ARGS> <args>` and resolves with its URL once it prints a JSON
 * line with `url` and a `msg` containing "listening". Output goes to `logFile`.
 */
export function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
): Promise<Server> {
  const child = track(
    spawn(process.execPath, [...sharedNodeArgs(), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const log = createWriteStream(logFile);
  child.stderr?.pipe(log);
  return new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms (see ${logFile})`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening (see ${logFile})`));
    });
    if (!child.stdout) throw new Error('no stdout');
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.url && parsed.msg?.includes('listening')) {
          clearTimeout(timer);
          resolve({ name, url: parsed.url, child });
        }
      } catch {
        // not a JSON line
      }
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
