// Bare Fastify returning a fixed JSON body: the floor for `GET /api/session`.
// Usage: node --import tsx bare-json.ts '<json body>'  → prints {"ready":true,"url":...}
import Fastify from "fastify";

const body = JSON.parse(process.argv[2] ?? '{"authenticated":false}') as unknown;
const app = Fastify({ logger: false });
app.get("/api/session", async () => body);
const url = await app.listen({ host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ ready: true, url }));
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
