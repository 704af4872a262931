/**
 * Embedded MQTT broker (aedes over TCP) so `npm start` needs no external broker (issue 3 §1).
 * MQTT 3.1.1, in-memory sessions, no shared subscriptions (use an external broker for several
 * gateway instances).
 *
 * Acknowledged after stored (issue 11 §8): aedes writes a QoS 1 PUBACK to the publisher right after
 * `authorizePublish` calls back and before it delivers the message to any subscriber
 * (lib/handlers/publish.js, aedes 1.2), so a subscriber cannot hold the dock's PUBACK. The gateway
 * therefore takes its uplink here, in `authorizePublish` (aedes' public, asynchronous hook, see its
 * docs/Aedes.md): the uplink handler (`setUplinkHandler`, the MQTT core's `ingest`) stores the
 * message's effect, and only then is the publish authorised, acknowledged and delivered to other
 * subscribers. A gateway killed in between never acknowledged it; the dock's client sends it again
 * when it reconnects.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { parseUplinkTopic } from '../../spec/topics.js';
import { duplexPair } from './in-process.js';

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
   * Route every client PUBLISH on an uplink topic (spec/topics.ts `parseUplinkTopic`) through
   * `handler` before aedes acknowledges and delivers it; `handler` settles once the message's effect
   * is stored (it must not reject). null: acknowledge at once, as aedes does by default.
   */
  setUplinkHandler(handler: ((topic: string, payload: Buffer) => Promise<void>) | null): void;
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
  let uplink: ((topic: string, payload: Buffer) => Promise<void>) | null = null;
  // Composed on top of whatever authorizePublish aedes was created with (its default refuses $SYS/
  // topics; an access-control hook refuses other docks' topics): only an authorised uplink message
  // goes to the handler.
  const authorize = aedes.authorizePublish;
  aedes.authorizePublish = (client, packet, callback) => {
    authorize.call(aedes, client, packet, (err) => {
      const handler = uplink;
      if (err || !client || !handler || parseUplinkTopic(packet.topic) === null) return callback(err ?? null);
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      handler(packet.topic, payload).then(
        () => callback(null),
        () => callback(null),
      );
    });
  };
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
    setUplinkHandler(handler) {
      uplink = handler;
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
