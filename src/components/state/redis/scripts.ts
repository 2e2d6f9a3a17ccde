/**
 * Lua scripts of `state.redis`. The data layout is daprd's, so that either runtime reads what the
 * other wrote: one hash per key with fields `data` (the value bytes) and `version` (the etag, an
 * integer that starts at 1 and is incremented by HINCRBY on every write), plus `first-write` = 0 once
 * a key has been written with first-write concurrency. Expiry is the key's own TTL (EXPIRE/PERSIST).
 *
 * Every check-and-write runs in one script so that it is atomic. Scripts return codes instead of
 * raising errors, so that the TypeScript side maps them to semantic errors without parsing messages.
 */

/** Shared helpers, prepended to each write script. */
const HELPERS = `
-- The current version of a state hash, or false when the key is absent. A key of another type
-- (a plain string left by an old writer) counts as absent: it is replaced on write, as daprd does.
local function version_of(key)
  local v = redis.pcall('HGET', key, 'version')
  if type(v) == 'table' then return false end
  return v
end

-- True when a write with this etag (empty string: none) must be refused.
local function conflicts(current, etag, first_write)
  if etag ~= '' then return current ~= etag end
  return first_write and current ~= false
end

-- ttl: '' leaves any expiry as it is (daprd's behaviour when no TTL applies), a positive number of
-- seconds sets it, anything else (-1) removes it.
local function apply_ttl(key, ttl)
  if ttl == '' then return end
  local seconds = tonumber(ttl)
  if seconds and seconds > 0 then
    redis.call('EXPIRE', key, seconds)
  else
    redis.call('PERSIST', key)
  end
end

local function write(key, data, first_write, ttl)
  if type(redis.pcall('HSET', key, 'data', data)) == 'table' then
    redis.call('DEL', key)
    redis.call('HSET', key, 'data', data)
  end
  if first_write then redis.call('HSET', key, 'first-write', 0) end
  local version = redis.call('HINCRBY', key, 'version', 1)
  apply_ttl(key, ttl)
  return version
end
`;

/**
 * KEYS[1] = key. Returns {} when absent, else {data, version, pttl}; `version` is nil for a plain
 * string value left by an old writer (readable, without etag). One round trip for value and expiry.
 */
export const GET_WITH_EXPIRY = `
local key = KEYS[1]
local r = redis.pcall('HMGET', key, 'data', 'version')
if r['err'] then
  local s = redis.pcall('GET', key)
  if type(s) == 'table' then return s end
  return {s, false, redis.call('PTTL', key)}
end
if not r[1] and not r[2] then return {} end
if not r[1] or not r[2] then
  return redis.error_reply("required hash field 'data' or 'version' was not found")
end
return {r[1], r[2], redis.call('PTTL', key)}
`;

/**
 * KEYS[1] = key; ARGV = etag ('' for none), data, first-write ('1'/'0'), ttl (see apply_ttl).
 * Returns the new version, or 0 when the etag (or first-write) check refused the write.
 */
export const SET_WITH_ETAG = `${HELPERS}
local key = KEYS[1]
local first_write = ARGV[3] == '1'
if conflicts(version_of(key), ARGV[1], first_write) then return 0 end
return write(key, ARGV[2], first_write, ARGV[4])
`;

/**
 * KEYS[1] = key; ARGV[1] = etag ('' for none). Returns the number of keys deleted (0 when it did
 * not exist), or -1 when the etag does not match (also when the key is absent).
 */
export const DELETE_WITH_ETAG = `${HELPERS}
local key = KEYS[1]
if conflicts(version_of(key), ARGV[1], false) then return -1 end
return redis.call('DEL', key)
`;

/** Arguments per operation in TRANSACTION: kind ('set'/'del'), etag, data, first-write, ttl. */
export const TRANSACTION_STRIDE = 5;

/**
 * All-or-nothing transaction. KEYS[i] is operation i's key; ARGV holds TRANSACTION_STRIDE values per
 * operation. Every check runs first, against the state as the earlier operations of the same
 * transaction leave it; only when all pass are the writes applied. Returns 0 on success, else the
 * 1-based index of the first operation whose check failed (nothing is written then).
 */
export const TRANSACTION = `${HELPERS}
local planned = {}
for i = 1, #KEYS do
  local key, base = KEYS[i], (i - 1) * ${TRANSACTION_STRIDE}
  local is_set = ARGV[base + 1] == 'set'
  local current = planned[key]
  if current == nil then current = version_of(key) end
  if conflicts(current, ARGV[base + 2], is_set and ARGV[base + 4] == '1') then return i end
  if is_set then planned[key] = tostring((tonumber(current) or 0) + 1) else planned[key] = false end
end
for i = 1, #KEYS do
  local key, base = KEYS[i], (i - 1) * ${TRANSACTION_STRIDE}
  if ARGV[base + 1] == 'set' then
    write(key, ARGV[base + 3], ARGV[base + 4] == '1', ARGV[base + 5])
  else
    redis.call('DEL', key)
  end
end
return 0
`;
