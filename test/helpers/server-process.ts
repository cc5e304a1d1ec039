/**
 * Starts `src/index.ts` as its own process (ts-node) on port 0 and waits for its
 * "listening" log line. Used where a test needs a real process: signals, SIGKILL, a second
 * instance. Always end it (SIGTERM, or SIGKILL for crash tests) and await `exited`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TEST_SECRET } from './test-hub';

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Every stdout line (pino JSON) so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/**
 * ts-node compiling the server, migrations and seeding the demo data on a busy 2-core CI
 * machine: generous, since what these tests check is what happens after the start.
 */
const START_TIMEOUT_MS = 45_000;

/** Every process started here that has not exited yet. */
const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * SIGKILLs what a test left running — one whose expectation failed before it stopped its
 * server — so a failure never leaves a hub holding a port, a database and memory. Call it in
 * `afterEach` of every file that starts processes.
 */
export function killLeftoverProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/index.ts'], {
    cwd: join(__dirname, '..', '..'),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: TEST_SECRET,
      DEMO_DATA: 'off',
      ...env,
    },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`not listening after ${START_TIMEOUT_MS} ms: ${lines.join('\n')}\n${stderr}`),
      );
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'samverkan-hub listening' && parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${lines.join('\n')}\n${stderr}`));
    });
  });
  return { child, url, lines, exited };
}
