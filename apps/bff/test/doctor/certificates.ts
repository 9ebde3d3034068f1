import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../../../scripts/cert-create.mjs", import.meta.url));
const run = promisify(execFile);

/** A certificate + key written by `pnpm cert:create` into a temp dir. */
export interface TestCertificate {
  certPath: string;
  keyPath: string;
  certPem: string;
  /** What the script printed. */
  stdout: string;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Runs scripts/cert-create.mjs in a fresh temp dir (removed after the test). */
export async function createCertificate(
  options: { passphrase?: string; name?: string } = {},
): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), "entra-bff-cert-"));
  dirs.push(dir);
  const name = options.name ?? "entra-bff";
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.ENTRA_CLIENT_KEY_PASSPHRASE;
  if (options.passphrase) env.ENTRA_CLIENT_KEY_PASSPHRASE = options.passphrase;
  const { stdout } = await run(process.execPath, [SCRIPT, "--dir", dir, "--name", name], { cwd: dir, env });
  const certPath = join(dir, `${name}.crt`);
  return { certPath, keyPath: join(dir, `${name}.key`), certPem: await readFile(certPath, "utf8"), stdout };
}
