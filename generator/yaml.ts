/**
 * A small, fast, deterministic YAML 1.2 writer for JSON data (the OpenAPI document).
 *
 * Output rules: block mappings and
 * sequences; strings plain when unambiguous, literal blocks (`|-` / `|`) for multi-line text, else
 * double-quoted with JSON escapes (a JSON string literal is a valid YAML double-quoted scalar);
 * keys in insertion order. The tests parse the output back with `yaml` and compare.
 */
// Why not `yaml`'s `stringify`: on the 1,000-command benchmark catalog it dominated regeneration
// time; this writer is linear (bench/README.md, generator).

const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~|-|\.inf|-\.inf|\.nan|<<)$/i;
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_ .,/()$+@=-]*$/;
const NUMBERISH = /^[-+]?(?:\d|\.\d)/;

function isPlain(s: string): boolean {
  return (
    s.length > 0 &&
    s.length < 200 &&
    PLAIN.test(s) &&
    !RESERVED.test(s) &&
    !NUMBERISH.test(s) &&
    !s.endsWith(' ') &&
    !s.includes(' #') &&
    !s.includes(': ')
  );
}

function scalarString(s: string, indent: string): string {
  if (isPlain(s)) return s;
  // Literal block for multi-line prose: no CR, no control chars, first line not starting with a space.
  // (YAML takes the block's indentation from its first non-empty line, so that line must not
  // start with whitespace, and whitespace-only lines could confuse it: quote those instead.)
  const lines = s.split('\n');
  const firstText = lines.find((l) => l.length > 0) ?? '';
  if (
    lines.length > 1 &&
    !/[\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s) &&
    !/^[ \t]/.test(firstText) &&
    !lines.some((l) => l.length > 0 && l.trim() === '') &&
    !s.endsWith('\n\n')
  ) {
    const chomp = s.endsWith('\n') ? '' : '-';
    const body = s.endsWith('\n') ? s.slice(0, -1) : s;
    const pad = indent + '  ';
    return `|${chomp}\n` + body.split('\n').map((l) => (l.length ? pad + l : '')).join('\n');
  }
  return JSON.stringify(s);
}

function key(k: string): string {
  return isPlain(k) ? k : JSON.stringify(k);
}

function scalar(v: unknown, indent: string): string | null {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return scalarString(v, indent);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`yaml: non-finite number ${v}`);
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (Array.isArray(v) && v.length === 0) return '[]';
      if (!Array.isArray(v) && Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).length === 0) return '{}';
      return null;
    default:
      throw new Error(`yaml: cannot serialise ${typeof v}`);
  }
}

function write(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalar(item, indent + '  ');
      if (s !== null) {
        out.push(`${indent}- ${s}\n`);
        continue;
      }
      // Nested collection: first line goes after "- ".
      const sub: string[] = [];
      write(item, indent + '  ', sub);
      const text = sub.join('');
      out.push(`${indent}- ${text.slice(indent.length + 2)}`);
    }
    return;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === undefined) continue;
    const s = scalar(val, indent);
    if (s !== null) out.push(`${indent}${key(k)}: ${s}\n`);
    else {
      out.push(`${indent}${key(k)}:\n`);
      write(val, Array.isArray(val) ? indent : indent + '  ', out);
    }
  }
}

/** Serialise JSON data (object at the root) as YAML. Throws on functions, symbols, bigint, non-finite numbers. */
export function toYaml(value: Record<string, unknown>): string {
  const s = scalar(value, '');
  if (s !== null) return s + '\n';
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}
