/**
 * `npm run bench`: measures what the compiled gateway adds on top of its upstreams, against
 * local fakes, in one bounded run. It builds nothing; it needs `dist/kestra` (or
 * `KESTRA_BINARY`). Exits non-zero when any request fails; timings are reported, never judged.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FAKE_API_KEY } from "../test/fakes/anthropic.ts";
import { type Attempt, type LoadResult, runLoad } from "./bench/load.ts";
import {
  type Binary,
  type Fakes,
  resolveBinary,
  startBinary,
  startFakes,
} from "./bench/processes.ts";
import { provisionOrg } from "./bench/provision.ts";
import { markdown, type ScenarioResult, table } from "./bench/report.ts";
import { mcpAttempt, messagesAttempt, zendeskDirectAttempt } from "./bench/targets.ts";

const REQUESTS_PER_RUN = 2000;
const WARMUP_PER_RUN = 200;
// Caps per run so that a badly slow build still ends in about a minute and a half (direct
// runs take under a second); a capped run reports how many requests it got through.
const RUN_BUDGET_MS = 10_000;
const WARMUP_BUDGET_MS = 1500;
const ADMIN_PASSWORD = "bench-admin-password-0001";
const DOC_PATH = join(import.meta.dir, "..", "docs", "benchmarks.md");

interface Scenario {
  name: string;
  concurrency: number;
  direct: Attempt;
  proxied: Attempt;
}

function scenarios(fakes: Fakes, binary: Binary, orgKey: string): Scenario[] {
  const directMessages = messagesAttempt(fakes.anthropic, DEFAULT_FAKE_API_KEY);
  const proxiedMessages = messagesAttempt(binary.url, orgKey);
  const directTickets = zendeskDirectAttempt(fakes.zendesk);
  const proxiedTickets = mcpAttempt(binary.url, orgKey);
  const messages = { direct: directMessages, proxied: proxiedMessages };
  const tickets = { direct: directTickets, proxied: proxiedTickets };
  return [
    { name: "POST /v1/messages (JSON)", concurrency: 1, ...messages },
    { name: "POST /v1/messages (JSON)", concurrency: 64, ...messages },
    { name: "MCP tools/call zendesk__list_tickets", concurrency: 1, ...tickets },
    { name: "MCP tools/call zendesk__list_tickets", concurrency: 16, ...tickets },
  ];
}

/**
 * One request per target before any load: a setup mistake (say, the gateway answering a
 * JSON-RPC error) then stops the bench with its reason instead of 2000 identical failures.
 */
async function preflight(list: readonly Scenario[]): Promise<void> {
  const seen = new Set<Attempt>();
  for (const scenario of list) {
    for (const [target, attempt] of [
      ["direct", scenario.direct],
      ["proxied", scenario.proxied],
    ] as const) {
      if (seen.has(attempt)) continue;
      seen.add(attempt);
      const problem = await attempt();
      if (problem !== null) {
        throw new Error(`first ${target} request of "${scenario.name}" failed: ${problem}`);
      }
    }
  }
}

async function measure(attempt: Attempt, concurrency: number) {
  const warm = { total: WARMUP_PER_RUN, concurrency, budgetMs: WARMUP_BUDGET_MS };
  const warmup = await runLoad(warm, attempt);
  const plan = { total: REQUESTS_PER_RUN, concurrency, budgetMs: RUN_BUDGET_MS };
  const run = await runLoad(plan, attempt);
  return { run, failures: warmup.failures + run.failures, first: warmup.firstFailure };
}

function describeRun(label: string, run: LoadResult): string {
  const rate = run.latenciesMs.length / (run.elapsedMs / 1000);
  const cut = run.truncated ? " (time budget reached)" : "";
  return (
    `${label}: ${run.latenciesMs.length} in ${(run.elapsedMs / 1000).toFixed(1)} s, ` +
    `${rate.toFixed(0)} req/s, ${run.failures} failed${cut}`
  );
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const label = `${scenario.name} @${scenario.concurrency}`;
  const direct = await measure(scenario.direct, scenario.concurrency);
  console.log(`  ${describeRun(`${label} direct`, direct.run)}`);
  const proxied = await measure(scenario.proxied, scenario.concurrency);
  console.log(`  ${describeRun(`${label} proxied`, proxied.run)}`);
  for (const [target, measured] of [
    ["direct", direct],
    ["proxied", proxied],
  ] as const) {
    const first = measured.first ?? measured.run.firstFailure;
    if (first !== undefined) console.error(`  first ${target} failure: ${first}`);
  }
  return {
    name: scenario.name,
    concurrency: scenario.concurrency,
    direct: direct.run,
    proxied: proxied.run,
    failures: direct.failures + proxied.failures,
  };
}

// What is running, so that both the normal end and an interrupt can stop it.
const running: { fakes?: Fakes; binary?: Binary } = {};

async function stopAll(): Promise<void> {
  const { fakes, binary } = running;
  running.fakes = undefined;
  running.binary = undefined;
  await binary?.stop();
  await fakes?.stop();
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`bench: ${signal}, stopping the binary and the fakes`);
    void stopAll().then(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const began = performance.now();
  let binary: Binary | undefined;
  try {
    const binaryPath = resolveBinary();
    const fakes = await startFakes();
    running.fakes = fakes;
    binary = await startBinary(binaryPath, fakes.anthropic, ADMIN_PASSWORD);
    running.binary = binary;
    console.log(`binary ${binaryPath} listening on ${binary.url}`);
    const orgKey = await provisionOrg(binary.url, ADMIN_PASSWORD, fakes.zendesk);
    const list = scenarios(fakes, binary, orgKey);
    await preflight(list);

    const results: ScenarioResult[] = [];
    for (const scenario of list) results.push(await runScenario(scenario));

    const wallSeconds = (performance.now() - began) / 1000;
    console.log(`\n${table(results)}\n`);
    const facts = { requestsPerRun: REQUESTS_PER_RUN, warmupPerRun: WARMUP_PER_RUN, wallSeconds };
    writeFileSync(DOC_PATH, markdown(results, facts));
    console.log(`wrote ${DOC_PATH}`);
    // At log level warn a healthy run logs nothing, so any line here is worth a look.
    const log = binary.logTail(10);
    if (log !== "") console.log(`--- last lines of the binary's log ---\n${log}`);

    const failures = results.reduce((sum, result) => sum + result.failures, 0);
    if (failures > 0) {
      console.error(`bench: ${failures} request(s) failed; see the first failures above`);
      return 1;
    }
    return 0;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    // The binary's own words are usually the quickest way to the cause.
    if (binary) console.error(`--- last lines of the binary's log ---\n${binary.logTail()}`);
    return 1;
  } finally {
    await stopAll();
  }
}

process.exit(await main());
