/**
 * HMS alarms (docs/dji/hms.md): each `hms` event of a dock is the complete list of its active
 * alarms, so a report is diffed against the stored active alarms (store.fleet.applyHmsReport:
 * new → raised, missing → cleared). Message texts come from DJI's `hms.json` when the operator
 * points `HMS_MESSAGES_FILE` at it; without it an alarm shows its code.
 */
import { readFileSync } from 'node:fs';
import { isPlainObject } from '../mqtt/envelope.js';
import type { AlarmRecord, HmsItem } from '../store/types/fleet.js';

/** DJI reports at most 20 items; more is a malformed report (dropped and counted by the caller). */
export const MAX_HMS_ITEMS = 20;

const intOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/**
 * The items of an `hms` event `data`, or a reason string when `data.list` is not an array of at
 * most 20 objects with a string `code`. Unknown item fields are dropped; `args` is kept as sent.
 */
export function parseHmsReport(data: Record<string, unknown>): HmsItem[] | string {
  const list = data.list;
  if (!Array.isArray(list)) return '`data.list` must be an array';
  if (list.length > MAX_HMS_ITEMS) return `\`data.list\` holds ${list.length} items (at most ${MAX_HMS_ITEMS})`;
  const items: HmsItem[] = [];
  for (const it of list) {
    if (!isPlainObject(it) || typeof it.code !== 'string' || it.code === '' || it.code.length > 64) return 'every item needs a string `code` (1–64 characters)';
    items.push({
      code: it.code,
      level: intOrNull(it.level),
      module: intOrNull(it.module),
      in_the_sky: intOrNull(it.in_the_sky),
      imminent: intOrNull(it.imminent),
      device_type: typeof it.device_type === 'string' && it.device_type.length <= 32 ? it.device_type : null,
      args: isPlainObject(it.args) ? it.args : {},
    });
  }
  return items;
}

/** Per-language texts of one key of hms.json (`{zh, en, …}`). */
type Texts = Record<string, string>;

/**
 * The texts of DJI's hms.json. Keys: `dock_tip_{code}` for an alarm about a dock (device_type
 * domain 3), else `fpv_tip_{code}` and, for an alarm raised in flight, `fpv_tip_{code}_in_the_sky`
 * (tried first). Placeholders (as DJI's reference server fills them): `%alarmid` = hex of
 * `args.alarm_id`, `%component_index` = `args.component_index + 1`, `%index` = `args.sensor_index + 1`.
 */
export class HmsMessages {
  constructor(private readonly texts: ReadonlyMap<string, Texts>) {}

  /** No file: every alarm shows its code. */
  static none(): HmsMessages {
    return new HmsMessages(new Map());
  }

  /** Parse hms.json text. Throws with a clear message when it is not an object of per-language objects. */
  static parse(json: string): HmsMessages {
    const v = JSON.parse(json) as unknown;
    if (!isPlainObject(v)) throw new Error('HMS messages file must hold a JSON object (DJI hms.json)');
    const m = new Map<string, Texts>();
    for (const [k, t] of Object.entries(v)) {
      if (!isPlainObject(t)) continue;
      const texts: Texts = {};
      for (const [lang, s] of Object.entries(t)) if (typeof s === 'string') texts[lang] = s;
      m.set(k.toLowerCase(), texts);
    }
    return new HmsMessages(m);
  }

  /** Load `HMS_MESSAGES_FILE` (null → none). Throws naming the file when it cannot be read or parsed. */
  static load(file: string | null): HmsMessages {
    if (file === null) return HmsMessages.none();
    try {
      return HmsMessages.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`HMS_MESSAGES_FILE ${file}: ${(err as Error).message}`);
    }
  }

  get size(): number {
    return this.texts.size;
  }

  /** The keys tried for an alarm, in order. */
  static keysOf(a: Pick<HmsItem, 'code' | 'device_type' | 'in_the_sky'>): string[] {
    const code = a.code.toLowerCase();
    if ((a.device_type ?? '').split('-')[0] === '3') return [`dock_tip_${code}`];
    return a.in_the_sky === 1 ? [`fpv_tip_${code}_in_the_sky`, `fpv_tip_${code}`] : [`fpv_tip_${code}`];
  }

  /** The text of an alarm in `lang` (falling back to `zh`), placeholders filled; null when unknown. */
  message(a: Pick<AlarmRecord, 'code' | 'device_type' | 'in_the_sky' | 'args'>, lang = 'en'): string | null {
    for (const key of HmsMessages.keysOf(a)) {
      const t = this.texts.get(key);
      const s = t?.[lang] || t?.zh;
      if (s) return fill(s, a.args);
    }
    return null;
  }
}

function fill(text: string, args: Record<string, unknown>): string {
  const plusOne = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v + 1) : null);
  const values: Record<string, string | null> = {
    '%alarmid': typeof args.alarm_id === 'number' ? args.alarm_id.toString(16) : null,
    '%component_index': plusOne(args.component_index),
    '%index': plusOne(args.sensor_index),
  };
  // Longest placeholder first, so `%index` does not eat the start of a longer name.
  return text.replace(/%(alarmid|component_index|index)/g, (m) => values[m] ?? m);
}
