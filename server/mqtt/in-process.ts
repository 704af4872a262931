/**
 * In-process MQTT connections to the embedded broker. aedes serves any duplex stream and mqtt.js
 * accepts a stream builder, so a client living in the broker's own process can talk to it over a
 * pair of in-memory streams instead of loopback TCP: no syscalls, no kernel buffers, no Nagle.
 * The gateway's MQTT core and the mock's simulated docks use it; everything outside the process
 * (real docks, the simulator CLI, other tools) still connects over TCP. The packets are the same
 * MQTT 3.1.1 bytes either way, parsed by the same libraries.
 *
 */
// Why in memory rather than loopback TCP: the socket syscalls of publishes and PUBACKs were a
// measurable share of the gateway's and the mock's CPU (bench/README.md, "in-memory link").
import { Duplex } from 'node:stream';

/**
 * Two connected in-memory duplex streams: bytes written to one are read from the other. Ending or
 * destroying one side ends the other (the peer sees 'end' then 'close', as a closed socket's does).
 * No backpressure is applied between the two sides, like a socket with unbounded kernel buffers.
 */
export function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const peer = (i: number) => sides[1 - i];
  const make = (i: number) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        peer(i).push(chunk);
        cb();
      },
      writev(chunks, cb) {
        peer(i).push(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
        cb();
      },
      final(cb) {
        peer(i).push(null);
        cb();
      },
      destroy(err, cb) {
        const p = peer(i);
        if (!p.destroyed) {
          p.push(null);
          p.destroy();
        }
        cb(err);
      },
    });
  sides.push(make(0), make(1));
  return [sides[0], sides[1]];
}
