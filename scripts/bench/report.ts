/** Turns the runs into the table printed to stdout and the `docs/benchmarks.md` page. */
import { cpus, platform, release, totalmem } from "node:os";
import { type LoadResult, percentile } from "./load.ts";

export interface ScenarioResult {
  name: string;
  concurrency: number;
  direct: LoadResult;
  proxied: LoadResult;
  /** Failed requests of both targets, warm-up and preflight included. */
  failures: number;
}

export interface RunFacts {
  requestsPerRun: number;
  warmupPerRun: number;
  wallSeconds: number;
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");
const perSecond = (run: LoadResult) => run.latenciesMs.length / (run.elapsedMs / 1000);

function row(result: ScenarioResult): string[] {
  const { direct, proxied } = result;
  const d50 = percentile(direct.latenciesMs, 50);
  const d99 = percentile(direct.latenciesMs, 99);
  const p50 = percentile(proxied.latenciesMs, 50);
  const p99 = percentile(proxied.latenciesMs, 99);
  const directRate = perSecond(direct);
  const proxiedRate = perSecond(proxied);
  const counts =
    direct.latenciesMs.length === proxied.latenciesMs.length
      ? String(direct.latenciesMs.length)
      : `${direct.latenciesMs.length}/${proxied.latenciesMs.length}`;
  return [
    result.name,
    String(result.concurrency),
    counts,
    ms(d50),
    ms(d99),
    ms(p50),
    ms(p99),
    ms(p50 - d50),
    ms(p99 - d99),
    directRate.toFixed(0),
    proxiedRate.toFixed(0),
    (proxiedRate / directRate).toFixed(2),
    String(result.failures),
  ];
}

const HEADER = [
  "Scenario",
  "Conc.",
  "Requests",
  "Direct p50 ms",
  "Direct p99 ms",
  "Proxied p50 ms",
  "Proxied p99 ms",
  "Added p50 ms",
  "Added p99 ms",
  "Direct req/s",
  "Proxied req/s",
  "Proxied/direct",
  "Failures",
];

/** A Markdown table, padded so it also reads well as plain text on a terminal. */
export function table(results: readonly ScenarioResult[]): string {
  const rows = [HEADER, ...results.map(row)];
  const widths = HEADER.map((_, column) =>
    Math.max(...rows.map((cells) => (cells[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  const [head, ...body] = rows.map(line);
  return [head, rule, ...body].join("\n");
}

function machineFacts(): string[] {
  const cores = cpus();
  const memoryGiB = (totalmem() / 1024 ** 3).toFixed(1);
  return [
    `- CPUs (\`os.cpus().length\`): ${cores.length}, model: ${cores[0]?.model ?? "unknown"}`,
    `- OS: ${platform()} ${release()}, memory: ${memoryGiB} GiB`,
    `- Bun: ${Bun.version}; Node.js compatibility (\`process.versions.node\`): ` +
      `${process.versions.node}`,
  ];
}

export function markdown(results: readonly ScenarioResult[], facts: RunFacts): string {
  const date = new Date().toISOString();
  return `# Benchmarks

Produced by \`npm run bench\` (\`scripts/bench.ts\`); rerun it to refresh this page.

- Date: ${date}
${machineFacts().join("\n")}
- Wall time of the whole bench: ${facts.wallSeconds.toFixed(1)} s

## Method

Each scenario sends the same request once straight to a local fake upstream ("direct") and
once through the compiled \`dist/kestra\` binary ("proxied"): \`POST /v1/messages\` (small,
non-streaming JSON) to the fake Anthropic API, and an MCP \`tools/call\` of
\`zendesk__list_tickets\` to \`POST /v1/mcp\`, compared with the
\`GET /api/v2/tickets.json?page[size]=25\` the connector itself sends to the fake Zendesk.
Per target and concurrency level, ${facts.warmupPerRun} warm-up requests are followed by
${facts.requestsPerRun} measured ones from a closed loop of workers using \`fetch\` with
keep-alive over 127.0.0.1; latency is timed with \`performance.now()\` around the whole
exchange including the body. "Added" is the proxied percentile minus the direct one (not a
per-request difference), and throughput is completed requests over the run's wall time. The
load generator, the fakes (in their own Bun process) and the binary share one small machine,
so these numbers come from a single noisy run: they show the order of magnitude of the
gateway's overhead and are not targets.

## Results

${table(results)}
`;
}
