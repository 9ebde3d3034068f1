import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { simpleRequest } from "../src/http-client.js";
import { startEmulator } from "../src/index.js";
import { emulatorForFile } from "./helpers/emulator.js";
import { ADELE, authorizeUrl } from "./helpers/oauth.js";

const emulator = emulatorForFile({ https: true });

/** The certificate the server presents (fetched without verification, to inspect it). */
function peerCertificate(url: string): Promise<X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(new X509Certificate(socket.getPeerCertificate().raw));
      socket.end();
    });
    socket.on("error", reject);
  });
}

/** GET over TLS trusting only `ca`; resolves the status or the TLS error code. */
function tlsGet(url: string, ca?: string): Promise<number | string> {
  return new Promise((resolve) => {
    https
      .get(url, ca ? { ca } : {}, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe("startEmulator({ https: true })", () => {
  it("advertises https everywhere: url, issuer, every discovery endpoint, Graph", async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.issuer).toBe(`${emulator.url}/${emulator.tenantId}/v2.0`);
    expect(emulator.graphBaseUrl).toBe(emulator.url);
    const response = await simpleRequest(emulator.caCertificate)(emulator.discoveryUrl);
    const discovery = JSON.parse(response.text) as Record<string, unknown>;
    const urls = Object.entries(discovery).filter(
      ([key, value]) => typeof value === "string" && /(_endpoint|_uri|^issuer)$/.test(key),
    );
    expect(urls.length).toBeGreaterThanOrEqual(7);
    for (const [key, value] of urls) {
      if (key === "rbac_url") continue;
      expect([key, String(value).startsWith(`${emulator.url}/`)]).toEqual([key, true]);
    }
    expect(discovery.msgraph_host).toBe(new URL(emulator.url).host);
  });

  it("serves a certificate for 127.0.0.1 and localhost that its CA file verifies", async () => {
    const ca = readFileSync(emulator.caFile ?? "", "utf8");
    expect(ca).toBe(emulator.caCertificate);
    const port = new URL(emulator.url).port;
    const path = `/${emulator.tenantId}/discovery/v2.0/keys`;
    expect(await tlsGet(`https://127.0.0.1:${port}${path}`, ca)).toBe(200);
    expect(await tlsGet(`https://localhost:${port}${path}`, ca)).toBe(200);
  });

  it("is refused by a client that does not trust the CA, and speaks no plain HTTP", async () => {
    expect(await tlsGet(`${emulator.url}/common/discovery/instance`)).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    const plain = await new Promise<number | string>((resolve) => {
      http
        .get(emulator.url.replace("https:", "http:"), (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(plain).not.toBe(200);
  });

  it("presents a leaf for exactly loopback, issued by a name-constrained CA", async () => {
    const ca = new X509Certificate(emulator.caCertificate ?? "");
    const leaf = await peerCertificate(emulator.url);
    expect([ca.ca, leaf.ca]).toEqual([true, false]);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(leaf.checkHost("example.com")).toBeUndefined();
    // RFC 5280 name constraints (2.5.29.30), critical: the CA can only vouch for loopback.
    await import("reflect-metadata");
    const { X509Certificate: Parsed } = await import("@peculiar/x509");
    const constraints = new Parsed(ca.raw).getExtension("2.5.29.30");
    expect(constraints?.critical).toBe(true);
    const der = Buffer.from(constraints?.value ?? new ArrayBuffer(0));
    expect(der.includes(Buffer.from("localhost"))).toBe(true);
    expect(der.includes(Buffer.from([127, 0, 0, 0, 255, 0, 0, 0]))).toBe(true);
  });

  it("signs a user in through its picker over TLS (signIn trusts its own CA)", async () => {
    const callback = await emulator.signIn(authorizeUrl(emulator, { login_hint: null }), ADELE);
    expect(callback.searchParams.get("code")).toBeTruthy();
  });
});

describe("the CA certificate file", () => {
  it("goes to a fresh temp dir by default, removed on close", async () => {
    const other = await startEmulator({ https: true });
    const file = other.caFile ?? "";
    expect(dirname(file).startsWith(join(tmpdir(), "entra-emulator-"))).toBe(true);
    expect(existsSync(file)).toBe(true);
    await other.close();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it("goes where caOut says, and stays after close; each start makes a new CA", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-ca-out-"));
    try {
      const file = join(dir, "ca.pem");
      const other = await startEmulator({ https: true, caOut: file });
      expect(other.caFile).toBe(file);
      await other.close();
      expect(readFileSync(file, "utf8")).toBe(other.caCertificate);
      expect(other.caCertificate).not.toBe(emulator.caCertificate);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the path when it cannot be written", async () => {
    await expect(startEmulator({ https: true, caOut: "/nonexistent/dir/ca.pem" })).rejects.toThrow(
      "cannot write the CA certificate to /nonexistent/dir/ca.pem",
    );
  });

  it("refuses an https bind its certificate would not cover, naming the host and the fix", async () => {
    for (const host of ["192.0.2.1", "127.0.0.2", "emulator.internal"]) {
      await expect(startEmulator({ https: true, host })).rejects.toThrow(
        `the https certificate covers localhost, 127.0.0.1 and ::1 only, not host "${host}"`,
      );
    }
    const wildcard = await startEmulator({ https: true, host: "0.0.0.0" });
    expect(wildcard.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    await wildcard.close();
  });

  it("is absent in plain-HTTP mode", async () => {
    const plain = await startEmulator();
    expect([plain.url.startsWith("http://"), plain.caFile, plain.caCertificate]).toEqual([
      true,
      undefined,
      undefined,
    ]);
    await plain.close();
  });
});
