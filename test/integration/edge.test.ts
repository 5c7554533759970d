import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { provisionSupportDesk, startTestAppliance, type TestAppliance } from "./appliance.ts";

let appliance: TestAppliance;
beforeAll(async () => {
  appliance = await startTestAppliance();
});
afterAll(() => appliance.stop());

/** A raw HTTP/1.1 exchange, so the Host header can be anything a client might send. */
function rawRequest(head: string): Promise<string> {
  const { hostname, port } = new URL(appliance.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
}

describe("HTTP edge", () => {
  test("a short Host header does not change how a path is routed", async () => {
    const answer = await rawRequest(
      "POST /v1/api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
    );

    expect(answer).not.toContain("access_token");
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  test("health answers behind a short Host too", async () => {
    const answer = await rawRequest(
      "GET /healthz HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n",
    );

    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });

  test("a chunked body over 32 MB is refused too, once it has been read that far", async () => {
    const { orgKey } = await provisionSupportDesk(appliance);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 33) controller.enqueue(chunk);
        else controller.close();
      },
    });

    const response = await fetch(`${appliance.baseUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": orgKey },
      body,
    });

    expect(response.status).toBe(413);
    expect(appliance.anthropic.requests).toHaveLength(0);
  });

  test("a body over 32 MB is refused with the contract's envelope", async () => {
    const response = await fetch(`${appliance.baseUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Uint8Array(33 * 1024 * 1024),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      type: "error",
      error: { type: "request_too_large", code: 413 },
    });
  });
});
