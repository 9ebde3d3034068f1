import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bffDir = fileURLToPath(new URL("../..", import.meta.url));

export interface BffChild {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the BFF's real entry point (src/server.ts through tsx, workspace packages from source)
 * as its own process with exactly `env` plus PATH/HOME — as a shell would start it, so settings
 * read at process start (NODE_EXTRA_CA_CERTS) apply. Resolves once /healthz answers.
 */
export async function startBffProcess(port: number, env: Record<string, string>): Promise<BffChild> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "--", "src/server.ts"], {
    cwd: bffDir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the BFF exited ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { url, child, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the BFF did not answer /healthz:\n${output}`);
}

/** The browser's cookies for the BFF: name → value from each Set-Cookie. */
export class Cookies {
  readonly #values = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const index = pair.indexOf("=");
      const value = pair.slice(index + 1);
      if (value === "" || /max-age=0/i.test(line)) this.#values.delete(pair.slice(0, index));
      else this.#values.set(pair.slice(0, index), value);
    }
  }

  header(): string {
    return [...this.#values].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
