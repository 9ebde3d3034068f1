import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createMemoryStore } from "../src/session/memory-store.ts";
import { createRedisStore } from "../src/session/redis-store.ts";
import { SessionIndex } from "../src/user-sessions/session-index.ts";
import { createMemorySessionEvents } from "../src/user-sessions/session-events.ts";

const N = Number(process.env.N ?? 20000);
const perUser = Number(process.env.PER_USER ?? 1);
function auth(i: number) {
  const user = Math.floor(i / perUser);
  return {
    homeAccountId: "x", cacheKey: "x",
    user: { name: "n", username: "u", oid: `00000000-0000-0000-0000-${String(user).padStart(12, "0")}`, tid: "dcd219dd-bc68-4b9b-bf0b-4a33a796be35" },
    sid: randomUUID(), sub: `sub-${user}-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`.slice(0, 43),
    client: { browser: "Microsoft Edge", os: "Windows" },
    createdAt: Date.now(), expiresAt: Date.now() + 8 * 3600e3, lastSeenAt: Date.now(),
  };
}
const ids = Array.from({ length: N }, () => randomBytes(24).toString("base64url"));
const gc = (globalThis as { gc?: () => void }).gc!;
{
  const kv = createMemoryStore({ maxEntries: 1_000_000 });
  const index = new SessionIndex({ kv, events: createMemorySessionEvents(), tombstoneMs: 60000 });
  const auths = ids.map((_, i) => auth(i));
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) await index.put(ids[i]!, auths[i] as never, 3600e3);
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`memory store: ${((after - before) / N).toFixed(1)} bytes/session (N=${N}, ${perUser} per user)`);
  await kv.close();
}
if (process.env.REDIS_URL) {
  const raw = new Redis(process.env.REDIS_URL);
  await raw.flushall();
  const used = async () => Number(/used_memory:(\d+)/.exec(await raw.info("memory"))![1]);
  const kv = createRedisStore({ url: process.env.REDIS_URL, keyPrefix: "entra-bff:" });
  const index = new SessionIndex({ kv, events: createMemorySessionEvents(), tombstoneMs: 60000 });
  const before = await used();
  for (let i = 0; i < N; i++) await index.put(ids[i]!, auth(i) as never, 3600e3);
  const after = await used();
  console.log(`redis: ${((after - before) / N).toFixed(1)} bytes/session (N=${N}, ${perUser} per user)`);
  await kv.close(); raw.disconnect();
}
