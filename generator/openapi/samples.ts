/**
 * Per-command code samples (issue 2 §3): cURL (bash + openssl), TypeScript with the client package's
 * per-command helper, and Go (standard library only). Each signs the request exactly as
 * docs/signing.md / spec/signing.ts define: HMAC-SHA256 over the 8-line canonical string, with the
 * body hashed byte for byte as sent (the samples build the body once and send those bytes).
 *
 * They are attached as `x-codeSamples` to each `CreateCommand_<command_type>` variant and to the
 * create-command operation, and rendered on each command's documentation section.
 */
import { CLIENT_PACKAGE } from '../../spec/api.js';
import type { CommandDef } from '../../spec/types.js';

/** One Redoc `x-codeSamples` entry. */
export interface CodeSample {
  /** Highlighting language (Redoc): `Shell`, `TypeScript`, `Go`. */
  lang: 'Shell' | 'TypeScript' | 'Go';
  /** Tab label. */
  label: 'cURL' | 'TypeScript' | 'Go';
  source: string;
}

/** Where the samples send: the first server's URL and the create-command operation's path. */
export interface SampleTarget {
  baseUrl: string;
  path: string;
}

/** Quote for a POSIX shell single-quoted string. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** cURL sample: computes timestamp, nonce, body hash and signature with openssl, then sends the body bytes. */
export function curlSample(body: Record<string, unknown>, to: SampleTarget): string {
  const json = JSON.stringify(body);
  return [
    `# Needs DOCKGATE_API_ID and DOCKGATE_API_KEY in the environment, plus openssl (signing: docs/signing.md).`,
    `BASE_URL=\${DOCKGATE_URL:-${to.baseUrl}}`,
    `BODY=${shellQuote(json)}`,
    `TS=$(date +%s)`,
    `NONCE=$(openssl rand -hex 16)`,
    `BODY_SHA=$(printf '%s' "$BODY" | openssl dgst -sha256 -r | cut -d' ' -f1)`,
    `SIG=$(printf 'DOCKGATE-HMAC-SHA256\\nPOST\\n%s\\n\\n%s\\n%s\\n%s\\n%s' '${to.path}' "$DOCKGATE_API_ID" "$TS" "$NONCE" "$BODY_SHA" \\`,
    `  | openssl dgst -sha256 -hmac "$DOCKGATE_API_KEY" -r | cut -d' ' -f1)`,
    `curl -sS -X POST "$BASE_URL${to.path}" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Api-Id: $DOCKGATE_API_ID" \\`,
    `  -H "X-Api-Timestamp: $TS" \\`,
    `  -H "X-Api-Nonce: $NONCE" \\`,
    `  -H "X-Api-Signature: $SIG" \\`,
    `  --data-binary "$BODY"`,
    '',
  ].join('\n');
}

/** Render a JSON value as a TypeScript object literal (unquoted keys where they are identifiers). */
function tsLiteral(v: unknown, indent: string): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((x) => inner + tsLiteral(x, inner)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (!entries.length) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${tsLiteral(x, inner)}`).join(',\n')},\n${indent}}`;
}

/** Property access for a helper name (`client.commands.cover_open` or `client.commands['x-y']`). */
function member(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/**
 * TypeScript sample using the client package (`@dockgate/client`, built from
 * `generated/client/index.ts`): the per-command helper signs the request, then `waitForCommand`
 * long-polls until a terminal status.
 */
export function typescriptSample(c: CommandDef, body: Record<string, unknown>, to: SampleTarget): string {
  const args = { device_id: body.device_id, payload: body.payload, idempotency_key: body.idempotency_key };
  return [
    `import { createDockgateClient } from '${CLIENT_PACKAGE}';`,
    ``,
    `const client = createDockgateClient({`,
    `  baseUrl: process.env.DOCKGATE_URL ?? '${to.baseUrl}',`,
    `  apiId: process.env.DOCKGATE_API_ID!,`,
    `  apiKey: process.env.DOCKGATE_API_KEY!, // signs every request (docs/signing.md)`,
    `});`,
    ``,
    `const { data, error } = await client.commands${member(c.command_type)}(${tsLiteral(args, '')});`,
    `if (error) throw new Error(\`\${error.code}: \${error.message}\`);`,
    `const command = await client.waitForCommand(data.command_id, { timeoutMs: 60_000 });`,
    `console.log(command.status, command.response_code);`,
    ``,
  ].join('\n');
}

/** Go string literal for the body: a raw string unless it contains a backtick. */
function goString(s: string): string {
  return s.includes('`') ? JSON.stringify(s) : `\`${s}\``;
}

/** Go sample: standard library only; signs and sends the exact body bytes. */
export function goSample(body: Record<string, unknown>, to: SampleTarget): string {
  return `package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	baseURL := "${to.baseUrl}"
	apiID, apiKey := os.Getenv("DOCKGATE_API_ID"), os.Getenv("DOCKGATE_API_KEY")
	path := "${to.path}"
	body := []byte(${goString(JSON.stringify(body))})

	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonceBytes := make([]byte, 16)
	if _, err := rand.Read(nonceBytes); err != nil {
		panic(err)
	}
	nonce := hex.EncodeToString(nonceBytes)
	bodySum := sha256.Sum256(body)
	canonical := strings.Join([]string{
		"DOCKGATE-HMAC-SHA256", "POST", path, "", apiID, ts, nonce, hex.EncodeToString(bodySum[:]),
	}, "\\n")
	mac := hmac.New(sha256.New, []byte(apiKey))
	mac.Write([]byte(canonical))

	req, err := http.NewRequest("POST", baseURL+path, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Api-Id", apiID)
	req.Header.Set("X-Api-Timestamp", ts)
	req.Header.Set("X-Api-Nonce", nonce)
	req.Header.Set("X-Api-Signature", hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(out))
}
`;
}

/** The three samples of a command for a given create-command body (cURL, TypeScript, Go). */
export function codeSamples(c: CommandDef, body: Record<string, unknown>, to: SampleTarget): CodeSample[] {
  return [
    { lang: 'Shell', label: 'cURL', source: curlSample(body, to) },
    { lang: 'TypeScript', label: 'TypeScript', source: typescriptSample(c, body, to) },
    { lang: 'Go', label: 'Go', source: goSample(body, to) },
  ];
}
