/**
 * The real Prometheus Alertmanager (Debian package prometheus-alertmanager), started by a test on
 * 127.0.0.1 with a free port, its own storage in a temp dir, a null receiver and no clustering.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from './processes.js';

export interface TestAlert {
  labels: Record<string, string>;
  /** Default: one minute before Alertmanager's now. */
  startsAt?: Date;
  /** Default: one hour after Alertmanager's now. A time in the past resolves the alert. */
  endsAt?: Date;
}

export interface ListedSilence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface RunningAlertmanager {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  /**
   * Alertmanager's own clock (its HTTP Date header, to the second). why: Alertmanager judges alerts
   * and silences against it, and a Go binary ignores faketime, which the suite runs under once a
   * year ahead; times a test posts are computed from this clock, never from today's date.
   */
  now(): Promise<number>;
  /** Posts alerts through the API v2. */
  postAlerts(alerts: readonly TestAlert[]): Promise<void>;
  /** Creates a silence through the API v2; returns its id. */
  silence(matchers: { name: string; value: string; isRegex?: boolean }[], minutes?: number): Promise<string>;
  /** Silences as the API lists them (all states). */
  silences(): Promise<ListedSilence[]>;
  /** Alerts as the API lists them (all states). */
  alerts(): Promise<{ labels: Record<string, string>; status: { state: string } }[]>;
  /** Stops it (SIGTERM by PID) and removes its storage. */
  stop(): Promise<void>;
}

const CONFIG = `route:
  receiver: 'null'
  group_wait: 0s
receivers:
  - name: 'null'
`;

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Alertmanager and waits until it answers /-/ready. `webConfig`: its `--web.config.file`
 * (basic auth users, say), with `authorization` the header the test's own requests send.
 */
export async function startAlertmanager(
  options: { webConfig?: string; authorization?: string } = {},
): Promise<RunningAlertmanager> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-alertmanager-'));
  const config = path.join(directory, 'alertmanager.yml');
  await writeFile(config, CONFIG);
  const webConfig = path.join(directory, 'web.yml');
  if (options.webConfig) await writeFile(webConfig, options.webConfig);
  const headers: Record<string, string> = options.authorization
    ? { authorization: options.authorization }
    : {};
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${config}`,
      ...(options.webConfig ? [`--web.config.file=${webConfig}`] : []),
      `--storage.path=${path.join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  try {
    await waitUntil(async () => {
      if (exited) throw new Error(`prometheus-alertmanager exited:\n${log}`);
      try {
        return (await fetch(`${url}/-/ready`, { headers })).ok;
      } catch {
        return false;
      }
    }, 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const api = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}/api/v2${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Alertmanager ${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const now = async (): Promise<number> => {
    const date = (await fetch(`${url}/-/ready`, { headers })).headers.get('date');
    return date ? Date.parse(date) : Number.NaN;
  };
  return {
    url,
    pid: child.pid as number,
    now,
    async postAlerts(alerts) {
      const at = await now();
      await api(
        'POST',
        '/alerts',
        alerts.map((alert) => ({
          labels: alert.labels,
          startsAt: (alert.startsAt ?? new Date(at - 60_000)).toISOString(),
          endsAt: (alert.endsAt ?? new Date(at + 3_600_000)).toISOString(),
        })),
      );
    },
    async silence(matchers, minutes = 60) {
      const at = await now();
      const answer = (await api('POST', '/silences', {
        matchers: matchers.map((matcher) => ({ isRegex: false, isEqual: true, ...matcher })),
        startsAt: new Date(at - 1000).toISOString(),
        endsAt: new Date(at + minutes * 60_000).toISOString(),
        createdBy: 'test',
        comment: 'test silence',
      })) as { silenceID: string };
      return answer.silenceID;
    },
    async silences() {
      return (await api('GET', '/silences')) as ListedSilence[];
    },
    async alerts() {
      return (await api('GET', '/alerts')) as { labels: Record<string, string>; status: { state: string } }[];
    },
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid as number, 'SIGTERM');
        await gone;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
