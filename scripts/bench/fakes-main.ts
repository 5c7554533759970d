/**
 * Runs both fakes in a process of their own, so that in the direct runs the load generator
 * and the fake do not share one event loop: the binary never shares it either, and a shared
 * loop would make "direct" cheaper than any real upstream. Prints the URLs as one JSON line.
 */
import { startFakeAnthropic } from "../../test/fakes/anthropic.ts";
import { startFakeZendesk } from "../../test/fakes/zendesk.ts";

const anthropic = await startFakeAnthropic();
const zendesk = startFakeZendesk();
process.stdout.write(`${JSON.stringify({ anthropic: anthropic.url, zendesk: zendesk.url })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all([anthropic.stop(), zendesk.stop()]);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
// The parent holds our stdin open; when it dies without signalling us, stdin ends and we go
// too, so a crashed bench leaves no fake listening behind.
process.stdin.on("end", () => void stop());
process.stdin.resume();
