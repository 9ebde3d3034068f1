import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { type BffProcess, bffPublicUrl, signInSession, startBff } from "../lib/bff-process.js";
import { type Child, spawnChild } from "../lib/child.js";
import { type EmulatorProcess, startEmulatorProcess } from "../lib/emulator-process.js";
import { targetCommand } from "../lib/paths.js";
import { freePort } from "../lib/ports.js";
import { type RedisInstance, redisUnavailableReason, startRedis } from "../lib/redis.js";

/** The BFF instances a run can need: store × Graph upstream. */
export const bffKinds = ["memoryStub", "redisStub", "memoryEmulator"] as const;
export type BffKind = (typeof bffKinds)[number];
export type Upstream = "stub" | "emulator";

export const bffKindLabels: Record<BffKind, string> = {
  memoryStub: "BFF (memory store, static Graph stub)",
  redisStub: "BFF (Redis store, static Graph stub)",
  memoryEmulator: "BFF (memory store, emulator Graph)",
};

/** Level the BFF logs at during load: request logs are an ops choice, the bare targets log nothing. */
export const BFF_LOG_LEVEL = "warn";
export const REDIS_KEY_PREFIX = "bench:";

/** A target cannot run on this machine (e.g. no redis-server): reported as skipped, not failed. */
export class Unavailable extends Error {}

export interface SignedInBff {
  kind: BffKind;
  process: BffProcess;
  url: string;
  pid: number | undefined;
  /** One Cookie header per signed-in session. */
  cookies: string[];
}

export interface RigSettings {
  sessions: number;
  /** BFFs to run under `--cpu-prof`, each writing to `profileDirs[kind]`. */
  profile: ReadonlySet<BffKind>;
}

/**
 * Every process the HTTP targets need, each started on first use only (so `--only session` does
 * not start what /api/session does not use) and at most once: the emulator (sign-in, and one
 * upstream), the static Graph stub (the other), the BFFs, Redis, bare proxies, bare JSON, floor.
 */
export class HttpRig {
  readonly profileDirs = new Map<BffKind, string>();
  private readonly started: Array<{ stop(): Promise<void> }> = [];
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly ports = new Map<BffKind | "token", number>();
  private readonly tempDir = mkdtempSync(join(tmpdir(), "bench-rig-"));

  constructor(
    private readonly settings: RigSettings,
    private readonly log: (line: string) => void,
  ) {}

  private once<T>(name: string, start: () => Promise<T>): Promise<T> {
    let running = this.memo.get(name) as Promise<T> | undefined;
    if (!running) {
      running = start();
      this.memo.set(name, running);
    }
    return running;
  }

  private keep<T extends { stop(): Promise<void> }>(thing: T): T {
    this.started.push(thing);
    return thing;
  }

  /** The emulator, with the redirect URI of every BFF kind (and the bare token) registered. */
  emulator(): Promise<EmulatorProcess> {
    return this.once("emulator", async () => {
      for (const key of [...bffKinds, "token" as const]) this.ports.set(key, await freePort());
      this.log("starting the emulator");
      return this.keep(
        await startEmulatorProcess([
          ...bffKinds.map((kind) => `${bffPublicUrl(this.ports.get(kind) as number)}/getAToken`),
          this.tokenRedirect(),
        ]),
      );
    });
  }

  private tokenRedirect(): string {
    return `http://127.0.0.1:${this.ports.get("token")}/callback`;
  }

  /** The static Graph stub: its origin, and the user id its `/me` answers. */
  private stubInfo(): Promise<{ url: string; userId: string }> {
    return this.once("stub", async () => {
      const cmd = targetCommand("static-graph.ts");
      const child = this.keep(await spawnChild({ name: "static Graph stub", ...cmd, ready: "json-line" }));
      return { url: child.info.url as string, userId: child.info.userId as string };
    });
  }

  async stub(): Promise<string> {
    return (await this.stubInfo()).url;
  }

  /** Where Graph `/v1.0/me` is for `upstream`. */
  async graphMe(upstream: Upstream): Promise<string> {
    const base = upstream === "stub" ? await this.stub() : (await this.emulator()).info.graphBaseUrl;
    return `${base}/v1.0/me`;
  }

  redis(): Promise<RedisInstance> {
    return this.once("redis", async () => {
      const reason = redisUnavailableReason();
      if (reason) throw new Unavailable(reason);
      return this.keep(await startRedis());
    });
  }

  /** A BFF of `kind` with `settings.sessions` sessions signed in through the real flow. */
  bff(kind: BffKind): Promise<SignedInBff> {
    return this.once(`bff:${kind}`, async () => {
      const emulator = await this.emulator();
      const upstream: Upstream = kind === "memoryEmulator" ? "emulator" : "stub";
      const redis = kind === "redisStub" ? await this.redis() : undefined;
      const graphBase = upstream === "stub" ? await this.stub() : emulator.info.graphBaseUrl;
      const profileDir = this.settings.profile.has(kind)
        ? mkdtempSync(join(this.tempDir, `cpu-prof-${kind}-`))
        : undefined;
      if (profileDir) this.profileDirs.set(kind, profileDir);
      this.log(`starting the ${bffKindLabels[kind]}`);
      const bff = this.keep(
        await startBff({
          name: bffKindLabels[kind],
          port: this.ports.get(kind) as number,
          emulator: emulator.info,
          ...(upstream === "stub" ? { graphBaseUrl: graphBase } : {}),
          ...(redis ? { redisUrl: redis.url, redisKeyPrefix: REDIS_KEY_PREFIX } : {}),
          apisFile: this.apisFile(kind, `${graphBase}/v1.0`),
          logLevel: BFF_LOG_LEVEL,
          nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
        }),
      );
      this.log(`signing ${this.settings.sessions} sessions in to the ${bffKindLabels[kind]}`);
      const cookies = await this.signInMany(bff, emulator, this.settings.sessions);
      if (upstream === "stub") await this.checkReadsStub(kind, bff.url, cookies[0] ?? "");
      return { kind, process: bff, url: bff.url, pid: bff.child.process.pid, cookies };
    });
  }

