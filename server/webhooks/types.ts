/** Small shared types of the webhook modules. */
import type { lookup } from 'node:dns';

/** node:dns `lookup`'s shape (injectable resolution for tests). */
export type dnsLookup = typeof lookup;
