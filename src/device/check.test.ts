import { describe, expect, test } from "bun:test";
import { checkDevice } from "./check.ts";

describe("device layer", () => {
  test("passes every caller and says that no posture check ran", () => {
    const principal = {
      orgId: "org_1",
      apiKeyId: "key_1",
      userId: null,
      roleIds: [],
      patKeyId: null,
      keyStyle: "x-api-key" as const,
    };

    expect(checkDevice(principal, new Headers())).toEqual({ checked: false, deviceId: null });
  });
});
