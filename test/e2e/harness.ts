/**
 * Black-box harness for the compiled `kestra` binary: starts it on a free port with a fresh
 * data directory, waits for `/healthz`, captures stdout and stderr (JSON log lines), and stops
 * it with SIGTERM. Nothing here imports `src/`: these tests see only what a user sees.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "..", "..");
export const BOOTSTRAP_EMAIL = "admin@localhost";
export const BOOTSTRAP_PASSWORD = "e2e-bootstrap-password-0001";

/** Upper bound for the binary to become healthy; a guard against hangs, not an assertion. */
const STARTUP_DEADLINE_MS = 20_000;
const POLL_INTERVAL_MS = 50;
const PORT_ATTEMPTS = 3;

export function kestraBinary(): string {
  const configured = process.env.KESTRA_BINARY ?? "dist/kestra";
  const path = isAbsolute(configured) ? configured : join(REPO_ROOT, configured);
  if (!existsSync(path)) {
    throw new Error(
      `kestra binary not found at ${path}: run \`npm run build\` first ` +
        "(or point KESTRA_BINARY at a built binary)",
    );
  }
  return path;
}

const createdDirs: string[] = [];

/** A fresh directory, removed by `removeTempDirs` (set KESTRA_E2E_KEEP=1 to keep it). */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kestra-e2e-${label}-`));
  createdDirs.push(dir);
  return dir;
}

/** For each test file's afterAll, once its processes have stopped (bun:test has no exit hook). */
export function removeTempDirs(): void {
  if (process.env.KESTRA_E2E_KEEP) return;
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function freePort(): Promise<number> {
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { data() {} },
  });
  const { port } = listener;
  listener.stop(true);
  return port;
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `deadlineMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  deadlineMs = 10_000,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Accumulates a child's output as it arrives, so tests can read it while the child runs. */
class OutputCapture {
  private text = "";
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = this.drain(stream);
  }

  private async drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) this.text += decoder.decode(chunk, { stream: true });
    this.text += decoder.decode();
  }

  read(): string {
    return this.text;
  }
}

export type LogLine = Record<string, unknown> & { level?: string; msg?: string };

export function parseLogLines(text: string): LogLine[] {
  return text
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

export interface StartOptions {
  /** Extra environment; `null` removes a variable the harness would otherwise set. */
  env?: Record<string, string | null>;
  /** Working directory; a fresh temp dir by default, so no stray kestra.config.yaml is read. */
  cwd?: string;
  /** Data directory; a fresh temp dir by default. `null` leaves KESTRA_DATA_DIR unset. */
  dataDir?: string | null;
  binary?: string;
  args?: string[];
  /** Leave KESTRA_LISTEN unset and expect the default address, 127.0.0.1:8080. */
  defaultListen?: boolean;
}

export interface KestraProcess {
  url: string;
  port: number;
  dataDir: string | null;
  cwd: string;
  stdout(): string;
  stderr(): string;
  logs(): LogLine[];
  /** SIGTERM, then the exit code once the process has gone. */
  stop(): Promise<number>;
}

/** The parent's environment minus anything KESTRA_* or ANTHROPIC_* that could leak in. */
export function cleanEnv(extra: Record<string, string | null> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(KESTRA|ANTHROPIC)_/.test(name)) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

export const DEFAULT_PORT = 8080;

export async function startKestra(options: StartOptions = {}): Promise<KestraProcess> {
  if (options.defaultListen) return startOnPort(DEFAULT_PORT, options);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      return await startOnPort(port, options);
    } catch (error) {
      lastError = error as Error;
      // Another process may have taken the port between probe and bind; try a new one.
      if (!/in use|EADDRINUSE/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error("could not start kestra");
}

async function startOnPort(port: number, options: StartOptions): Promise<KestraProcess> {
  const dataDir = options.dataDir === undefined ? tempDir("data") : options.dataDir;
  const cwd = options.cwd ?? tempDir("cwd");
  const env = cleanEnv({
    ...(options.defaultListen ? {} : { KESTRA_LISTEN: `127.0.0.1:${port}` }),
    KESTRA_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
    ...(dataDir === null ? {} : { KESTRA_DATA_DIR: dataDir }),
    ...options.env,
  });
  const child = Bun.spawn([options.binary ?? kestraBinary(), ...(options.args ?? ["serve"])], {
    cwd,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stdout = new OutputCapture(child.stdout);
  const stderr = new OutputCapture(child.stderr);
  const url = `http://127.0.0.1:${port}`;

  await waitForHealth(url, () => child.exitCode, stderr).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });

  return {
    url,
    port,
    dataDir,
    cwd,
    stdout: () => stdout.read(),
    stderr: () => stderr.read(),
    logs: () => parseLogLines(stderr.read()),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await child.exited;
      await Promise.all([stdout.done, stderr.done]);
      return code;
    },
  };
}

async function waitForHealth(
  url: string,
  exitCode: () => number | null,
  stderr: OutputCapture,
): Promise<void> {
  const until = Date.now() + STARTUP_DEADLINE_MS;
  while (Date.now() < until) {
    const code = exitCode();
    if (code !== null) {
      await stderr.done;
      throw new Error(`kestra exited with ${code} before it was healthy:\n${stderr.read()}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`kestra was not healthy at ${url} in time:\n${stderr.read()}`);
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A command expected to end by itself is killed after this; a guard, not an assertion. */
const COMMAND_DEADLINE_MS = 20_000;

/** Runs a short-lived command (`version`, `init`, a `serve` expected to fail) to its end. */
export async function runKestra(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | null>; binary?: string } = {},
): Promise<CommandResult> {
  const child = Bun.spawn([options.binary ?? kestraBinary(), ...args], {
    cwd: options.cwd ?? tempDir("cwd"),
    env: cleanEnv(options.env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // A `serve` that wrongly starts would otherwise run forever; SIGKILL shows as a failure.
    timeout: COMMAND_DEADLINE_MS,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}
