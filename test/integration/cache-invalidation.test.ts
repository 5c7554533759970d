import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { provisionSupportDesk, startTestAppliance, type TestAppliance } from "./appliance.ts";

let appliance: TestAppliance;
let desk: Awaited<ReturnType<typeof provisionSupportDesk>>;

beforeAll(async () => {
  appliance = await startTestAppliance();
  desk = await provisionSupportDesk(appliance);
});
afterAll(() => appliance.stop());

async function listTools(key: string) {
  const response = await fetch(`${appliance.baseUrl}/v1/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "x-api-key": key,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  if (response.status !== 200) return response.status;
  const body = (await response.json()) as { result: { tools: { name: string }[] } };
  return body.result.tools.map((tool) => tool.name).sort();
}

describe("hot-path caches follow admin changes at once", () => {
  test("a role change shows in the very next tools/list", async () => {
    expect(await listTools(desk.orgKey)).toHaveLength(2);

    await appliance.admin.call("PUT", `/roles/${desk.role.body.id}`, {
      name: "Support Agent",
      tools: { "zendesk__*": "allow", zendesk__delete_ticket: "deny" },
    });

    expect(await listTools(desk.orgKey)).toEqual([
      "zendesk__create_ticket",
      "zendesk__get_ticket",
      "zendesk__list_tickets",
      "zendesk__update_ticket",
    ]);
  });

  test("a killed connector's tools disappear; a revoked key is refused at once", async () => {
    const keyAnswer = await appliance.admin.call("POST", "/api-keys", {
      name: "temp",
      role_id: desk.role.body.id,
    });
    const key = String(keyAnswer.body.key);
    expect(await listTools(key)).not.toEqual([]);

    await appliance.admin.call("POST", `/connectors/${desk.connector.body.id}/disable`);
    expect(await listTools(key)).toEqual([]);
    await appliance.admin.call("DELETE", `/api-keys/${keyAnswer.body.id}`);

    expect(await listTools(key)).toBe(401);
    const audit = await appliance.admin.call("GET", "/audit?type=admission");
    expect(audit.body.data).toContainEqual(
      expect.objectContaining({
        decision: "denied",
        reason: "authentication_error",
        actor: keyAnswer.body.id,
        product: "mcp",
      }),
    );
  });
});
