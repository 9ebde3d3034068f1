// The floor for any BFF: bare Fastify forwarding `GET /api/me` to Graph `/v1.0/me` with one fixed
// bearer token over a keep-alive undici Pool. No session, no token cache, no CSRF check. It asks
// Graph for the same `$select` as the BFF, so both put the same work on the emulator.
// Usage: GRAPH_ME_URL=... ACCESS_TOKEN=... node --import tsx bare-proxy.ts → prints {"ready":true,"url":...}
import Fastify from "fastify";
import { Pool } from "undici";
import { PROFILE_FIELDS } from "../../../packages/contracts/src/profile.js";

const graphMe = new URL(process.env.GRAPH_ME_URL ?? "");
const token = process.env.ACCESS_TOKEN ?? "";
if (!token) throw new Error("ACCESS_TOKEN is required");

const mePath = `${graphMe.pathname}?$select=${PROFILE_FIELDS.join(",")}`;
const pool = new Pool(graphMe.origin, { connections: 64, pipelining: 1 });
const app = Fastify({ logger: false });
app.get("/api/me", async (_req, reply) => {
  const res = await pool.request({
    method: "GET",
    path: mePath,
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  });
  const text = await res.body.text();
  return reply.code(res.statusCode).type("application/json").send(text);
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ ready: true, url }));
process.once("SIGTERM", () => void Promise.all([app.close(), pool.close()]).then(() => process.exit(0)));