  /** A stub BFF answering another user than the stub's would measure the emulator under the stub's name. */
  private async checkReadsStub(kind: BffKind, bffUrl: string, cookie: string): Promise<void> {
    const { userId } = await this.stubInfo();
    const checks: Array<[path: string, setting: string]> = [["/api/me", "GRAPH_BASE_URL"]];
    // Not on the Redis BFF, whose declared API is not measured: its token would be one more key
    // in the Redis bytes per session.
    if (kind !== "redisStub") checks.push(["/api/graph/me", "BFF_APIS"]);
    for (const [path, setting] of checks) {
      const res = await request(`${bffUrl}${path}`, { headers: { cookie, "x-csrf": "1" } });
      const me = (await res.body.json().catch(() => ({}))) as { id?: string };
      if (me.id !== userId) {
        throw new Error(
          `the BFF's ${path} answered ${res.statusCode} for user ${me.id ?? "(none)"}, not the static stub's: ${setting} was not applied`,
        );
      }
    }
  }

  /** BFF_APIS: Graph `/me` again, reached through a declared API route instead of /api/me. */
  private apisFile(kind: BffKind, upstream: string): string {
    const file = join(this.tempDir, `apis-${kind}.json`);
    // The load comes from a few sessions: the per-session limits must not turn it into 429s.
    const unlimited = { rateLimitPerMinute: 1_000_000_000, maxConcurrentPerSession: 10_000 };
    const api = { prefix: "/api/graph", upstream, token: "user", scopes: ["User.Read"], ...unlimited };
    writeFileSync(file, JSON.stringify([api]));
    return file;
  }

  /** Signs `count` sessions in, a few at a time, spread over the demo users with few groups. */
  private async signInMany(bff: BffProcess, emulator: EmulatorProcess, count: number): Promise<string[]> {
    const users = loadUsers(emulator);
    const cookies: string[] = [];
    for (let i = 0; i < count; i += 5) {
      const batch = Array.from({ length: Math.min(5, count - i) }, (_, j) =>
        signInSession(bff.url, emulator, users[(i + j) % users.length] as string),
      );
      cookies.push(...(await Promise.all(batch)));
    }
    return cookies;
  }

  /** One Graph access token from a real auth code + PKCE sign-in, for the bare proxies and the floor. */
  token(): Promise<string> {
    return this.once("token", async () => {
      const emulator = await this.emulator();
      return emulator.accessToken(loadUsers(emulator)[0] as string, this.tokenRedirect());
    });
  }

  bareProxy(upstream: Upstream): Promise<Child> {
    return this.once(`bare-proxy:${upstream}`, async () => {
      const env = { GRAPH_ME_URL: await this.graphMe(upstream), ACCESS_TOKEN: await this.token() };
      const cmd = targetCommand("bare-proxy.ts");
      return this.keep(
        await spawnChild({ name: `bare proxy (${upstream})`, ...cmd, env, ready: "json-line" }),
      );
    });
  }

  /** Exactly what the BFF's /api/session answered one of its signed-in sessions. */
  sessionJson(): Promise<string> {
    return this.once("session-json", async () => {
      const bff = await this.bff("memoryStub");
      const res = await request(`${bff.url}/api/session`, {
        headers: { cookie: bff.cookies[0] ?? "", "x-csrf": "1" },
      });
      return res.body.text();
    });
  }

  bareJson(): Promise<Child> {
    return this.once("bare-json", async () => {
      const cmd = targetCommand("bare-json.ts");
      const args = [...cmd.args, await this.sessionJson()];
      return this.keep(
        await spawnChild({ name: "bare JSON", command: cmd.command, args, ready: "json-line" }),
      );
    });
  }

  /**
   * The floor (targets/floor.ts): its own signed sessions, the BFF's session JSON, the stub
   * upstream; with `duties`, also the BFF's per-request duties (targets/duties.ts).
   */
  floor(duties = false): Promise<Child & { cookies: string[] }> {
    const name = duties ? "floor + duties" : "floor";
    return this.once(name, async () => {
      const input = {
        sessions: this.settings.sessions,
        sessionBody: await this.sessionJson(),
        graphMeUrl: await this.graphMe("stub"),
        accessToken: await this.token(),
        duties,
      };
      const cmd = targetCommand("floor.ts");
      const args = [...cmd.args, JSON.stringify(input)];
      const child = this.keep(await spawnChild({ name, command: cmd.command, args, ready: "json-line" }));
      return Object.assign(child, { cookies: child.info.cookies as string[] });
    });
  }

  /** Stops everything, newest first. */
  async stop(): Promise<void> {
    for (const thing of this.started.reverse()) await thing.stop().catch(() => {});
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** The demo users with few groups (not the groups-overage user, not the 200-groups bench user). */
export function loadUsers(emulator: EmulatorProcess): string[] {
  const users = emulator.info.users.filter((u) => u.groups < 10).map((u) => u.upn);
  if (users.length === 0) throw new Error("the emulator has no user with fewer than 10 groups");
  return users;
}
