import type { ConnectorDeps } from "../connectors/service.ts";
import type { LoginDeps } from "../identity/login-service.ts";
import type { RequestContexts } from "../server/request-context.ts";

export interface AdminApiDeps extends LoginDeps, ConnectorDeps {
  contexts: RequestContexts;
}
