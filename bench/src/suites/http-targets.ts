import { type ProfileSummary, summarizeProfiles } from "../lib/cpu-profile.js";
import type { LoadSummary } from "../lib/load.js";
import type { BenchOptions } from "../options.js";
import type { ProfileReport, RedisMemoryFigures, Skipped, TargetId } from "../report/results.js";
import { targetIds, targetLabels } from "../report/results.js";
import { type BffKind, bffKindLabels, HttpRig, Unavailable } from "./http-rig.js";
import { measureRedisMemory, type SessionShapes } from "./redis-memory.js";
import { measureThroughput, type ThroughputFigures, type ThroughputTarget } from "./throughput.js";

export { BFF_LOG_LEVEL } from "./http-rig.js";

export interface HttpFigures {
  throughput: Partial<Record<TargetId, LoadSummary | Skipped>>;
  redisSession?: RedisMemoryFigures | Skipped;
  /** Real sessions as the BFF stored them, for the memory-store probe. */
  sessionShapes?: SessionShapes;
  /** With --profile: the profiled BFFs' hottest code during their measured runs. */
  profiles?: ProfileReport[];
  /** Parts that failed while the throughput figures stand (reading Redis, profiles). */
  errors: string[];
}

type Load = Omit<ThroughputTarget, "id" | "label">;

/** How each target is set up on the rig, and which BFF (if any) it hits. */
const specs: Record<TargetId, { bff?: BffKind; setup(rig: HttpRig): Promise<Load> }> = {
  meStub: { bff: "memoryStub", setup: (rig) => bffLoad(rig, "memoryStub", "/api/me") },
  declaredStub: { bff: "memoryStub", setup: (rig) => bffLoad(rig, "memoryStub", "/api/graph/me") },
  meRedisStub: { bff: "redisStub", setup: (rig) => bffLoad(rig, "redisStub", "/api/me") },
  bareProxyStub: { setup: (rig) => childLoad(rig.bareProxy("stub"), "/api/me") },
  floorProxyStub: { setup: (rig) => floorLoad(rig, "/api/me") },
  dutiesProxyStub: { setup: (rig) => floorLoad(rig, "/api/me", true) },
  meEmulator: { bff: "memoryEmulator", setup: (rig) => bffLoad(rig, "memoryEmulator", "/api/me") },
  declaredEmulator: {
    bff: "memoryEmulator",
    setup: (rig) => bffLoad(rig, "memoryEmulator", "/api/graph/me"),
  },
  bareProxyEmulator: { setup: (rig) => childLoad(rig.bareProxy("emulator"), "/api/me") },
  session: { bff: "memoryStub", setup: (rig) => bffLoad(rig, "memoryStub", "/api/session") },
  bareJsonSession: { setup: (rig) => childLoad(rig.bareJson(), "/api/session") },
  floorSession: { setup: (rig) => floorLoad(rig, "/api/session") },
  dutiesSession: { setup: (rig) => floorLoad(rig, "/api/session", true) },
};

/** Every `/api/*` call carries the session cookie and `X-CSRF: 1`, as the SPA sends them. */
const api = (cookies: string[]) => cookies.map((cookie) => ({ cookie, "x-csrf": "1" }));

async function bffLoad(rig: HttpRig, kind: BffKind, path: string): Promise<Load> {
  const bff = await rig.bff(kind);
  return { url: `${bff.url}${path}`, headerSets: api(bff.cookies), pid: bff.pid };
}

async function childLoad(
  child: Promise<{ info: Record<string, unknown>; process: { pid?: number } }>,
  path: string,
): Promise<Load> {
  const { info, process } = await child;
  return { url: `${info.url}${path}`, pid: process.pid };
}

async function floorLoad(rig: HttpRig, path: string, duties = false): Promise<Load> {
  const floor = await rig.floor(duties);
  return { url: `${floor.info.url}${path}`, headerSets: api(floor.cookies), pid: floor.process.pid };
}

/** The BFFs to profile: those the chosen targets hit with --only, else the judged memory/stub one. */
function profiledBffs(options: BenchOptions): Set<BffKind> {
  if (!options.profile) return new Set();
  if (!options.only) return new Set(["memoryStub"]);
  return new Set(options.only.flatMap((id) => specs[id].bff ?? []));
}

/**
 * Sets up the chosen HTTP targets, each server in its own process, signs sessions in through the
 * real flow, measures them all in rotated rounds, then (full and quick runs) reads what the Redis
 * BFF stored per session. Stops everything it started.
 */
export async function measureHttpTargets(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<HttpFigures> {
  const profile = profiledBffs(options);
  if (options.profile && profile.size === 0)
    log("--profile: none of the chosen targets is a BFF, nothing to profile");
  const rig = new HttpRig({ sessions: options.sessions, profile }, log);
  try {
    const throughput: HttpFigures["throughput"] = {};
    const targets: ThroughputTarget[] = [];
    for (const id of options.only ?? targetIds) {
      try {
        targets.push({ id, label: targetLabels[id], ...(await specs[id].setup(rig)) });
      } catch (error) {
        if (!(error instanceof Unavailable)) throw error;
        throughput[id] = { skipped: error.message };
      }
    }
    const measured = await measureThroughput(targets, options, log);
    Object.assign(throughput, measured.summaries);

    const figures: HttpFigures = { throughput, errors: [] };
    const failed = (part: string) => (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      figures.errors.push(`${part}: ${message}`);
      log(`${part} FAILED: ${message}`);
      return { skipped: `failed: ${message.split("\n")[0]}` };
    };
    if (!options.only) {
      const redis = await redisFigures(rig, options.sessions, log).catch((error: unknown) => ({
        redisSession: failed("Redis per session")(error),
      }));
      Object.assign(figures, redis);
    }
    if (profile.size > 0) {
      const profiles = await profileReports(rig, profile, targets, measured).catch(failed("--profile"));
      if (Array.isArray(profiles)) figures.profiles = profiles;
    }
    return figures;
  } finally {
    await rig.stop();
  }
}

async function redisFigures(rig: HttpRig, sessions: number, log: (line: string) => void) {
  try {
    const bff = await rig.bff("redisStub");
    const redis = await rig.redis();
    const { figures, shapes } = await measureRedisMemory(rig, bff, redis.url, sessions, log);
    return { redisSession: figures, sessionShapes: shapes };
  } catch (error) {
    if (!(error instanceof Unavailable)) throw error;
    return { redisSession: { skipped: error.message } };
  }
}

/** Stops each profiled BFF (a graceful stop writes the profile) and summarizes its measured runs. */
async function profileReports(
  rig: HttpRig,
  kinds: ReadonlySet<BffKind>,
  targets: readonly ThroughputTarget[],
  { windows, summaries }: ThroughputFigures,
): Promise<ProfileReport[]> {
  const reports: ProfileReport[] = [];
  for (const kind of kinds) {
    const dir = rig.profileDirs.get(kind);
    if (!dir) continue;
    await (await rig.bff(kind)).process.stop();
    const hit = targets.filter((t) => specs[t.id as TargetId].bff === kind);
    const summary: ProfileSummary = summarizeProfiles(
      dir,
      hit.flatMap((t) => windows[t.id] ?? []),
    );
    const only = hit.length === 1 ? summaries[(hit[0] as ThroughputTarget).id] : undefined;
    const requests = only ? only.ok + only.non2xx : undefined;
    reports.push({
      bff: bffKindLabels[kind],
      targets: hit.map((t) => t.label),
      summary,
      ...(requests ? { requests } : {}),
    });
  }
  return reports;
}
