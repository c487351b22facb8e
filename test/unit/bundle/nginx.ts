/**
 * A real nginx (Debian's package) for bundle-server tests: a config generated in a temp folder,
 * bound to 127.0.0.1 on a free port, in the foreground (no daemon), pid and logs in the folder.
 * `/secure/` requires a bearer token (a `map` on `$http_authorization`); `/cut/` proxies to an
 * upstream that breaks off mid-body. ETags are nginx's own for static files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running nginx and what the tests need of it. */
export interface Nginx {
  origin: string;
  www: string;
  dir: string;
  /** The access log's status codes, in order. */
  statuses(): number[];
  /**
   * The status codes once the log holds at least `count` (nginx writes a line after it has sent the
   * response, so a client can read the log before its own request is in it); at most 5 s.
   */
  logged(count: number): Promise<number[]>;
  /**
   * The status codes once the log has not grown for `quietMs` (a line of an earlier request can land
   * after its client is done); at most 5 s.
   */
  settled(quietMs?: number): Promise<number[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, up: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not ${up ? 'start' : 'stop'} on port ${port}`);
}

/** Starts nginx serving `www` (created empty); `token` is the bearer `/secure/` accepts. */
export async function startNginx(token: string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-nginx-'));
  const www = join(dir, 'www');
  mkdirSync(join(www, 'secure'), { recursive: true });
  const port = await freePort();
  // The upstream behind /cut/: declares 100000 bytes, sends 1000, closes.
  const cutPort = await freePort();
  const upstream: Server = createServer((socket) => {
    socket.once('data', () => {
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n`,
      );
      socket.end(Buffer.alloc(1000, 7));
    });
  });
  await new Promise<void>((r) => upstream.listen(cutPort, '127.0.0.1', () => r()));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/gzip;
  map $http_authorization $bearer_ok { default 0; "Bearer ${token}" 1; }
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location /secure/ { if ($bearer_ok = 0) { return 401; } }
    location /cut/ { proxy_pass http://127.0.0.1:${cutPort}; proxy_buffering off; }
  }
}
`,
  );
  const readStatuses = (): number[] => {
    let text = '';
    try {
      text = readFileSync(join(dir, 'access.log'), 'utf8');
    } catch {}
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(/" (\d{3}) /.exec(line)?.[1]));
  };
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf], { stdio: 'ignore' });
    await waitForPort(port, true);
  };
  await start();
  return {
    origin: `http://127.0.0.1:${port}`,
    www,
    dir,
    statuses: () => readStatuses(),
    logged: async (count) => {
      const deadline = Date.now() + 5000;
      let seen = readStatuses();
      while (seen.length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = readStatuses();
      }
      return seen;
    },
    settled: async (quietMs = 300) => {
      const deadline = Date.now() + 5000;
      let seen = readStatuses();
      let quietSince = Date.now();
      while (Date.now() - quietSince < quietMs && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const now = readStatuses();
        if (now.length !== seen.length) quietSince = Date.now();
        seen = now;
      }
      return seen;
    },
    start,
    stop: async () => {
      child?.kill('SIGTERM');
      await waitForPort(port, false);
      upstream.close();
    },
  };
}
