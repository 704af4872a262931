/**
 * Embedded MQTT broker (aedes over TCP) so `npm start` needs no external broker (issue 3 §1).
 * MQTT 3.1.1, in-memory sessions, no shared subscriptions (use an external broker for several
 * gateway instances). With `auth` only registered docks and dockgate's own clients may connect,
 * each dock to its own topics (broker-auth.ts); with `tls` it also listens for docks over TLS.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { createBrokerAuth, type BrokerAuthOptions, type RefusalReason } from './broker-auth.js';
import { duplexPair } from './in-process.js';
import { parseUplinkTopic } from '../../spec/topics.js';

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** `mqtt://host:port` for clients (the gateway itself and docks). */
  url: string;
  port: number;
  host: string;
  /** `mqtts://host:port` of the TLS listener, or null without one. */
  tlsUrl: string | null;
  /** Number of connected MQTT clients. */
  clients(): number;
  /**
   * The login dockgate's own clients must use (random, this process only), or null when the broker
   * was started without `auth` and lets anyone in.
   */
  internalLogin: { username: string; password: string } | null;
  /** Clients, publishes and subscriptions refused by reason since start (all 0 without `auth`). */
  refused(): Partial<Record<RefusalReason, number>>;
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
export interface EmbeddedBrokerOptions {
  host?: string;
  port?: number;
  logger?: Logger;
  /**
   * Authenticate and authorise against the device registry (broker-auth.ts). Without it the broker
   * lets any client in and do anything: only for tests of unrelated parts and benchmarks.
   */
  auth?: BrokerAuthOptions;
  /** Also listen with TLS (PEM certificate chain and key) on `port` (default 8883; 0 = ephemeral) of `host`. */
  tls?: { cert: string | Buffer; key: string | Buffer; port?: number; host?: string };
}

/** A connection handler that hands sockets to aedes (Nagle off), tracked so close() can end them. */
function serveInto(aedes: Aedes, sockets: Set<net.Socket | Duplex>): (socket: net.Socket) => void {
  return (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A peer that resets mid-packet must not surface as an unhandled 'error'.
    socket.on('error', () => {});
    aedes.handle(socket);
  };
}

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = o.host ?? '127.0.0.1';
  const log = o.logger;
  const auth = o.auth ? createBrokerAuth(o.auth) : null;
  const aedes = await Aedes.createBroker({ heartbeatInterval: 60_000, connectTimeout: 10_000, ...(auth?.hooks ?? {}) });
  const sockets = new Set<net.Socket | Duplex>();
  const server = net.createServer({ noDelay: true }, serveInto(aedes, sockets));
  const tlsServer = o.tls ? tls.createServer({ cert: o.tls.cert, key: o.tls.key, noDelay: true }, serveInto(aedes, sockets)) : null;
  // A failed handshake (plain MQTT on the TLS port, a bad certificate) is the peer's problem, not ours.
  tlsServer?.on('tlsClientError', (err) => log?.debug({ err: err.message }, 'mqtt broker: TLS handshake failed'));
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
  let tlsPort: number | null = null;
  const tlsHost = o.tls?.host ?? host;
  if (tlsServer) {
    try {
      // No fallback port here: docks outside the host are configured with this one.
      tlsPort = await listen(tlsServer as unknown as net.Server, tlsHost, o.tls?.port ?? 8883);
    } catch (e) {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
      throw e;
    }
  }

  let closing: Promise<void> | null = null;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    host,
    tlsUrl: tlsPort === null ? null : `mqtts://${tlsHost.includes(':') ? `[${tlsHost}]` : tlsHost}:${tlsPort}`,
    clients: () => aedes.connectedClients,
    onClientDisconnect(fn) {
      disconnectListeners.add(fn);
      return () => disconnectListeners.delete(fn);
    },
    internalLogin: auth ? { ...auth.internal } : null,
    refused: () => auth?.refused() ?? {},
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
        const tlsClosed = tlsServer ? new Promise<void>((r) => tlsServer.close(() => r())) : Promise.resolve();
        await new Promise<void>((r) => aedes.close(() => r()));
        for (const s of sockets) s.destroy();
        await Promise.all([serverClosed, tlsClosed]);
      })();
      return closing;
    },
  };
}
