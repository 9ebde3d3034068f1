import http from "node:http";
import https from "node:https";

/** What the sign-in driver needs of an HTTP response. */
export interface SimpleResponse {
  status: number;
  location: string | undefined;
  text: string;
}

export type SimpleRequest = (
  url: string,
  init?: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
) => Promise<SimpleResponse>;

/**
 * A minimal HTTP(S) client that never follows redirects and, for https, trusts `ca` (the
 * emulator's own CA; it only talks to the emulator). Global fetch cannot take a CA without undici's
 * dispatcher, and the emulator's callers should not need NODE_EXTRA_CA_CERTS to drive it.
 */
export function simpleRequest(ca?: string): SimpleRequest {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === "https:" ? https : http;
      const options = {
        method: init.method ?? "GET",
        headers: init.headers ?? {},
        ...(target.protocol === "https:" && ca ? { ca } : {}),
      };
      const req = transport.request(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      req.on("error", reject);
      // A test driving a stuck server fails with a message instead of hanging.
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${target.origin} in 30 s`)));
      req.end(init.body);
    });
}
