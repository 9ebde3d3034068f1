// The floor: the least a BFF must add to a request, and nothing else. Bare Fastify +
// @fastify/cookie parsing the cookie, @fastify/cookie's Signer verifying it (HMAC-SHA256 every
// time, no memo; the same `bff.sid=<id>.<signature>` format as the BFF's session cookie), the
// CSRF header checked, one Map lookup — then either the same JSON body as the BFF's
// /api/session, or (GET /api/me) the looked-up token forwarded to Graph exactly as the bare proxy
// does. A BFF route at 1.0× the floor has no overhead left to remove.
// With `duties: true`, the floor also does what the BFF does on every request by policy rather
// than by mechanism (duties.ts): the BFF's own security headers, Cache-Control: no-store and a
// request id, its pino logger (with redaction) as Fastify's per-request logger, a Prometheus
// histogram observation per request, the session record kept as JSON text (as any shared store
// keeps it) and parsed per request, and Graph's answer parsed and reduced to the profile fields.
// Usage: node --import tsx floor.ts '<json: {sessions, sessionBody, graphMeUrl, accessToken, duties?}>'
// → prints {"ready":true,"url":...,"cookies":[Cookie header per session]}
import { randomBytes } from "node:crypto";
import fastifyCookie, { Signer } from "@fastify/cookie";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { Pool } from "undici";
import { PROFILE_FIELDS } from "../../../packages/contracts/src/profile.js";

const input = JSON.parse(process.argv[2] ?? "{}") as {
  sessions: number;
  sessionBody: string;
  graphMeUrl: string;
  accessToken: string;
  duties?: boolean;
};
const duties = input.duties === true ? await import("./duties.js") : undefined;
const COOKIE = "bff.sid";

interface FloorSession {
  body: unknown;
  accessToken: string;
  /** With duties: the record as a store keeps it (JSON text), parsed on every request. */
  record?: string;
}

// Sessions as the BFF keys them: a random 192-bit id, the cookie carrying it signed.
const signer = new Signer(randomBytes(36).toString("base64url"), "sha256");
const sessions = new Map<string, FloorSession>();
const cookies: string[] = [];
const body = JSON.parse(input.sessionBody) as unknown;
for (let i = 0; i < input.sessions; i++) {
  const id = randomBytes(24).toString("base64url");
  const session: FloorSession = { body, accessToken: input.accessToken };
  if (duties) session.record = JSON.stringify({ _v: 1, auth: { ...(body as object), id } });
  sessions.set(id, session);
  cookies.push(`${COOKIE}=${encodeURIComponent(signer.sign(id))}`);
}

const graphMe = new URL(input.graphMeUrl);
const mePath = `${graphMe.pathname}?$select=${PROFILE_FIELDS.join(",")}`;
const pool = new Pool(graphMe.origin, { connections: 64, pipelining: 1 });
const unauthenticated = { code: "unauthenticated", message: "Sign in first." };

/** Cookie → signature → CSRF header → one Map lookup: undefined means a 401 was sent. */
function sessionOf(request: FastifyRequest, reply: FastifyReply): FloorSession | undefined {
  const raw = request.cookies[COOKIE];
  const unsigned = raw === undefined ? undefined : signer.unsign(raw);
  const session =
    unsigned?.valid && request.headers["x-csrf"] === "1" ? sessions.get(unsigned.value) : undefined;
  if (!session) reply.code(401).send(unauthenticated);
  else if (session.record !== undefined) JSON.parse(session.record);
  return session;
}

const app = duties ? duties.dutifulFastify() : Fastify({ logger: false });
await app.register(fastifyCookie);
app.get("/api/session", async (request, reply) => {
  const session = sessionOf(request, reply);
  return session ? session.body : reply;
});
app.get("/api/me", async (request, reply) => {
  const session = sessionOf(request, reply);
  if (!session) return reply;
  const res = await pool.request({
    method: "GET",
    path: mePath,
    headers: { authorization: `Bearer ${session.accessToken}`, accept: "application/json" },
  });
  const text = await res.body.text();
  if (duties) return reply.code(res.statusCode).send(duties.profileOf(text));
  return reply.code(res.statusCode).type("application/json").send(text);
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ ready: true, url, cookies }));
process.once("SIGTERM", () => void Promise.all([app.close(), pool.close()]).then(() => process.exit(0)));
