/**
 * The command line of the compiled binary: `version`, `init`, and the ways `serve` refuses to
 * start (an unknown or mistyped config key, a master key that does not open the data dir).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminLogin } from "./admin-client.ts";
import { freePort, REPO_ROOT, removeTempDirs, runKestra, startKestra, tempDir } from "./harness.ts";

/** Environment for a `serve` expected to fail: if it wrongly starts, not on a shared port. */
async function failingServeEnv(extra: Record<string, string | null>) {
  return { KESTRA_LISTEN: `127.0.0.1:${await freePort()}`, ...extra };
}

afterAll(removeTempDirs);

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

function writeConfig(yaml: string): string {
  const path = join(tempDir("config"), "kestra.config.yaml");
  writeFileSync(path, yaml);
  return path;
}

describe("kestra version", () => {
  test("prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));

    const result = await runKestra(["version"]);

    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(`kestra ${version}`);
  });
});

describe("kestra init", () => {
  test("writes kestra.config.yaml, master.key (0600) beside data/ and how to log in", async () => {
    const dir = join(tempDir("init"), "fortress");

    const result = await runKestra(["init", "--dir", dir]);

    expect(result.exitCode).toBe(0);
    expect(existsSync(join(dir, "kestra.config.yaml"))).toBe(true);
    expect(modeOf(join(dir, "master.key"))).toBe("600");
    expect(readFileSync(join(dir, "master.key"), "utf8").trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(result.stdout).toContain("admin@localhost");
    expect(result.stdout).toContain(join(dir, "data", "initial-admin-password"));
  });

  test("refuses to overwrite an existing config or master key", async () => {
    const dir = tempDir("init-twice");
    expect((await runKestra(["init", "--dir", dir])).exitCode).toBe(0);
    const key = readFileSync(join(dir, "master.key"), "utf8");

    const again = await runKestra(["init", "--dir", dir]);

    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain("already exists");
    expect(readFileSync(join(dir, "master.key"), "utf8")).toBe(key);
  });

  test("serve --config with the written config starts on its data dir and master key", async () => {
    const dir = tempDir("init-serve");
    await runKestra(["init", "--dir", dir]);
    const key = readFileSync(join(dir, "master.key"), "utf8");

    const kestra = await startKestra({
      args: ["serve", "--config", join(dir, "kestra.config.yaml")],
      dataDir: null,
    });
    const admin = await adminLogin(kestra.url);
    const exitCode = await kestra.stop();

    expect(admin.token.length).toBeGreaterThan(0);
    expect(exitCode).toBe(0);
    expect(existsSync(join(dir, "data", "kestra.db"))).toBe(true);
    expect(readFileSync(join(dir, "master.key"), "utf8")).toBe(key);
  });
});

describe("kestra serve refuses a bad configuration", () => {
  test("an unknown top-level key stops the start, naming the key", async () => {
    const config = writeConfig("tier: soho\nsurprise_key: 1\n");

    const result = await runKestra(["serve", "--config", config], {
      env: await failingServeEnv({ KESTRA_DATA_DIR: tempDir("data") }),
    });

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("surprise_key");
  });

  test("an unknown nested key stops the start, naming its dotted path", async () => {
    const config = writeConfig('server:\n  listn: "127.0.0.1:9"\n');

    const result = await runKestra(["serve", "--config", config], {
      env: await failingServeEnv({ KESTRA_DATA_DIR: tempDir("data") }),
    });

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("server.listn");
  });

  test("a value of the wrong type stops the start, naming the key", async () => {
    const config = writeConfig("log:\n  level: 42\n");

    const result = await runKestra(["serve", "--config", config], {
      env: await failingServeEnv({ KESTRA_DATA_DIR: tempDir("data") }),
    });

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("log.level");
  });
});

describe("kestra serve refuses a master key that does not fit the data dir", () => {
  test("a different master key file fails with 'master key does not match'", async () => {
    const first = await startKestra();
    expect(await first.stop()).toBe(0);
    const otherKey = join(tempDir("key"), "other.key");
    writeFileSync(otherKey, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });

    const result = await runKestra(["serve"], {
      env: await failingServeEnv({
        KESTRA_DATA_DIR: first.dataDir,
        KESTRA_MASTER_KEY_FILE: otherKey,
      }),
    });

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("master key does not match this data directory");
  });

  test("a missing master key file on an existing data dir fails instead of re-keying", async () => {
    const first = await startKestra();
    expect(await first.stop()).toBe(0);
    const missing = join(tempDir("key"), "absent.key");

    const result = await runKestra(["serve"], {
      env: await failingServeEnv({
        KESTRA_DATA_DIR: first.dataDir,
        KESTRA_MASTER_KEY_FILE: missing,
      }),
    });

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("master key");
    expect(existsSync(missing)).toBe(false);
  });
});
