/** Markdown helpers for the documentation text the OpenAPI document carries (tag pages, field tables). */
import type { Field } from '../../spec/types.js';
import { fieldDescription, flattenFields, typeLabel } from '../schema.js';
import type { CodeSample } from './samples.js';

/** Escape text for one Markdown table cell. */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n+/g, '<br>').trim();
}

/** A table of catalog fields (nested ones as `a.b` / `a[].b`), or a sentence for no fields. */
export function fieldRows(fields: Record<string, Field>): string {
  const rows = flattenFields(fields);
  if (!rows.length) return 'Empty object `{}`: the command takes no parameters.\n';
  const lines = ['| Field | Type | Required | Description |', '|---|---|---|---|'];
  for (const r of rows) {
    const d = fieldDescription(r.field) + (r.field.deprecated ? '\n\n**Deprecated.**' : '');
    lines.push(`| \`${r.path}\` | ${cell(typeLabel(r.field))} | ${r.required ? 'yes' : 'no'} | ${cell(d)} |`);
  }
  return lines.join('\n') + '\n';
}

/** The samples as `#### <label>` sections with fenced code. */
export function samplesSection(samples: CodeSample[]): string {
  const fence: Record<string, string> = { Shell: 'bash', TypeScript: 'typescript', Go: 'go' };
  return samples.map((s) => `#### ${s.label}\n\n\`\`\`${fence[s.lang] ?? ''}\n${s.source.trimEnd()}\n\`\`\`\n`).join('\n');
}
