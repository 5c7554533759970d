/**
 * Reads a request body up to a size limit, whatever its framing: a Content-Length is checked
 * at the edge, but a chunked body only reveals its size as it arrives.
 */
import { KestraError } from "./errors.ts";

export async function readBodyWithin(request: Request, maxBytes: number): Promise<ArrayBuffer> {
  const reader = request.body?.getReader();
  if (!reader) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new KestraError("request_too_large", `request body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out.buffer;
}
