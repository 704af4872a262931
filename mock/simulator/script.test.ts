/** The scripting API without a broker: which behaviour applies, and what a behaviour sends, in order. */
import { describe, expect, it } from 'vitest';
import { playBehaviour, scriptedBehaviour, type ReceivedCommand } from './script.js';
import type { DjiMessage, DockHost, HandledCommand, SentEvent } from './types.js';

function fakeHost(): DockHost & { out: { topic: string; message: DjiMessage }[] } {
  const out: { topic: string; message: DjiMessage }[] = [];
  return {
    sn: 'DOCK1',
    log: { info() {}, warn() {}, error() {} },
    out,
    closed: () => false,
    async send(topic, message) {
      out.push({ topic, message });
    },
    async sendEventMessage(message, into) {
      out.push({ topic: 'thing/product/DOCK1/events', message });
      const ev: SentEvent = { message, needReply: message.need_reply === 1, reply: null };
      into?.push(ev);
      return ev;
    },
    sleep: async () => {},
  };
}

function command(method: string, data: Record<string, unknown>, transport: 'services' | 'drc/down' = 'services'): { cmd: HandledCommand; received: ReceivedCommand } {
  const message = { tid: 't1', bid: 'b1', timestamp: 1, method, data, ...(transport === 'drc/down' ? { seq: 4 } : {}) };
  const cmd: HandledCommand = { topic: `thing/product/DOCK1/${transport}`, transport, method, tid: 't1', bid: 'b1', seq: message.seq, data, rule: null, result: 'pending', issues: [], reply: null, events: [], received_at: '', finished_at: null };
  return { cmd, received: { topic: cmd.topic, transport, tid: 't1', bid: 'b1', method, seq: message.seq, data, message } };
}

describe('scriptedBehaviour', () => {
  it('looks a map up by method (own keys only) and calls a function; null/undefined = not scripted', () => {
    const { received } = command('cover_open', {});
    expect(scriptedBehaviour({ cover_open: { result: 1 } }, received)).toEqual({ result: 1 });
    expect(scriptedBehaviour({ other: {} }, received)).toBeUndefined();
    expect(scriptedBehaviour({}, command('toString', {}).received)).toBeUndefined();
    expect(scriptedBehaviour(() => null, received)).toBeUndefined();
    expect(scriptedBehaviour(() => ({}), received)).toEqual({});
    expect(scriptedBehaviour(null, received)).toBeUndefined();
  });
});

describe('playBehaviour', () => {
  it('silent sends nothing', async () => {
    const host = fakeHost();
    const { cmd, received } = command('cover_open', {});
    expect(await playBehaviour(host, cmd, received, { silent: true })).toBe('silent');
    expect(host.out).toEqual([]);
  });

  it('progress before the reply, repeated reply on another gateway, then late replies', async () => {
    const host = fakeHost();
    const { cmd, received } = command('fly_to_point', { fly_to_id: 'F1' });
    const result = await playBehaviour(host, cmd, received, {
      topicSn: 'OTHER',
      bid: 'bX',
      repeat: 2,
      extraReplies: [{ result: 7 }],
      progress: { beforeReply: true, shape: 'flat', keyField: 'fly_to_id', method: 'fly_to_point_progress', percents: [30], terminal: 'wayline_ok', needReply: false },
    });
    expect(result).toBe('scripted');
    expect(host.out.map((o) => o.topic)).toEqual([
      'thing/product/DOCK1/events',
      'thing/product/DOCK1/events',
      'thing/product/OTHER/services_reply',
      'thing/product/OTHER/services_reply',
      'thing/product/OTHER/services_reply',
    ]);
    expect(host.out[0]!.message).toMatchObject({ method: 'fly_to_point_progress', bid: 'b1', need_reply: 0, data: { fly_to_id: 'F1', status: 'wayline_progress', result: 0, remaining_distance: 70 } });
    expect(host.out[1]!.message).toMatchObject({ data: { fly_to_id: 'F1', status: 'wayline_ok', result: 0 } });
    expect(host.out[2]!.message).toEqual({ tid: 't1', bid: 'bX', timestamp: expect.any(Number), gateway: 'OTHER', method: 'fly_to_point', data: { result: 0 } });
    expect(host.out[3]!.message).toBe(host.out[2]!.message);
    expect(host.out[4]!.message).toMatchObject({ data: { result: 7 } });
    expect(cmd.reply).toBe(host.out[2]!.message);
    expect(cmd.events).toHaveLength(2);
  });

  it('answers drc/down on drc/up with the seq (and the whole data as given)', async () => {
    const host = fakeHost();
    const { cmd, received } = command('heart_beat', { timestamp: 5 }, 'drc/down');
    await playBehaviour(host, cmd, received, { data: { timestamp: 5 } });
    expect(host.out).toEqual([{ topic: 'thing/product/DOCK1/drc/up', message: { method: 'heart_beat', timestamp: expect.any(Number), data: { timestamp: 5 }, seq: 4, tid: 't1', bid: 'b1' } }]);
  });
});
