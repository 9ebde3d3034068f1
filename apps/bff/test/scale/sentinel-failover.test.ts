import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Emulator } from "@entra-bff/entra-emulator";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { type AppConfig, loadConfig } from "../../src/config.js";
import { loggerOptions } from "../../src/logging.js";
import { startEmulatorFor } from "../helpers/emulator.js";
import { type SentinelSetup, sentinelSetupForFile } from "../helpers/redis-sentinel.js";
import { ADELE, api, type CookieJar, idpFor, PUBLIC_URL, signIn } from "../helpers/test-app.js";

// The BFF as deployed: its store built from REDIS_SENTINELS with the default timeouts, in front of
// one master, one replica and three sentinels (quorum 2, master down after 1 s).
const sentinel = sentinelSetupForFile();
let setup: SentinelSetup;
let emulator: Emulator;
let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  setup = sentinel();
  emulator = await startEmulatorFor({ publicUrl: PUBLIC_URL });
  const config: AppConfig = {
    ...loadConfig({
      PUBLIC_URL,
      SESSION_SECRET: "a-failover-session-secret-long-enough-0123456789",
      WEB_DIST_DIR: "/nonexistent",
      AUTH_RATE_LIMIT_PER_MINUTE: "100000",
      ...setup.env,
    }),
    idp: idpFor(emulator),
  };
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  // A ready logger, as server.ts passes: the store reports its connection changes through it.
  app = await buildApp(config, { logger: pino(loggerOptions("info"), logStream) });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await emulator?.close();
});

interface Sample {
  /** Milliseconds since the failover was triggered. */
  at: number;
  status: number;
  code?: string;
}

interface FailoverRun {
  samples: Sample[];
  /** From the first answer that was not 200 to the first 200 after the last one; 0 if none. */
  windowMs: number;
  /** A session signed out (acknowledged 200) while the failover was under way. */
  signedOutDuring: string;
  /** How many POST /logout it took until one was acknowledged. */
  signOutAttempts: number;
}

/**
 * Triggers a failover and keeps serving: GET /api/me for `jar` every 25 ms, and a sign-out of
 * `leaving` retried until the BFF acknowledges it. Returns once the sentinels name the new
 * master and the BFF has answered 200 twenty times in a row.
 */
async function serveThroughFailover(
  trigger: () => Promise<void>,
  newMasterPort: number,
  jar: CookieJar,
  leaving: CookieJar,
): Promise<FailoverRun> {
  const samples: Sample[] = [];
  const leavingCookie = leaving.header();
  let signedOut = false;
  let signOutAttempts = 0;
  let failedOver = false;
  let streak = 0;
  const start = Date.now();
  await trigger();
  while (!(failedOver && streak >= 20 && signedOut)) {
    if (Date.now() - start > 60_000) {
      throw new Error(`no recovery within 60 s (last answers: ${JSON.stringify(samples.slice(-3))})`);
    }
    const res = await api(app, jar, "/api/me");
    const at = Date.now() - start;
    samples.push({
      at,
      status: res.statusCode,
      ...(res.statusCode === 200 ? {} : { code: res.json().code }),
    });
    streak = res.statusCode === 200 ? streak + 1 : 0;
    if (!signedOut) {
      signOutAttempts++;
      signedOut = (await signOut(leavingCookie)).statusCode === 200;
    }
    if (!failedOver && streak > 0) failedOver = (await setup.masterPort().catch(() => 0)) === newMasterPort;
    await sleep(25);
  }
  const firstFailure = samples.findIndex((sample) => sample.status !== 200);
  const lastFailure = samples.findLastIndex((sample) => sample.status !== 200);
  const recovered = samples[lastFailure + 1];
  const windowMs = firstFailure < 0 || !recovered ? 0 : recovered.at - (samples[firstFailure] as Sample).at;
  return { samples, windowMs, signedOutDuring: leavingCookie, signOutAttempts };
}

function signOut(cookie: string) {
  return app.inject({ method: "POST", url: "/logout", headers: { "x-csrf": "1", cookie } });
}

/**
 * Three sessions on the current master: one that stays, one signed out now (acknowledged), and
 * one to sign out during the failover.
 */
async function prepare() {
  const roles = await setup.roles();
  const staying = await signIn(app, emulator, ADELE);
  const signedOutBefore = (await signIn(app, emulator, ADELE)).header();
  const leaving = await signIn(app, emulator, ADELE);
  expect((await api(app, staying, "/api/me")).statusCode).toBe(200);
  expect((await signOut(signedOutBefore)).statusCode).toBe(200);
  return { ...roles, staying, signedOutBefore, leaving };
}

/** The failover may cost 503 session_store_unavailable, never another error or a lost session. */
function expectFailClosedOnly(run: FailoverRun): void {
  const unexpected = run.samples.filter(
    (sample) =>
      sample.status !== 200 && !(sample.status === 503 && sample.code === "session_store_unavailable"),
  );
  expect(unexpected).toEqual([]);
}

async function expectSignedOut(cookie: string): Promise<void> {
  const me = await api(app, undefined, "/api/me", { cookie });
  expect(me.statusCode).toBe(401);
  expect(me.json().code).toBe("unauthenticated");
}

function report(name: string, run: FailoverRun): void {
  const failed = run.samples.filter((sample) => sample.status !== 200).length;
  console.info(
    `[sentinel failover: ${name}] 503 window ${run.windowMs} ms (${failed} of ${run.samples.length} requests answered 503; sign-out acknowledged at attempt ${run.signOutAttempts})`,
  );
}

describe("Redis Sentinel failover behind a serving BFF", { timeout: 120_000 }, () => {
  it("keeps sessions and acknowledged sign-outs through SENTINEL FAILOVER, and recovers without a restart", async () => {
    const { master, replica, staying, signedOutBefore, leaving } = await prepare();
    const run = await serveThroughFailover(() => setup.failover(), replica.port, staying, leaving);
    report("SENTINEL FAILOVER", run);

    expectFailClosedOnly(run);
    expect(await setup.masterPort()).toBe(replica.port);
    expect((await api(app, staying, "/api/me")).json()).toMatchObject({ userPrincipalName: ADELE });
    await expectSignedOut(signedOutBefore);
    await expectSignedOut(run.signedOutDuring);
    // The old master now follows the new one: the next test can fail over again.
    await setup.settled(replica.port);
    expect((await setup.roles()).replica).toBe(master);
  });

  it("fails closed while a killed master is replaced, loses no acknowledged sign-out, and recovers by itself", async () => {
    const { master, replica, staying, signedOutBefore, leaving } = await prepare();
    const logsBefore = logLines.length;

    // SIGKILL right after the acknowledged sign-out: nothing is flushed or handed over.
    const run = await serveThroughFailover(() => master.kill(), replica.port, staying, leaving);
    report("master killed", run);

    expectFailClosedOnly(run);
    expect(run.samples.some((sample) => sample.status === 503)).toBe(true);
    expect((await api(app, staying, "/api/me")).json()).toMatchObject({ userPrincipalName: ADELE });
    await expectSignedOut(signedOutBefore);
    await expectSignedOut(run.signedOutDuring);
    // A new sign-in works on the promoted master.
    const fresh = await signIn(app, emulator, ADELE);
    expect((await api(app, fresh, "/api/me")).statusCode).toBe(200);

    const logs = logLines.slice(logsBefore).join("");
    expect(logs).toContain("session store unreachable; failing closed");
    expect(logs).toContain("session store reconnected");
    expect(logLines.join("")).not.toContain(setup.password);
    expect(logLines.join("")).not.toContain(setup.sentinelPassword);
  });
});
