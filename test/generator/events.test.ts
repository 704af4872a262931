/**
 * The event catalog in the document (issue 13 item 1): one top-level `webhooks` entry per event
 * type of spec/api/events.ts, each delivering its own variant with a valid example; `DockgateEvent`
 * is the union discriminated by `type`; the event list's items are that union; a copy of the
 * definition with one more event type gets one more webhook, variant and mapping (no per-event code).
 */
import { describe, expect, it } from 'vitest';
import { buildContext } from '../../generator/generate.js';
import { eventComponent, EVENTS } from '../../spec/api.js';
import { ajvFor, catalog } from './helpers.js';

const cat = await catalog();
const { openapi: doc } = buildContext(cat);
const validate = ajvFor(doc);

describe('events in the OpenAPI document', () => {
  it('has one webhook per event type, delivering its variant, with an example that validates', () => {
    const webhooks = doc.webhooks as Record<string, { post: any }>;
    expect(Object.keys(webhooks)).toEqual(EVENTS.map((e) => e.type));
    for (const e of EVENTS) {
      const post = webhooks[e.type]!.post;
      const media = post.requestBody.content['application/json'];
      expect(media.schema).toEqual({ $ref: `#/components/schemas/${eventComponent(e.type)}` });
      expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      const v = validate(eventComponent(e.type));
      expect(v(media.example), `${e.type}: ${JSON.stringify(v.errors)}`).toBe(true);
      expect(validate('DockgateEvent')(media.example), e.type).toBe(true);
      // Another type's example is not this variant.
      const other = EVENTS.find((x) => x.type !== e.type)!;
      expect(v({ ...media.example, type: other.type })).toBe(false);
    }
  });

  it('DockgateEvent is a discriminated union of every variant, and EventList items are DockgateEvent', () => {
    const u = doc.components.schemas.DockgateEvent as any;
    expect(u.discriminator.propertyName).toBe('type');
    expect(Object.keys(u.discriminator.mapping)).toEqual(EVENTS.map((e) => e.type));
    expect((doc.components.schemas.EventList as any).properties.items.items).toEqual({ $ref: '#/components/schemas/DockgateEvent' });
  });

  it('walks the catalog: one more event type in a copy of the definition is one more webhook and variant', () => {
    const extra = { type: 'dock.cover_jammed', summary: 'Test-only', emitted: 'never', data: { type: 'object', properties: { sn: { type: 'string' } } }, example: { sn: 'x' } };
    const { openapi } = buildContext({ ...cat, api: { ...cat.api, events: [...cat.api.events, extra] } });
    expect(Object.keys(openapi.webhooks as object)).toContain('dock.cover_jammed');
    expect(openapi.components.schemas.DockCoverJammedEvent).toBeDefined();
    expect(() => buildContext({ ...cat, api: { ...cat.api, events: [...cat.api.events, { ...extra, type: 'Bad Type' }] } })).toThrow(/not <subject>.<name>/);
  });
});
