/**
 * The binary alone: copied into an empty directory (no node_modules, no config, no repo
 * around it) and started there with defaults, it creates `./data`, writes and names the
 * initial admin password file, and serves the proxy and the gateway as in the repo.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic.ts";
import { type FakeZendesk, startFakeZendesk } from "../fakes/zendesk.ts";
import { adminLogin } from "./admin-client.ts";
import {
  type KestraProcess,
  kestraBinary,
  removeTempDirs,
  startKestra,
  tempDir,
} from "./harness.ts";
import { connectMcp, toolResultJson } from "./mcp-client.ts";
import { ALLOWED_MODEL, PAT_SECRET, type Provisioned, provision, ZENDESK_TOKEN } from "./stack.ts";
import { textOf } from "./twin.ts";

let anthropic: FakeAnthropic;
let zendesk: FakeZendesk;
let kestra: KestraProcess;
let home: string;
let setup: Provisioned;

beforeAll(async () => {
  anthropic = await startFakeAnthropic({ apiKeys: [PAT_SECRET] });
  zendesk = startFakeZendesk({ apiToken: ZENDESK_TOKEN });
  home = tempDir("portable");
  const binary = join(home, "kestra");
  copyFileSync(kestraBinary(), binary);
  chmodSync(binary, 0o755);
  kestra = await startKestra({
    binary,
    cwd: home,
    dataDir: null,
    env: {
      KESTRA_PAT_UPSTREAM_URL: anthropic.url,
      KESTRA_BOOTSTRAP_PASSWORD: null,
      NODE_PATH: null,
    },
  });
  // The only way in on a fresh install: the password file the first start wrote.
  const admin = await adminLogin(kestra.url, readFileSync(passwordFile(), "utf8").trim());
  setup = await provision(admin, zendesk.url);
});

afterAll(async () => {
  await kestra?.stop();
  await Promise.all([anthropic?.stop(), zendesk?.stop()]);
  removeTempDirs();
});

const passwordFile = () => join(home, "data", "initial-admin-password");

describe("the binary copied alone into an empty directory", () => {
  test("runs with nothing beside it: no node_modules, no config", () => {
    const entries = readdirSync(home).sort();
    expect(entries).toEqual(["data", "kestra"]);
  });

  test("creates ./data with the database and the master key", () => {
    expect(existsSync(join(home, "data", "kestra.db"))).toBe(true);
    expect((statSync(join(home, "data", "master.key")).mode & 0o777).toString(8)).toBe("600");
  });

  test("writes the admin password to ./data/initial-admin-password (0600), and logs where", () => {
    expect((statSync(passwordFile()).mode & 0o777).toString(8)).toBe("600");
    const created = kestra.logs().find((line) => line.initial_login_file !== undefined);
    // The data dir defaults to ./data, so the path may be relative to the working directory.
    expect(resolve(home, String(created?.initial_login_file))).toBe(passwordFile());
    expect(created?.admin_email).toBe("admin@localhost");
    const password = readFileSync(passwordFile(), "utf8").trim();
    expect(kestra.stderr()).not.toContain(password);
  });

  test("the admin logged in with that password and set up PAT, connector, role, key", () => {
    expect(setup.orgKey).toMatch(/^org_/);
    expect(setup.connector.status).toBe("ACTIVE");
  });

  test("serves a proxied Claude call with the SDK", async () => {
    const sdk = new Anthropic({ apiKey: setup.orgKey, baseURL: `${kestra.url}/v1`, maxRetries: 0 });

    const message = await sdk.messages.create({
      model: ALLOWED_MODEL,
      max_tokens: 32,
      messages: [{ role: "user", content: "from an empty dir" }],
    });

    expect(textOf(message)).toBe("Echo: from an empty dir");
    expect(anthropic.requests.at(-1)?.headers.authorization).toBe(`Bearer ${PAT_SECRET}`);
  });

  test("serves an MCP tool call", async () => {
    const { client } = await connectMcp(kestra.url, { "x-api-key": setup.orgKey });

    const result = (await client.callTool({
      name: "zendesk__list_tickets",
      arguments: {},
    })) as CallToolResult;
    await client.close();

    const body = toolResultJson(result) as { tickets: unknown[] };
    expect(body.tickets.length).toBe(zendesk.tickets.size);
  });
});

// The default address can only be checked when nothing else holds it on this machine.
const defaultPortFree = await isDefaultPortFree();

async function isDefaultPortFree(): Promise<boolean> {
  try {
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 8080, socket: { data() {} } });
    listener.stop(true);
    return true;
  } catch {
    return false;
  }
}

describe("kestra serve with no configuration at all", () => {
  test.skipIf(!defaultPortFree)(
    "listens on 127.0.0.1:8080 and logs where the admin password is",
    async () => {
      const cwd = tempDir("default");
      const server = await startKestra({
        cwd,
        dataDir: null,
        defaultListen: true,
        env: { KESTRA_BOOTSTRAP_PASSWORD: null },
      });
      const listening = server.logs().find((line) => line.msg === "listening");
      const created = server.logs().find((line) => line.initial_login_file !== undefined);
      const exitCode = await server.stop();

      expect(server.url).toBe("http://127.0.0.1:8080");
      expect(listening?.urls).toEqual(["http://127.0.0.1:8080"]);
      const logged = resolve(cwd, String(created?.initial_login_file));
      expect(logged).toBe(join(cwd, "data", "initial-admin-password"));
      expect(existsSync(join(cwd, "data", "initial-admin-password"))).toBe(true);
      expect(exitCode).toBe(0);
    },
  );
});
