/**
 * A TCP forwarder in front of a broker, so a test can make the broker unreachable for one client
 * (the gateway) while docks stay connected directly: `pause()` closes the listener and cuts every
 * forwarded connection; `resume()` listens again on the same port.
 */
import net from 'node:net';

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Start forwarding 127.0.0.1:<ephemeral> → `targetUrl` (mqtt://host:port). */
  static async start(targetUrl: string): Promise<TcpProxy> {
    const u = new URL(targetUrl);
    const p = new TcpProxy({ host: u.hostname, port: Number(u.port) });
    await p.resume();
    return p;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    if (this.server) return;
    const server = net.createServer({ noDelay: true }, (client) => {
      const upstream = net.connect({ ...this.target, noDelay: true });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async pause(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    for (const sock of this.sockets) sock.destroy();
    await closed;
  }

  close(): Promise<void> {
    return this.pause();
  }
}
