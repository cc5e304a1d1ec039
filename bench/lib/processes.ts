/**
 * Child processes of a bench run: servers started and awaited on their "listening" log
 * line, and every child killed when the run ends, fails or is interrupted, so a broken run
 * never leaves a server holding a port or a database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

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
 * line with `url` and a `msg` containing "listening". Its stdout and stderr go straight to
 * `logFile`: the bench reads the file until that line is there and never again. Piped
 * through the bench instead, every line a server wrote (the hub logs one per request) woke
 * the bench's process, which parsed it on the same two cores while the server was measured:
 * a cost the hub's figures carried and the peer's and the floor's (silent per request) did not.
 */
export function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
): Promise<Server> {
  const out = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = track(
      spawn(process.execPath, [...sharedNodeArgs(), ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', out, out],
      }),
    );
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(out);
  }
  return new Promise<Server>((resolve, reject) => {
    let offset = 0;
    let pending = '';
    // A character cut between two reads is completed by the next one.
    const decoder = new StringDecoder('utf8');
    let poll: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(poll);
      child.removeListener('exit', onExit);
    };
    const timer = setTimeout(() => {
      finish();
      child.kill('SIGKILL');
      reject(new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms (see ${logFile})`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null): void => {
      finish();
      reject(new Error(`${name} exited with ${code} before listening (see ${logFile})`));
    };
    child.once('exit', onExit);
    const read = (): void => {
      const bytes = readNew(logFile, offset);
      offset += bytes.length;
      const lines = (pending + decoder.write(bytes)).split('\n');
      pending = lines.pop() ?? '';
      const url = lines.map(listeningUrl).find((u) => u !== undefined);
      if (url !== undefined) {
        finish();
        resolve({ name, url, child });
        return;
      }
      poll = setTimeout(read, 50);
    };
    read();
  });
}

/** The bytes of a file after `offset`. */
function readNew(file: string, offset: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, offset));
  } finally {
    closeSync(fd);
  }
}

/** The URL of a server's "listening" log line; undefined for any other line. */
export function listeningUrl(line: string): string | undefined {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return typeof parsed.url === 'string' &&
      typeof parsed.msg === 'string' &&
      parsed.msg.includes('listening')
      ? parsed.url
      : undefined;
  } catch {
    return undefined; // not a JSON line
  }
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
