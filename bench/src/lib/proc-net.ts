import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** TCP state LISTEN in /proc/net/tcp{,6}. */
const LISTEN = "0A";

/**
 * The loopback/any ports a live process listens on, from /proc (Linux); undefined elsewhere.
 * Its socket inodes (/proc/<pid>/fd → socket:[inode]) matched against the LISTEN rows of
 * /proc/<pid>/net/tcp and tcp6.
 */
export function listeningPorts(pid: number | undefined): number[] | undefined {
  if (pid === undefined) return undefined;
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return "";
        }
      })();
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
    const ports = new Set<number>();
    for (const table of ["tcp", "tcp6"]) {
      for (const row of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
        const fields = row.trim().split(/\s+/);
        const [local, , state] = [fields[1], fields[2], fields[3]];
        if (state === LISTEN && inodes.has(fields[9] ?? "") && local) {
          ports.add(Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16));
        }
      }
    }
    return [...ports].sort((a, b) => a - b);
  } catch {
    return undefined;
  }
}
