import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./load.ts";

function dirWithConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kestra-config-"));
  writeFileSync(join(dir, "kestra.config.yaml"), yaml);
  return dir;
}

describe("configuration", () => {
  test("with no file at all, runs on the contract's defaults", () => {
    const cwd = mkdtempSync(join(tmpdir(), "kestra-config-"));

    const { config, file } = loadConfig({ env: {}, cwd });

    expect(file).toBeUndefined();
    expect(config.server.listen).toBe("127.0.0.1:8080");
    expect(config.server.public_url).toBe("http://127.0.0.1:8080");
    expect(config.data_dir).toBe("./data");
    expect(config.master_key_file).toBe("data/master.key");
    expect(config.tier).toBe("soho");
    expect(config.bootstrap.admin_email).toBe("admin@localhost");
    expect(config.pat.upstream_url).toBe("https://api.anthropic.com");
    expect(config.log.level).toBe("info");
  });

  test("the environment wins over the file", () => {
    const cwd = dirWithConfig("server:\n  listen: 127.0.0.1:9000\nlog:\n  level: debug\n");

    const { config } = loadConfig({ env: { KESTRA_LISTEN: "0.0.0.0:7000" }, cwd });

    expect(config.server.listen).toBe("0.0.0.0:7000");
    expect(config.log.level).toBe("debug");
  });

  test("an unknown key stops the start, naming the key", () => {
    const cwd = dirWithConfig("server:\n  listen: 127.0.0.1:9000\n  listne: x\n");

    expect(() => loadConfig({ env: {}, cwd })).toThrow(/unknown field 'server\.listne'/);
  });

  test("a wrong type stops the start, naming the key and the expected type", () => {
    const cwd = dirWithConfig("server:\n  trust_proxy: yes please\n");

    expect(() => loadConfig({ env: {}, cwd })).toThrow(
      /server\.trust_proxy: expected boolean, received string/,
    );
  });

  test("a bad environment value names the variable it came from", () => {
    const cwd = dirWithConfig("tier: soho\n");

    expect(() => loadConfig({ env: { KESTRA_LOG_LEVEL: "verbose" }, cwd })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { KESTRA_LOG_LEVEL: "verbose" }, cwd })).toThrow(
      /\(from KESTRA_LOG_LEVEL\): log\.level/,
    );
  });

  test("tiers whose identity checks this version lacks refuse to start", () => {
    const cwd = mkdtempSync(join(tmpdir(), "kestra-config-"));

    expect(() => loadConfig({ env: { KESTRA_TIER: "bank" }, cwd })).toThrow(/Entra ID/);
  });

  test("an explicit --config path that does not exist is an error, not the defaults", () => {
    expect(() => loadConfig({ path: "/nonexistent/kestra.yaml", env: {}, cwd: "/" })).toThrow(
      /config file not found/,
    );
  });
});
