import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestAppliance, type TestAppliance } from "./appliance.ts";

let appliance: TestAppliance;
beforeAll(async () => {
  appliance = await startTestAppliance();
});
afterAll(() => appliance.stop());

describe("admin API resources", () => {
  test("create answers 201 with the object; lists page as {data, next_cursor}", async () => {
    const { call } = appliance.admin;
    const created = [];
    for (const name of ["a", "b", "c"]) {
      created.push(await call("POST", "/roles", { name, tools: { "zendesk__*": "allow" } }));
    }

    const first = await call("GET", "/roles?limit=2");
    const second = await call("GET", `/roles?limit=2&cursor=${first.body.next_cursor}`);

    expect(created.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(created[0]?.body).toMatchObject({ id: expect.stringMatching(/^rol_/), name: "a" });
    expect((first.body.data as { name: string }[]).map((role) => role.name)).toEqual(["a", "b"]);
    expect((second.body.data as { name: string }[]).map((role) => role.name)).toEqual(["c"]);
    expect(second.body.next_cursor).toBeNull();
  });

  test("duplicates are 409, unknown ids 404, deletes 204", async () => {
    const { call } = appliance.admin;
    const role = await call("POST", "/roles", { name: "dup" });

    const duplicate = await call("POST", "/roles", { name: "dup" });
    const deleted = await call("DELETE", `/roles/${role.body.id}`);
    const missing = await call("GET", `/roles/${role.body.id}`);

    expect(duplicate).toMatchObject({ status: 409, body: { error: { type: "conflict_error" } } });
    expect(deleted.status).toBe(204);
    expect(missing).toMatchObject({ status: 404, body: { error: { type: "not_found_error" } } });
  });

  test("a bad body is a 400 naming the field, and never echoes what was sent", async () => {
    const { call } = appliance.admin;

    const answer = await call("POST", "/pat-keys", {
      label: "x",
      key: "sk-ant-api03-echo-me-never-000000",
      model_allowlist: "claude",
      colour: "blue",
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: "invalid_request_error", code: 400 });
    const message = String((answer.body.error as { message: string }).message);
    expect(message).toContain("model_allowlist");
    expect(message).toContain("colour");
    expect(JSON.stringify(answer.body)).not.toContain("echo-me-never");
  });

  test("PAT keys answer with key_hint only, and the change log records who did what", async () => {
    const { call } = appliance.admin;
    const secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz-wxyz";

    const created = await call("POST", "/pat-keys", { label: "Prod", key: secret });
    const listed = await call("GET", "/pat-keys");

    expect(created.body).toMatchObject({ key_hint: "sk-ant-…wxyz", status: "ACTIVE" });
    expect(JSON.stringify(created.body) + JSON.stringify(listed.body)).not.toContain(secret);
    const revoked = await call("DELETE", `/pat-keys/${created.body.id}`);
    expect(revoked.status).toBe(204);
    expect((await call("GET", `/pat-keys/${created.body.id}`)).body.status).toBe("REVOKED");
  });

  test("an org API key is shown once; listings show only its hint", async () => {
    const { call } = appliance.admin;

    const created = await call("POST", "/api-keys", { name: "ci" });
    const listed = await call("GET", "/api-keys");

    expect(String(created.body.key)).toMatch(/^org_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(listed.body)).not.toContain(String(created.body.key));
    expect(JSON.stringify(listed.body)).toContain(String(created.body.key_hint));
  });

  test("every admin call but login needs a valid token", async () => {
    const none = await fetch(`${appliance.baseUrl}/api/v1/roles`);
    const forged = await fetch(`${appliance.baseUrl}/api/v1/roles`, {
      headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln" },
    });
    const badLogin = await fetch(`${appliance.baseUrl}/api/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@localhost", password: "wrong" }),
    });

    expect([none.status, forged.status, badLogin.status]).toEqual([401, 401, 401]);
    expect(await badLogin.json()).toMatchObject({
      error: { message: "invalid email or password" },
    });
  });
});

describe("admin sessions", () => {
  test("changing a password ends the tokens issued before it", async () => {
    const { call } = appliance.admin;
    const password = "second-admin-password-1";
    const user = await call("POST", "/users", {
      email: "second@example.com",
      name: "Second",
      is_admin: true,
      password,
    });
    const login = await fetch(`${appliance.baseUrl}/api/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "second@example.com", password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const asSecond = { authorization: `Bearer ${token}` };
    expect((await fetch(`${appliance.baseUrl}/api/v1/roles`, { headers: asSecond })).status).toBe(
      200,
    );

    await call("PUT", `/users/${user.body.id}`, { password: "a-brand-new-password-2" });
    const after = await fetch(`${appliance.baseUrl}/api/v1/roles`, { headers: asSecond });

    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({
      error: { message: expect.stringContaining("log in again") },
    });
  });
});

describe("request log", () => {
  test("one line per request names the org and the actor, and holds no token", async () => {
    await appliance.admin.call("GET", "/roles");

    const lines = appliance.logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const last = lines
      .filter((line) => line.msg === "request" && line.path === "/api/v1/roles")
      .at(-1);
    expect(last).toMatchObject({
      method: "GET",
      status: 200,
      org_id: expect.stringMatching(/^org_/),
      actor: expect.stringMatching(/^usr_/),
      request_id: expect.stringMatching(/^req_/),
    });
    expect(appliance.logger.lines.join("\n")).not.toContain(appliance.admin.token);
  });
});

describe("API documentation", () => {
  test("serves the OpenAPI document and a docs UI whose assets are local", async () => {
    const spec = await (await fetch(`${appliance.baseUrl}/api/v1/openapi.json`)).json();
    const page = await (await fetch(`${appliance.baseUrl}/api/v1/docs`)).text();
    const bundle = await fetch(`${appliance.baseUrl}/api/v1/docs/assets/swagger-ui-bundle.js`);

    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/pat-keys/",
        "/api/v1/connectors/{id}/test",
        "/api/v1/audit/",
      ]),
    );
    expect(page).toContain("/api/v1/docs/assets/swagger-ui-bundle.js");
    expect(page).not.toMatch(/https?:\/\/(unpkg|cdn)/);
    expect(bundle.status).toBe(200);
  });
});
