import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { provisionSupportDesk, startTestAppliance, type TestAppliance } from "./appliance.ts";

let appliance: TestAppliance;
let orgKey: string;
beforeAll(async () => {
  appliance = await startTestAppliance({ idle_timeout_seconds: 1 });
  orgKey = (await provisionSupportDesk(appliance)).orgKey;
});
afterAll(() => appliance.stop());

function openSocket(): Promise<Socket> {
  const { hostname, port } = new URL(appliance.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Resolves with how long the server took to close the socket, or null within `limitMs`. */
function closedWithin(socket: Socket, limitMs: number): Promise<number | null> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), limitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

describe("idle timeout", () => {
  test("after an authenticated answer, the kept-alive connection is held to it again", async () => {
    const socket = await openSocket();
    const answered = new Promise<void>((resolve) => socket.once("data", () => resolve()));
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    socket.write(
      "POST /v1/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        `Accept: application/json, text/event-stream\r\nx-api-key: ${orgKey}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await answered;

    // A second request that never finishes its headers must not keep the socket forever.
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const closedAfter = await closedWithin(socket, 8000);

    expect(closedAfter).not.toBeNull();
    socket.destroy();
  });
});
