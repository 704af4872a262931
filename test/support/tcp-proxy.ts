/**
 * A TCP forwarder in front of a server (broker or database), so a test can make it unreachable for
 * one client (the gateway) while others stay connected directly: `pause()` closes the listener and
 * cuts every forwarded connection; `resume()` listens again on the same port. Used by the MQTT
 * reconnect tests and the cluster database-outage test.
 */
import net from 'node:net';

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Start forwarding 127.0.0.1:<ephemeral> → `target` (a `mqtt://host:port` URL or host and port). */
  static async start(target: string | { host: string; port: number }): Promise<TcpProxy> {
    const t = typeof target === 'string' ? { host: new URL(target).hostname, port: Number(new URL(target).port) } : target;
    const p = new TcpProxy(t);
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
