// A static Microsoft Graph stub: `GET /v1.0/me?...` answers one fixed Graph-like profile for any
// bearer token, with no JWT check, over keep-alive HTTP/1.1. Behind it, what a BFF costs is no
// longer hidden by the emulator's signature checks (issue 20's upstream).
// node:http rather than Fastify: the stub shares two cores with the server under test and the
// load generator, so it should cost as little CPU per request as Node can (no router, no
// serializer, a precomputed body and header list); one fixed answer needs none of Fastify.
// Usage: node --import tsx static-graph.ts → prints {"ready":true,"url":...}
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// The shape Graph answers `/v1.0/me?$select=…` with (a Contoso demo user).
const body = Buffer.from(
  JSON.stringify({
    "@odata.context":
      "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,jobTitle,mail,userPrincipalName,mobilePhone,businessPhones,officeLocation,preferredLanguage)/$entity",
    id: "4782e723-f4f4-4af3-a76e-25e3bab0d896",
    displayName: "Alex Wilber",
    givenName: "Alex",
    surname: "Wilber",
    jobTitle: "Marketing Assistant",
    mail: "AlexW@M365x214355.onmicrosoft.com",
    userPrincipalName: "AlexW@M365x214355.onmicrosoft.com",
    mobilePhone: null,
    businessPhones: ["+1 858 555 0110"],
    officeLocation: "131/1104",
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
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` }));
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
