/** The store contract on the in-memory store, plus what only it promises: copies in and out, and opening it by URL. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/index.js';
import { MemoryStore, openMemoryStore } from '../../server/store/memory/store.js';
import { StoreUnavailableError } from '../../server/store/types.js';
import { at, command, credential, deviceRequest, describeStoreContract } from './contract.js';

describeStoreContract('memory', openMemoryStore);

describe('memory store specifics', () => {
  it('keeps its own copies: mutating what went in or came out changes nothing stored', async () => {
    const store = await openMemoryStore();
    const c = command({ payload: { a: { b: [1] } }, wire_data: { x: 1 } });
    const out = await store.createCommand(c);
    const stored = JSON.parse(JSON.stringify(out.command));
    (c.payload.a as { b: number[] }).b.push(2);
    c.wire_data.x = 2;
    (out.command.payload.a as { b: number[] }).b.push(3);
    const got = await store.getCommand(c.command_id);
    expect(got).toEqual(stored);
    expect(got?.payload).toEqual({ a: { b: [1] } });
    got!.messages.push({ topic: 't', received_at: at(1), applied: false, message: {} });
    got!.status = 'FAILED';
    expect(await store.getCommand(c.command_id)).toEqual(stored);

    const m = { topic: 't', received_at: at(2), applied: true, message: { n: 1 } };
    const moved = await store.transitionCommand(c.command_id, ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(2) }, m);
    m.message.n = 2;
    moved!.messages[0].message = 'changed';
    expect((await store.getCommand(c.command_id))?.messages).toEqual([{ topic: 't', received_at: at(2), applied: true, message: { n: 1 } }]);

    const cred = credential({ scopes: ['open:command:read'], allowed_devices: ['DOCK-1'] });
    await store.createCredential(cred);
    cred.scopes.push('open:command:create');
    cred.allowed_devices!.push('DOCK-2');
    const gotCred = await store.getCredential(cred.api_id);
    expect(gotCred).toMatchObject({ scopes: ['open:command:read'], allowed_devices: ['DOCK-1'] });
    gotCred!.scopes.length = 0;
    expect((await store.getCredential(cred.api_id))?.scopes).toEqual(['open:command:read']);

    const r = deviceRequest();
    const inserted = await store.insertDeviceRequest(r);
    (r.inbound_payload.data as Record<string, unknown>).config_type = 'changed';
    (inserted.inbound_payload.data as Record<string, unknown>).config_scope = 'changed';
    expect((await store.getDeviceRequest(r.request_id))?.inbound_payload.data).toEqual({ config_type: 'json', config_scope: 'product' });
    await store.close();
  });

  it('gives every open its own empty store', async () => {
    const a = await openMemoryStore();
    await a.createCommand(command());
    const b = await openMemoryStore();
    expect(await b.countPending()).toBe(0);
    expect(await a.countPending()).toBe(1);
    await a.close();
    await b.close();
  });

  it('rejects with StoreUnavailableError once closed, and ping says false', async () => {
    const store = await openMemoryStore();
    await store.close();
    await expect(store.getCommand('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.createCommand(command())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.ping()).toBe(false);
  });

  describe('openStore', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-store-mem-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('opens the memory store for DATABASE_URL=memory: and writes nothing to the data folder', async () => {
      const store = await openStore({ dataDir, databaseUrl: 'memory:' });
      expect(store).toBeInstanceOf(MemoryStore);
      expect(store.kind).toBe('memory');
      expect((await store.createCommand(command())).kind).toBe('created');
      await store.close();
      expect(readdirSync(dataDir)).toEqual([]);
      await expect(openStore({ dataDir, databaseUrl: 'memory:x' })).rejects.toThrow(/or be memory:/);
    });
  });
});
