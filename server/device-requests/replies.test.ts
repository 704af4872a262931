/** Unit tests of `requests_reply` data shaping (pure functions). */
import { describe, expect, it } from 'vitest';
import { deviceRequestsByType } from '../../spec/requests.js';
import { CONFIG_REPLY_DEFAULTS, autoReplyData, autoReplyRecord, redactReply, replyData, requestReplyMessage } from './replies.js';

describe('requests_reply data', () => {
  it('config is answered automatically with flat data, configured values over the defaults', () => {
    const data = autoReplyData(deviceRequestsByType.get('config'), { config: { app_id: '1', app_key: 'k' } });
    expect(data).toEqual({ ...CONFIG_REPLY_DEFAULTS, app_id: '1', app_key: 'k' });
  });

  it('types without auto_reply get no automatic data', () => {
    expect(autoReplyData(deviceRequestsByType.get('storage_config_get'), {})).toBeNull();
    expect(autoReplyData(undefined, {})).toBeNull();
  });

  it('the stored copy of an automatic reply hides the app secrets, the published data keeps them', () => {
    const data = { ...CONFIG_REPLY_DEFAULTS, app_key: 'k', app_license: 'lic' };
    expect(redactReply(data)).toMatchObject({ app_key: '***', app_license: '***' });
    expect(data.app_key).toBe('k');
    const rec = autoReplyRecord(data, '2026-04-22T12:00:00.000Z');
    expect(rec).toMatchObject({ reply_code: '0', reply_source: 'auto', replied_at: '2026-04-22T12:00:00.000Z' });
    expect(rec.standardized_reply).toMatchObject({ app_key: '***' });
  });

  it('manual replies are wrapped unless the type is flat', () => {
    expect(replyData('airport_bind_status', '0', { bind_status: [] })).toEqual({ result: 0, output: { bind_status: [] } });
    expect(replyData('config', '0', { ntp_server_host: 'h' })).toEqual({ ntp_server_host: 'h' });
  });

  it('the message echoes the request tid, bid and method', () => {
    const req = { tid: 't', bid: 'b', request_type: 'config' } as Parameters<typeof requestReplyMessage>[0];
    expect(requestReplyMessage(req, { a: 1 })).toMatchObject({ tid: 't', bid: 'b', method: 'config', data: { a: 1 } });
  });
});
