import type { Cluster, Redis } from "ioredis";

/**
 * Makes a delete survive a failover before it is acknowledged: when the master holding `key` has
 * replicas, waits (WAIT 1) until one of them has applied this connection's writes. Without it, a
 * sign-out acknowledged by a master that dies a moment later comes back with the promoted replica.
 * Rejects when replicas exist but none confirms within `timeoutMs`: the caller fails closed (503)
 * and the client may retry, since deleting twice is harmless. Without replicas it returns at once.
 */
export async function confirmOnReplica(
  client: Redis | Cluster,
  key: string,
  timeoutMs: number,
): Promise<void> {
  // Both pipelines name `key`, so on a Cluster they reach the master that owns its slot.
  const [, role] = await run(client.pipeline().exists(key).role()).catch(notPermitted);
  if (replicaCount(role) === 0) return;
  const [, acknowledged] = await run(client.pipeline().exists(key).wait(1, timeoutMs));
  if (typeof acknowledged !== "number" || acknowledged < 1) {
    throw new Error(`no replica confirmed the delete within ${timeoutMs} ms`);
  }
}

/**
 * An ACL user without ROLE (it is in @admin) cannot learn whether replicas exist: deletes then go
 * unconfirmed rather than failing every sign-out. docs/redis.md says to allow ROLE and WAIT.
 */
function notPermitted(error: unknown): unknown[] {
  if (error instanceof Error && error.message.startsWith("NOPERM")) return [];
  throw error;
}

/** ROLE on a master answers ["master", offset, [[host, port, offset], …]]. */
function replicaCount(role: unknown): number {
  if (!Array.isArray(role) || role[0] !== "master" || !Array.isArray(role[2])) return 0;
  return role[2].length;
}

async function run(pipeline: ReturnType<Redis["pipeline"]>): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
