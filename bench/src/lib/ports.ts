import { createServer } from "node:net";

/**
 * A currently free loopback port. For processes we cannot ask to listen on port 0 and report
 * back (the BFF, redis-server) — the tiny window before they bind is acceptable for a benchmark.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the free port's address"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
