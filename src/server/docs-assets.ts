/**
 * Swagger UI for `/api/v1/docs`, served from files embedded in the binary: an air-gapped
 * appliance cannot load the CDN copy the OpenAPI plugin links by default.
 */

import stylesPath from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import bundlePath from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };

export const DOCS_ASSET_PREFIX = "/api/v1/docs/assets";

const ASSETS: Record<string, { path: string; type: string }> = {
  "swagger-ui-bundle.js": { path: bundlePath, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { path: stylesPath, type: "text/css; charset=utf-8" },
};

export function docsAsset(name: string): Response | undefined {
  const asset = ASSETS[name];
  if (!asset) return undefined;
  return new Response(Bun.file(asset.path), {
    headers: { "content-type": asset.type, "cache-control": "public, max-age=86400" },
  });
}
