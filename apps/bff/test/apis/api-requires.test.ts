import { describe, expect, it } from "vitest";
import { parseApis } from "../../src/apis/api-config.js";
import { ConfigError } from "../../src/config-problems.js";
import { MEGAN } from "../authz/helpers.js";
import { ADELE, api, signIn } from "../helpers/test-app.js";
import { buildApisApp, startUpstream } from "./setup.js";

describe('a declared API\'s "requires" (roles / groups, as for built-in routes)', () => {
  it("answers 403 forbidden without the role, before anything reaches the upstream, and proxies with it", async () => {
    const upstream = await startUpstream();
    const t = await buildApisApp([
      { prefix: "/api/admin", upstream: upstream.url, requires: { roles: ["Tasks.Admin"] } },
    ]);
    const megan = await signIn(t.app, t.emulator, MEGAN);
    const refused = await api(t.app, megan, "/api/admin/reports");
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ code: "forbidden", message: expect.any(String) });
    expect(upstream.received).toEqual([]);

    const adele = await signIn(t.app, t.emulator, ADELE);
    const allowed = await api(t.app, adele, "/api/admin/reports");
    expect(allowed.statusCode).toBe(200);
    expect(upstream.received.map((r) => r.url)).toEqual(["/reports"]);
  });

  it.each([
    ["an unknown key", { roles: ["A"], admins: true }],
    ["an empty role list", { roles: [] }],
    ["a group that is not an object id", { groups: ["Finance"] }],
  ])("refuses %s at start, naming the entry and field", (_name, requires) => {
    const load = () =>
      parseApis([{ prefix: "/api/x", upstream: "https://x.example", token: "none", requires }]);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/entry 0 \(\/api\/x\).*requires/);
  });

  it("refuses requires on an entry open to signed-out callers", () => {
    const load = () =>
      parseApis([
        {
          prefix: "/api/x",
          upstream: "https://x.example",
          token: "none",
          session: "optional",
          requires: { roles: ["A"] },
        },
      ]);
    expect(load).toThrow(/field "requires" needs a signed-in user/);
  });
});
