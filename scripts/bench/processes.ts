/**
 * Starts and stops the processes under test: the fakes (in their own Bun process) and the
 * compiled `dist/kestra` binary on a free port with a throwaway data directory.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export interface Fakes {
  anthropic: string;
  zendesk: string;
  stop(): Promise<void>;
}

export interface Binary {
  url: string;
  /** The last lines the binary wrote to stderr, for failure reports. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const FAKES_MAIN = join(import.meta.dir, "fakes-main.ts");

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILLs; never throws. */
async function terminate(child: Subprocess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const exited = await Promise.race([
    child.exited.then(() => true),
    Bun.sleep(graceMs).then(() => false),
  ]);
  if (!exited) {
    child.kill("SIGKILL");
    await child.exited;
  }
}

export async function startFakes(): Promise<Fakes> {
  const child = Bun.spawn([process.execPath, FAKES_MAIN], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the fakes process exited before printing its URLs: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  const urls = JSON.parse(text.slice(0, text.indexOf("\n"))) as {
    anthropic: string;
    zendesk: string;
  };
  return { ...urls, stop: () => terminate(child, 3000) };
}

export function resolveBinary(): string {
  const binary = process.env.KESTRA_BINARY ?? join(import.meta.dir, "..", "..", "dist", "kestra");
  if (!existsSync(binary)) {
    throw new Error(
      `no binary at ${binary}: run \`npm run build\` first (or set KESTRA_BINARY to a built one)`,
    );
  }
  return binary;
}

/** Asks the kernel for a free port; the tiny race before the binary binds it is acceptable. */
function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  if (port === undefined) throw new Error("could not find a free port");
  return port;
}

export async function startBinary(binary: string, upstream: string, password: string) {
  const root = mkdtempSync(join(tmpdir(), "kestra-bench-"));
  const logFile = join(root, "kestra.log");
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = Bun.spawn([binary, "serve"], {
    // The temp dir as cwd keeps the repo's kestra.config.yaml out of the measurement.
    cwd: root,
    env: {
      ...process.env,
      KESTRA_DATA_DIR: join(root, "data"),
      KESTRA_LISTEN: `127.0.0.1:${port}`,
      KESTRA_PAT_UPSTREAM_URL: upstream,
      KESTRA_BOOTSTRAP_PASSWORD: password,
      KESTRA_LOG_LEVEL: "warn",
    },
    stdin: "ignore",
    // The binary logs JSON lines to stderr only; stdout carries nothing in `serve`.
    stdout: "ignore",
    stderr: Bun.file(logFile),
  });
  const logTail = (lines = 20) => {
    const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  };
  const handle: Binary = {
    url,
    logTail,
    async stop() {
      await terminate(child, 5000);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await waitHealthy(url, child);
  } catch (error) {
    const tail = logTail();
    await handle.stop();
    throw new Error(`${(error as Error).message}\n--- binary log ---\n${tail}`);
  }
  return handle;
}

async function waitHealthy(url: string, child: Subprocess): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the binary exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await Bun.sleep(50);
  }
  throw new Error(`the binary did not answer ${url}/healthz within 15 s`);
}
