import { describe, expect, test } from "bun:test";
import { fixedClock } from "../lib/clock.ts";
import { LoginThrottle } from "./login-throttle.ts";

describe("login throttle", () => {
  test("refuses with 429 and a retry-after after ten failures, until the window passes", () => {
    const clock = fixedClock(0);
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < 10; i++) throttle.recordFailure(["email:a@x", "ip:1.2.3.4"]);

    const refusal = (() => {
      try {
        throttle.check(["email:b@x", "ip:1.2.3.4"]);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    clock.advance(15 * 60 * 1000);

    expect(refusal).toMatchObject({
      type: "rate_limit_error",
      status: 429,
      retryAfterSeconds: 900,
    });
    expect(() => throttle.check(["email:a@x", "ip:1.2.3.4"])).not.toThrow();
  });

  test("a successful login clears its email's count", () => {
    const throttle = new LoginThrottle(fixedClock(0));
    for (let i = 0; i < 9; i++) throttle.recordFailure(["email:a@x"]);

    throttle.recordSuccess("email:a@x");
    throttle.recordFailure(["email:a@x"]);

    expect(() => throttle.check(["email:a@x"])).not.toThrow();
  });
});
