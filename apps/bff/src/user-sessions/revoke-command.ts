import { parseArgs } from "node:util";
import { ConfigError } from "../config-problems.js";
import { loadRedisSettings, type RedisEnv } from "../session/redis-config.js";
import { createRedisStore } from "../session/redis-store.js";
import { tombstoneTtlMs } from "../session/session-keys.js";
import { createRedisBroadcast } from "./broadcast.js";
import { SessionIndex } from "./session-index.js";

export const USAGE = `Usage:
  pnpm run sessions -- revoke --tid <tenant id> --oid <object id>   end one user's sessions
  pnpm run sessions -- revoke --all                                 end every session

Runs against the configured store (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, from the
environment or .env). Ended sessions stop working at once on every instance, and open browsers
are told through the event stream.`;

export interface CommandResult {
  exitCode: number;
  output: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `sessions revoke …`: for an incident ("disable this account now"). */
export async function runSessionsCommand(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<CommandResult> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { exitCode: 2, output: `${(error as Error).message}\n\n${USAGE}` };
  }
  if (parsed.help) return { exitCode: 0, output: USAGE };
  let redis: ReturnType<typeof loadRedisSettings>;
  try {
    redis = loadRedisSettings(env as RedisEnv);
  } catch (error) {
    if (error instanceof ConfigError) return { exitCode: 2, output: error.message };
    throw error;
  }
  if (!redis) {
    return {
      exitCode: 2,
      output:
        "No shared store is configured (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): sessions live in " +
        "the memory of the running BFF, which this command cannot reach. Restart the BFF to end every " +
        "session, or configure Redis.",
    };
  }
  const store = createRedisStore(redis);
  const events = createRedisBroadcast(redis);
  const idpTimeoutMs = Number(env.IDP_TIMEOUT_MS ?? 10_000);
  const index = new SessionIndex({ kv: store, events, tombstoneMs: tombstoneTtlMs(idpTimeoutMs) });
  try {
    const ended = parsed.all ? await index.endAll() : await index.endUser(parsed.tid, parsed.oid);
    const who = parsed.all ? "in the store" : `of user ${parsed.oid} in tenant ${parsed.tid}`;
    return { exitCode: 0, output: `Ended ${ended} session${ended === 1 ? "" : "s"} ${who}.` };
  } catch (error) {
    return { exitCode: 1, output: `Could not end sessions: ${(error as Error).message}` };
  } finally {
    await events.close();
    await store.close();
  }
}

type Parsed =
  | { help: true }
  | { help: false; all: true }
  | { help: false; all: false; tid: string; oid: string };

function parse(argv: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: argv.filter((arg) => arg !== "--"),
    options: {
      all: { type: "boolean" },
      tid: { type: "string" },
      oid: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { help: true };
  if (positionals.length !== 1 || positionals[0] !== "revoke")
    throw new Error("Expected the command `revoke`.");
  if (values.all) {
    if (values.tid || values.oid) throw new Error("--all cannot be combined with --tid/--oid.");
    return { help: false, all: true };
  }
  const { tid, oid } = values;
  if (!tid || !oid) throw new Error("revoke needs --tid and --oid, or --all.");
  if (!GUID.test(tid) || !GUID.test(oid))
    throw new Error("--tid and --oid are GUIDs (the tid and oid claims).");
  return { help: false, all: false, tid: tid.toLowerCase(), oid: oid.toLowerCase() };
}
