/**
 * Secrets at rest: after an admin has stored a PAT and a Zendesk token and both have been
 * used, no file in the data directory (database, -wal and -shm included) holds either in the
 * clear, neither while the binary runs nor after a SIGTERM has checkpointed and closed it.
 * The log never carries them either.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { BOOTSTRAP_PASSWORD, removeTempDirs } from "./harness.ts";
import { connectMcp } from "./mcp-client.ts";
import { ALLOWED_MODEL, PAT_SECRET, type Stack, startStack, ZENDESK_TOKEN } from "./stack.ts";

let stack: Stack;
let dataDir: string;

beforeAll(async () => {
  stack = await startStack();
  if (!stack.kestra.dataDir) throw new Error("the stack runs with its own data dir");
  dataDir = stack.kestra.dataDir;
  await useEverySecret();
});

afterAll(async () => {
  await stack?.stop();
  removeTempDirs();
});

/** A proxied call (JSON and stream) decrypts the PAT; a tool call decrypts the Zendesk token. */
async function useEverySecret(): Promise<void> {
  const sdk = new Anthropic({ apiKey: stack.setup.orgKey, baseURL: stack.kestra.url });
  const params = {
    model: ALLOWED_MODEL,
    max_tokens: 32,
    messages: [{ role: "user" as const, content: "secrets at rest" }],
  };
  await sdk.messages.create(params);
  await sdk.messages.stream(params).finalMessage();

  const { client } = await connectMcp(stack.kestra.url, { "x-api-key": stack.setup.orgKey });
  await client.callTool({ name: "zendesk__list_tickets", arguments: {} });
  await client.close();
  if (stack.anthropic.requests.length !== 2) throw new Error("the PAT calls did not go upstream");
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

/** The secret as stored text could plausibly spell it: raw, base64 and hex. */
function spellings(secret: string): Buffer[] {
  const raw = Buffer.from(secret, "utf8");
  return [raw, Buffer.from(raw.toString("base64")), Buffer.from(raw.toString("hex"))];
}

function filesHolding(secret: string): string[] {
  const needles = spellings(secret);
  return filesUnder(dataDir).filter((file) => {
    const bytes = readFileSync(file);
    return needles.some((needle) => bytes.includes(needle));
  });
}

const secrets = () => ({
  PAT: PAT_SECRET,
  "Zendesk API token": ZENDESK_TOKEN,
  "org API key": stack.setup.orgKey,
  "bootstrap admin password": BOOTSTRAP_PASSWORD,
});

describe("secrets at rest", () => {
  test("while running, the data dir holds a database and WAL files to search", () => {
    const names = filesUnder(dataDir).map((file) => file.slice(dataDir.length + 1));

    expect(names).toContain("kestra.db");
    expect(names).toContain("master.key");
    expect(names.some((name) => name.endsWith("-wal"))).toBe(true);
  });

  test("the search finds what is stored in the clear (the PAT's label), so it can see", () => {
    expect(filesHolding("e2e team key").length).toBeGreaterThan(0);
  });

  test("while running, no file in the data dir holds a secret in the clear", () => {
    for (const [what, secret] of Object.entries(secrets())) {
      expect(filesHolding(secret), `${what} found in`).toEqual([]);
    }
  });

  test("the log never carries a secret", () => {
    const output = stack.kestra.stderr() + stack.kestra.stdout();
    expect(output.length).toBeGreaterThan(0);
    for (const [what, secret] of Object.entries(secrets())) {
      expect(output.includes(secret), `${what} in the log`).toBe(false);
    }
  });

  test("SIGTERM stops the binary with exit code 0", async () => {
    expect(await stack.kestra.stop()).toBe(0);
    expect(stack.kestra.logs().at(-1)?.msg).toBe("stopped");
  });

  test("after shutdown (WAL checkpointed), no file in the data dir holds a secret", async () => {
    await stack.kestra.stop();
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const [what, secret] of Object.entries(secrets())) {
      expect(filesHolding(secret), `${what} found in`).toEqual([]);
    }
  });

  test("the master key file is readable by its owner only", () => {
    const mode = statSync(join(dataDir, "master.key")).mode & 0o777;
    expect(mode.toString(8)).toBe("600");
  });
});
