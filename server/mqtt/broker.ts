/**
 * Embedded MQTT broker (aedes over TCP) so `npm start` needs no external broker (issue 3 §1).
 * MQTT 3.1.1, in-memory sessions, no shared subscriptions (use an external broker for several
 * gateway instances).
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { duplexPair } from './in-process.js';
import { parseUplinkTopic } from '../../spec/topics.js';

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** `mqtt://host:port` for clients (the gateway itself and docks). */
  url: string;
  port: number;
  host: string;
  /** Number of connected MQTT clients. */
  clients(): number;
  /**
   * A new in-process connection (in-process.ts): the client end of a stream pair whose other end
   * this broker serves. Give it to mqtt.js as its stream builder; call again to reconnect.
   */
  connectStream(): Duplex;
  /**
   * Call `fn` when a client disconnects (aedes `clientDisconnect`), with the gateway SNs it
   * published uplink messages as (`thing/product/{sn}/…`, `sys/product/{sn}/status`): the fleet
   * marks those devices offline (reason `disconnect`). Returns an unsubscribe function.
   */
  onClientDisconnect(fn: (info: { clientId: string; sns: string[] }) => void): () => void;
  /** Stop accepting, disconnect every client, release the port. Idempotent. */
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

/**
 * Start aedes on `host` (default 127.0.0.1) and `port` (default 0 = ephemeral). When `port` is taken
 * (EADDRINUSE — e.g. a system Mosquitto on 1883) it falls back to an ephemeral port and logs that.
 * Sockets get `noDelay` (Nagle off) because commands and replies are small and latency-bound.
 */
export async function startEmbeddedBroker(o: { host?: string; port?: number; logger?: Logger } = {}): Promise<EmbeddedBroker> {
  const host = o.host ?? '127.0.0.1';
  const log = o.logger;
  const aedes = await Aedes.createBroker({ heartbeatInterval: 60_000, connectTimeout: 10_000 });
  const sockets = new Set<net.Socket | Duplex>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A peer that resets mid-packet must not surface as an unhandled 'error'.
    socket.on('error', () => {});
    aedes.handle(socket);
  });
  // Which gateway SNs each connected client published uplink as (for presence on disconnect).
  const published = new Map<string, Set<string>>();
  const disconnectListeners = new Set<(info: { clientId: string; sns: string[] }) => void>();
  aedes.on('publish', (packet, client) => {
    if (!client) return;
    const p = parseUplinkTopic(packet.topic);
    if (!p) return;
    let set = published.get(client.id);
    if (!set) published.set(client.id, (set = new Set()));
    // Bounded: a client that publishes as many SNs is misbehaving; the first 64 are enough.
    if (set.size < 64) set.add(p.gateway_sn);
  });
  aedes.on('clientDisconnect', (client) => {
    const sns = [...(published.get(client.id) ?? [])];
    published.delete(client.id);
    if (!sns.length) return;
    for (const fn of disconnectListeners) {
      try {
        fn({ clientId: client.id, sns });
      } catch (err) {
        log?.warn({ err, client: client.id }, 'mqtt broker: disconnect listener failed');
      }
    }
  });
  aedes.on('clientError', (client, err) => log?.debug({ client: client?.id, err: err.message }, 'mqtt broker: client error'));
  aedes.on('connectionError', (_client, err) => log?.debug({ err: err.message }, 'mqtt broker: connection error'));

  let port: number;
  const wanted = o.port ?? 0;
  try {
    port = await listen(server, host, wanted);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) {
      await new Promise<void>((r) => aedes.close(() => r()));
      throw e;
    }
    port = await listen(server, host, 0);
    log?.warn({ wanted, port }, `mqtt broker: port ${wanted} is taken, using ${port} instead`);
  }

  let closing: Promise<void> | null = null;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    host,
    clients: () => aedes.connectedClients,
    onClientDisconnect(fn) {
      disconnectListeners.add(fn);
      return () => disconnectListeners.delete(fn);
    },
    connectStream() {
      const [client, server] = duplexPair();
      sockets.add(server);
      server.once('close', () => sockets.delete(server));
      server.on('error', () => {});
      if (closing) server.destroy();
      else aedes.handle(server);
      return client;
    },
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((r) => server.close(() => r()));
        await new Promise<void>((r) => aedes.close(() => r()));
        for (const s of sockets) s.destroy();
        await serverClosed;
      })();
      return closing;
    },
  };
}
