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

// An expiring set: KEYS[1] sorted set (member → expiry, Redis' clock), KEYS[2] hash (member →
// value), one hash tag. Both keys expire with the member that lives longest.
const INDEX_PURGE = `
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expired = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now)
if #expired > 0 then
  redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
  redis.call("HDEL", KEYS[2], unpack(expired))
end`;

const INDEX_EXPIRE = `
local last = redis.call("ZRANGE", KEYS[1], -1, -1, "WITHSCORES")
if #last == 0 then redis.call("DEL", KEYS[2]) return end
local ttl = tonumber(last[2]) - now
redis.call("PEXPIRE", KEYS[1], ttl)
redis.call("PEXPIRE", KEYS[2], ttl)`;

// ARGV: member, value, ttl.
const INDEX_PUT = `${INDEX_PURGE}
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
${INDEX_EXPIRE}
return 1`;

// Returns member, value, member, value… of the live members.
const INDEX_LIST = `${INDEX_PURGE}
local members = redis.call("ZRANGE", KEYS[1], 0, -1)
if #members == 0 then return {} end
local values = redis.call("HMGET", KEYS[2], unpack(members))
local out = {}
for i, member in ipairs(members) do
  if values[i] then
    out[#out + 1] = member
    out[#out + 1] = values[i]
  end
end
return out`;

// ARGV: members.
const INDEX_REMOVE = `${INDEX_PURGE}
redis.call("ZREM", KEYS[1], unpack(ARGV))
redis.call("HDEL", KEYS[2], unpack(ARGV))
${INDEX_EXPIRE}
return 1`;

/** For `defineCommand`; without `numberOfKeys` the caller passes the key count first. */
export const scripts: Record<string, { lua: string; numberOfKeys?: number }> = {
  deleteIfEquals: { lua: DELETE_IF_EQUALS, numberOfKeys: 1 },
  setUnlessTombstoned: { lua: SET_UNLESS_TOMBSTONED, numberOfKeys: 2 },
  deleteWithTombstone: { lua: DELETE_WITH_TOMBSTONE },
  addCapped: { lua: ADD_CAPPED, numberOfKeys: 2 },
  takeCapped: { lua: TAKE_CAPPED, numberOfKeys: 2 },
  indexPut: { lua: INDEX_PUT, numberOfKeys: 2 },
  indexList: { lua: INDEX_LIST, numberOfKeys: 2 },
  indexRemove: { lua: INDEX_REMOVE, numberOfKeys: 2 },
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
  indexPut(index: string, values: string, member: string, value: string, ttlMs: number): Promise<number>;
  indexList(index: string, values: string): Promise<string[]>;
  indexRemove(index: string, values: string, ...members: string[]): Promise<number>;
}

/**
 * Keys of a capped namespace: the records (`login:{login}:<id>`, counted under `login:`) and the
 * index that counts them, all under the namespace's hash tag so one script sees them all.
 */
export function cappedKeys(namespace: string, id: string): { index: string; record: string } {
  return { index: `capped:{${namespace}}`, record: `${namespace}:{${namespace}}:${id}` };
}
