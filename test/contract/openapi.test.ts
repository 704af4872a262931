/**
 * The contract checker must fail on what the document does not describe; these fabricated
 * responses prove each kind of violation is caught, and that missing coverage is reported.
 */
import { describe, expect, it } from 'vitest';
import { Contract } from './openapi.js';
import { Recorder } from './recorder.js';

const contract = new Contract();
const BASE = 'http://127.0.0.1:1';
const COMMAND = {
  command_id: '3c9a9be3-c710-41a1-96c8-41bf4d684dff',
  status: 'SUCCEEDED',
  vendor: 'dji',
  device_id: 'D',
  gateway_sn: 'D',
  command_type: 'cover_open',
  payload: {},
  idempotency_key: 'k',
  timeout_seconds: 30,
  response_code: '0',
  response_message: null,
  vendor_response: { result: 0 },
  failure_code: null,
  failure_reason: null,
  progress: null,
  accepted_at: '2026-01-01T00:00:00.000Z',
  delivered_at: '2026-01-01T00:00:00.100Z',
  response_received_at: '2026-01-01T00:00:00.200Z',
  completed_at: '2026-01-01T00:00:00.200Z',
  updated_at: '2026-01-01T00:00:00.200Z',
};
const json = (extra: Record<string, string> = {}) => new Headers({ 'content-type': 'application/json', 'x-request-id': 'r1', ...extra });
const check = (method: string, path: string, status: number, headers: Headers, body: unknown) =>
  contract.check(method, BASE + path, status, headers, typeof body === 'string' ? body : JSON.stringify(body));

describe('Contract.check', () => {
  it('accepts a documented response', () => {
    const r = check('GET', `/api/v1/open/downlink/commands/${COMMAND.command_id}`, 200, json(), COMMAND);
    expect(r.violations).toEqual([]);
    expect(r.observation).toMatchObject({ operationId: 'getCommand', status: 200, code: null });
  });

  it('flags an undocumented status', () => {
    const r = check('GET', '/api/v1/open/downlink/commands', 404, json(), { code: 'NOT_FOUND', message: 'x', request_id: 'r1' });
    expect(r.violations[0].problem).toMatch(/status 404 is not documented for listCommands/);
  });

  it('flags a body the schema rejects (missing field, extra field, wrong format)', () => {
    const { progress: _omit, ...missing } = COMMAND;
    expect(check('GET', `/api/v1/open/downlink/commands/${COMMAND.command_id}`, 200, json(), missing).violations[0].problem).toMatch(/progress/);
    const extra = check('POST', '/api/v1/open/downlink/commands', 202, json(), { command_id: COMMAND.command_id, status: 'ACCEPTED', accepted_at: COMMAND.accepted_at, secret: 1 });
    expect(extra.violations[0].problem).toMatch(/additional properties/);
    const format = check('POST', '/api/v1/open/downlink/commands', 202, json(), { command_id: 'nope', status: 'ACCEPTED', accepted_at: COMMAND.accepted_at });
    expect(format.violations[0].problem).toMatch(/uuid/);
  });

  it('flags an error code not documented for that status, a request_id that differs from X-Request-Id, a missing X-Request-Id', () => {
    const wrongCode = check('GET', '/api/v1/open/downlink/commands', 400, json(), { code: 'UNSUPPORTED_VENDOR', message: 'x', request_id: 'r1' });
    expect(wrongCode.violations.map((v) => v.problem).join()).toMatch(/UNSUPPORTED_VENDOR is not documented for listCommands 400/);
    const rid = check('GET', '/api/v1/open/downlink/commands', 400, json(), { code: 'VALIDATION_FAILED', message: 'x', request_id: 'other' });
    expect(rid.violations[0].problem).toMatch(/differs from X-Request-Id/);
    const noRid = check('GET', '/api/v1/open/downlink/commands', 200, new Headers({ 'content-type': 'application/json' }), { items: [], next_cursor: null });
    expect(noRid.violations[0].problem).toMatch(/X-Request-Id is missing/);
  });

  it('flags a wrong media type, a non-JSON body and a bad declared header value', () => {
    expect(check('GET', '/api/v1/open/downlink/commands', 200, json({ 'content-type': 'text/html' }), { items: [], next_cursor: null }).violations[0].problem).toMatch(/content-type/);
    expect(check('GET', '/api/v1/open/downlink/commands', 200, json(), '<html>').violations[0].problem).toMatch(/not JSON/);
    const replayed = check('POST', '/api/v1/open/downlink/commands', 202, json({ 'idempotent-replayed': 'yes' }), { command_id: COMMAND.command_id, status: 'ACCEPTED', accepted_at: COMMAND.accepted_at });
    expect(replayed.violations[0].problem).toMatch(/Idempotent-Replayed/);
  });

  it('ignores routes outside the document (mock-only endpoints)', () => {
    expect(check('GET', '/mock/v1/docks', 200, json(), { items: [] })).toEqual({ observation: null, violations: [] });
  });
});

describe('Recorder coverage', () => {
  it('reports every documented outcome, command type and scenario still missing, minus exemptions', () => {
    const r = new Recorder('unit', contract);
    const all = contract.documentedOutcomes();
    const missing = r.missing({ commandTypes: ['cover_open'], scenarios: ['timeout'], exempt: new Map() });
    expect(missing.outcomes).toHaveLength(all.length);
    expect(missing.commandTypes).toEqual(['cover_open']);
    expect(missing.scenarios).toEqual(['timeout']);
    r.noteTerminal('cover_open', 'SUCCEEDED');
    r.noteScenario('timeout', 'x');
    const exempt = new Map(all.map((o) => [`${o.operationId} ${o.status}${o.code ? ' ' + o.code : ''}`, 'unit']));
    expect(r.missing({ commandTypes: ['cover_open'], scenarios: ['timeout'], exempt })).toEqual({ outcomes: [], commandTypes: [], scenarios: [] });
    expect(r.report({ commandTypes: ['cover_open'], scenarios: ['timeout'], exempt: new Map() })).toContain('MISS');
  });
});
