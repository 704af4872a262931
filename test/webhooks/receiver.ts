/** A webhook receiver on loopback for tests: records every request (headers, body) and answers as told. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Responder = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  respond: Responder;
  close(): Promise<void>;
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
}

/** Starts a receiver on 127.0.0.1 (port 0, or `port` to come back on the same address). */
export async function startReceiver(respond: Responder = (_q, s) => s.writeHead(204).end(), port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { n: number; r: () => void }[] = [];
  const rx: Receiver = {
    url: '', port: 0, received, respond,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
    waitFor(n, timeoutMs = 10_000) {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`receiver got ${received.length} of ${n} requests`)), timeoutMs);
        waiters.push({ n, r: () => { clearTimeout(t); resolve(received); } });
      });
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, at: Date.now() });
      rx.respond(req, res, body);
      for (const w of [...waiters]) if (received.length >= w.n) { waiters.splice(waiters.indexOf(w), 1); w.r(); }
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  rx.port = (server.address() as AddressInfo).port;
  rx.url = `http://127.0.0.1:${rx.port}/hook`;
  return rx;
}
