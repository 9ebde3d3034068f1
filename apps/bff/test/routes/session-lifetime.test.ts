import { afterEach, describe, expect, it, vi } from "vitest";
import { ADELE, api, buildTestApp, signIn } from "../helpers/test-app.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("session lifetimes", () => {
  it("ends a session idle longer than SESSION_IDLE_MINUTES", async () => {
    const { app, emulator, logs } = await buildTestApp({ env: { SESSION_IDLE_MINUTES: "5" } });
    const jar = await signIn(app, emulator, ADELE);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6 * 60_000 });
    const res = await api(app, jar, "/api/session");
    expect(res.json().authenticated).toBe(false);
    expect(logs().find((l) => l.event === "session.ended")).toMatchObject({ reason: "idle_timeout" });
  });

  it("keeps an active session alive across the idle limit", async () => {
    const { app, emulator } = await buildTestApp({ env: { SESSION_IDLE_MINUTES: "5" } });
    const jar = await signIn(app, emulator, ADELE);
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start + 4 * 60_000 });
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
    vi.setSystemTime(start + 8 * 60_000);
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
  });

  it("ends a session after SESSION_ABSOLUTE_HOURS however active it is", async () => {
    const { app, emulator, logs } = await buildTestApp({
      env: { SESSION_IDLE_MINUTES: "60", SESSION_ABSOLUTE_HOURS: "1" },
    });
    const jar = await signIn(app, emulator, ADELE);
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    for (const minutes of [50, 59]) {
      vi.setSystemTime(start + minutes * 60_000);
      expect((await api(app, jar, "/api/session")).json().authenticated).toBe(true);
    }
    vi.setSystemTime(start + 61 * 60_000);
    expect((await api(app, jar, "/api/session")).json().authenticated).toBe(false);
    expect(logs().find((l) => l.event === "session.ended")).toMatchObject({ reason: "absolute_timeout" });
  });
});
