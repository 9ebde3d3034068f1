// A static Microsoft Graph stub: `GET /v1.0/me?...` answers one fixed Graph-like profile for any
// bearer token, with no JWT check, over keep-alive HTTP/1.1. Behind it, what a BFF costs is no
// longer hidden by the emulator's signature checks (issue 20's upstream).
// node:http rather than Fastify: the stub shares two cores with the server under test and the
// load generator, so it should cost as little CPU per request as Node can (no router, no
// serializer, a precomputed body and header list); one fixed answer needs none of Fastify.
// Usage: node --import tsx static-graph.ts → prints {"ready":true,"url":...,"userId":...}
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PROFILE_FIELDS } from "../../../packages/contracts/src/profile.js";

// The shape Graph answers `/v1.0/me?$select=…` with: every field the BFF asks for, filled in. The
// id is printed in the ready line, so the harness can check a BFF really reads Graph from here.
const userId = "5b0f0c1e-3d1a-4f43-9a1e-6f1d2c3b4a50";
const body = Buffer.from(
  JSON.stringify({
    "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#users(${PROFILE_FIELDS.join(",")})/$entity`,
    id: userId,
    displayName: "Static Stub",
    givenName: "Static",
    surname: "Stub",
    jobTitle: "Benchmark Upstream",
    mail: "stub@bench.example",
    userPrincipalName: "stub@bench.example",
    mobilePhone: null,
    businessPhones: ["+1 555 0100"],
    officeLocation: "Loopback",
    preferredLanguage: "en-US",
  }),
);
const okHeaders = [
  "content-type",
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
  "content-length",
  String(body.length),
];
const unauthorized = Buffer.from(
  JSON.stringify({ error: { code: "InvalidAuthenticationToken", message: "Access token is empty." } }),
);
const notFound = Buffer.from(JSON.stringify({ error: { code: "Request_ResourceNotFound" } }));

const server = createServer((req, res) => {
  const url = req.url ?? "";
  if (req.method !== "GET" || !(url === "/v1.0/me" || url.startsWith("/v1.0/me?"))) {
    res.writeHead(404, { "content-type": "application/json" }).end(notFound);
    return;
  }
  // Any token passes, but one must be sent: a BFF that forgot it must not look fast.
  if (!req.headers.authorization?.startsWith("Bearer ")) {
    res.writeHead(401, { "content-type": "application/json" }).end(unauthorized);
    return;
  }
  res.writeHead(200, okHeaders).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, userId }));
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
