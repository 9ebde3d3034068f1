/**
 * The Lua scripts behind the store's atomic multi-step operations. Each touches only keys that
 * share one hash tag, so it runs unchanged on Redis Cluster.
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 */

// Releases a lock only for its owner: GET and DEL must be one atomic step.
const DELETE_IF_EQUALS = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

// KEYS: key, tombstone. ARGV: value, ttl. A write that lands after its owner ended is dropped.
const SET_UNLESS_TOMBSTONED = `
if redis.call("EXISTS", KEYS[2]) == 1 then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return 1`;

// KEYS: tombstone, keys… ARGV: tombstone ttl. The tombstone is written only for something that
// existed, so ending an anonymous visitor's never-stored session writes nothing.
const DELETE_WITH_TOMBSTONE = `
local deleted = redis.call("DEL", unpack(KEYS, 2))
if deleted > 0 then redis.call("SET", KEYS[1], "1", "PX", ARGV[1]) end
return deleted`;

// KEYS: index (sorted set: id → expiry), record. ARGV: id, value, ttl, cap. Redis' own clock, so
// instances with skewed clocks agree on what has expired.
const ADD_CAPPED = `
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
if redis.call("ZCARD", KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call("ZADD", KEYS[1], now + ttl, ARGV[1])
if redis.call("PTTL", KEYS[1]) < ttl then redis.call("PEXPIRE", KEYS[1], ttl) end
redis.call("SET", KEYS[2], ARGV[2], "PX", ttl)
return 1`;

// KEYS: index, record. ARGV: id. Single-use read that frees the record's place in the cap.
const TAKE_CAPPED = `
local value = redis.call("GET", KEYS[2])
if value then redis.call("DEL", KEYS[2]) end
redis.call("ZREM", KEYS[1], ARGV[1])
return value`;

// An expiring set: a sorted set of member → expiry (Redis' clock). Small sets stay listpacks,
// a few bytes over the member itself (docs/redis.md). The key expires with its longest-lived member.
const NOW = `
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

// KEYS: index. ARGV: member, ttl, "GT" (extend only) or "". Expired members go on every write.
const INDEX_PUT = `${NOW}
local ttl = tonumber(ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
if ARGV[3] == "GT" then
  redis.call("ZADD", KEYS[1], "GT", now + ttl, ARGV[1])
else
  redis.call("ZADD", KEYS[1], now + ttl, ARGV[1])
end
if redis.call("PTTL", KEYS[1]) < ttl then redis.call("PEXPIRE", KEYS[1], ttl) end
return 1`;

// KEYS: index. ARGV: prefix. The live members that start with it.
const INDEX_LIST = `${NOW}
local members = redis.call("ZRANGE", KEYS[1], "(" .. now, "+inf", "BYSCORE")
local n = #ARGV[1]
if n == 0 then return members end
local out = {}
for _, member in ipairs(members) do
  if string.sub(member, 1, n) == ARGV[1] then out[#out + 1] = member end
end
return out`;

// KEYS: index. ARGV: prefixes. Removes every member that starts with one of them.
const INDEX_REMOVE = `
local doomed = {}
for _, member in ipairs(redis.call("ZRANGE", KEYS[1], 0, -1)) do
  for _, prefix in ipairs(ARGV) do
    if string.sub(member, 1, #prefix) == prefix then
      doomed[#doomed + 1] = member
      break
    end
  end
end
for i = 1, #doomed, 1000 do
  redis.call("ZREM", KEYS[1], unpack(doomed, i, math.min(i + 999, #doomed)))
end
return #doomed`;

/** For `defineCommand`; without `numberOfKeys` the caller passes the key count first. */
export const scripts: Record<string, { lua: string; numberOfKeys?: number }> = {
  deleteIfEquals: { lua: DELETE_IF_EQUALS, numberOfKeys: 1 },
  setUnlessTombstoned: { lua: SET_UNLESS_TOMBSTONED, numberOfKeys: 2 },
  deleteWithTombstone: { lua: DELETE_WITH_TOMBSTONE },
  addCapped: { lua: ADD_CAPPED, numberOfKeys: 2 },
  takeCapped: { lua: TAKE_CAPPED, numberOfKeys: 2 },
  indexPut: { lua: INDEX_PUT, numberOfKeys: 1 },
  indexList: { lua: INDEX_LIST, numberOfKeys: 1 },
  indexRemove: { lua: INDEX_REMOVE, numberOfKeys: 1 },
};

/** The commands `scripts` adds to an ioredis client. */
export interface ScriptedCommands {
  deleteIfEquals(key: string, value: string): Promise<number>;
  setUnlessTombstoned(key: string, tombstone: string, value: string, ttlMs: number): Promise<number>;
  deleteWithTombstone(numberOfKeys: number, ...keysThenTtl: Array<string | number>): Promise<number>;
  addCapped(
    index: string,
    record: string,
    id: string,
    value: string,
    ttlMs: number,
    cap: number,
  ): Promise<number>;
  takeCapped(index: string, record: string, id: string): Promise<string | null>;
  indexPut(index: string, member: string, ttlMs: number, mode: "GT" | ""): Promise<number>;
  indexList(index: string, prefix: string): Promise<string[]>;
  indexRemove(index: string, ...prefixes: string[]): Promise<number>;
}

/**
 * Keys of a capped namespace: the records (`login:{login}:<id>`, counted under `login:`) and the
 * index that counts them, all under the namespace's hash tag so one script sees them all.
 */
export function cappedKeys(namespace: string, id: string): { index: string; record: string } {
  return { index: `capped:{${namespace}}`, record: `${namespace}:{${namespace}}:${id}` };
}
