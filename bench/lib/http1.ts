/**
 * A deliberately small HTTP/1.1 client for load generation: keep-alive connections over raw TCP
 * sockets (Nagle off), one request in flight per connection, requests given as ready-made bytes.
 *
 * Why not fetch/undici/autocannon: the load generator shares the machine's 2 cores with the
 * server, so its cost per request must be small and predictable. Writing pre-built request buffers
 * and parsing only the status line, `Content-Length` / `Transfer-Encoding: chunked` and the body
 * needs no dependency and costs about half the CPU of the bare Hono server per request, most of it
 * the two socket syscalls (bench/README.md has the measurement).
 */
import net from 'node:net';

/** A parsed response: status code, the framing headers (lower-cased names: content-length, transfer-encoding, connection) and the raw body bytes. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Builds the bytes of one HTTP/1.1 request (body as UTF-8 string or bytes). */
export function buildRequest(o: { method: string; host: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Buffer {
  const body = o.body === undefined ? null : typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
  let head = `${o.method} ${o.path} HTTP/1.1\r\nHost: ${o.host}\r\n`;
  for (const [k, v] of Object.entries(o.headers ?? {})) head += `${k}: ${v}\r\n`;
  if (body !== null) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  return body === null ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Thrown for a malformed response or a connection that closed mid-request. */
export class HttpClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpClientError';
  }
}

/**
 * One keep-alive connection. `request` may only be called when the previous one settled.
 * The parser understands what Node's http server (and Prism's) send: `Content-Length` bodies,
 * chunked bodies (trailers ignored), and bodiless 204/304 responses.
 */
export class HttpConnection {
  private socket: net.Socket | null = null;
  private buf: Buffer | null = null;
  private pending: { resolve(r: HttpResponse): void; reject(e: Error): void } | null = null;
  private closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** Open the TCP connection (Nagle off). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection({ host: this.host, port: this.port, noDelay: true });
      s.once('connect', () => {
        s.off('error', reject);
        s.on('error', (e) => this.fail(new HttpClientError(`connection error: ${e.message}`)));
        resolve();
      });
      s.once('error', reject);
      s.on('data', (chunk: Buffer) => this.onData(chunk));
      s.on('close', () => {
        this.closed = true;
        this.fail(new HttpClientError('connection closed by server'));
      });
      this.socket = s;
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket !== null;
  }

  /** Send `raw` (a complete request) and resolve with the response. */
  request(raw: Buffer): Promise<HttpResponse> {
    if (this.pending) return Promise.reject(new HttpClientError('request already in flight on this connection'));
    if (!this.isOpen) return Promise.reject(new HttpClientError('connection is closed'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket!.write(raw);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = null;
    this.buf = null;
    p?.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    if (!this.pending) {
      this.fail(new HttpClientError('unexpected data without a request'));
      return;
    }
    let res: HttpResponse | null;
    try {
      res = parseResponse(this.buf);
    } catch (e) {
      this.close();
      this.fail(e as Error);
      return;
    }
    if (res === null) return;
    this.buf = null;
    const p = this.pending;
    this.pending = null;
    if (res.headers['connection']?.toLowerCase() === 'close') this.close();
    p.resolve(res);
  }
}

/**
 * Parse one complete response from the start of `buf`; `null` when more bytes are needed.
 * Extra bytes after the response are an error (we never pipeline). Only the status, the framing
 * headers and `Connection` are looked at (regexes over the header block: cheaper than splitting it
 * into an object per response); `headers` holds those.
 */
export function parseResponse(buf: Buffer): HttpResponse | null {
  const headEnd = buf.indexOf(CRLFCRLF);
  if (headEnd === -1) return null;
  const head = buf.toString('latin1', 0, headEnd + 2);
  const m = STATUS_LINE.exec(head);
  if (!m) throw new HttpClientError(`bad status line ${JSON.stringify(head.slice(0, 60))}`);
  const status = Number(m[1]);
  const headers: Record<string, string> = {};
  const conn = CONNECTION.exec(head);
  if (conn) headers['connection'] = conn[1].trim();
  const bodyStart = headEnd + 4;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, headers, body: EMPTY };
  const te = TRANSFER_ENCODING.exec(head);
  if (te !== null) {
    headers['transfer-encoding'] = te[1].trim();
    if (te[1].toLowerCase().includes('chunked')) return parseChunked(buf, bodyStart, status, headers);
  }
  const cl = CONTENT_LENGTH.exec(head);
  if (cl === null) throw new HttpClientError(`response ${status} without Content-Length or chunked encoding`);
  headers['content-length'] = cl[1];
  const n = Number(cl[1]);
  if (buf.length < bodyStart + n) return null;
  if (buf.length > bodyStart + n) throw new HttpClientError('extra bytes after the response');
  return { status, headers, body: buf.subarray(bodyStart, bodyStart + n) };
}

const EMPTY = Buffer.alloc(0);
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n/i;
const TRANSFER_ENCODING = /\r\ntransfer-encoding:([^\r]*)\r\n/i;
const CONNECTION = /\r\nconnection:([^\r]*)\r\n/i;

function parseChunked(buf: Buffer, start: number, status: number, headers: Record<string, string>): HttpResponse | null {
  const parts: Buffer[] = [];
  let pos = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
    if (lineEnd === -1) return null;
    const size = parseInt(buf.toString('latin1', pos, lineEnd).split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) throw new HttpClientError('bad chunk size');
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailers (usually none) end with an empty line.
      const end = buf.indexOf(CRLFCRLF, pos - 2);
      if (end === -1) return null;
      if (buf.length > end + 4) throw new HttpClientError('extra bytes after the response');
      return { status, headers, body: Buffer.concat(parts) };
    }
    if (buf.length < pos + size + 2) return null;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/** A growable set of keep-alive connections to one server, for open-loop load. */
export class HttpPool {
  private readonly idle: HttpConnection[] = [];
  private readonly all = new Set<HttpConnection>();

  constructor(
    readonly host: string,
    readonly port: number,
    /** Upper bound of connections; `request` waits for a free one beyond it. */
    readonly max = 512,
  ) {}

  private waiters: ((c: HttpConnection) => void)[] = [];

  private async acquire(): Promise<HttpConnection> {
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (c.isOpen) return c;
      this.all.delete(c);
    }
    if (this.all.size < this.max) {
      const c = new HttpConnection(this.host, this.port);
      this.all.add(c);
      try {
        await c.connect();
      } catch (e) {
        this.all.delete(c);
        throw e;
      }
      return c;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(c: HttpConnection): void {
    if (!c.isOpen) {
      this.all.delete(c);
      return;
    }
    const w = this.waiters.shift();
    if (w) w(c);
    else this.idle.push(c);
  }

  /** Send on a free connection (opening one when none is idle). */
  async request(raw: Buffer): Promise<HttpResponse> {
    const c = await this.acquire();
    try {
      return await c.request(raw);
    } finally {
      this.release(c);
    }
  }

  /** Open `n` connections up front so connection setup is not measured. */
  async prewarm(n: number): Promise<void> {
    const conns = await Promise.all(Array.from({ length: Math.min(n, this.max) - this.all.size }, async () => {
      const c = new HttpConnection(this.host, this.port);
      this.all.add(c);
      await c.connect();
      return c;
    }));
    this.idle.push(...conns);
  }

  get size(): number {
    return this.all.size;
  }

  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
  }
}
