/**
 * Device layer. Device posture (MDM compliance) is a Zero Trust tier feature that needs an
 * identity-provider token carrying a device id; until that provider integration exists, every
 * tier passes here and the audit entry says the device was not checked.
 */
import type { Principal } from "../identity/authenticate.ts";

export interface DeviceVerdict {
  checked: boolean;
  deviceId: string | null;
}

export function checkDevice(_principal: Principal, _headers: Headers): DeviceVerdict {
  return { checked: false, deviceId: null };
}
