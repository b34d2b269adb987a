/**
 * Redis scripts of the admission ledger. Each runs atomically, so no two requests can both
 * take the last place. KEYS[1] pending (zset: upload id → expiry ms), KEYS[2] queued (zset:
 * job id → expiry ms), KEYS[3] bytes (hash: id → bytes), KEYS[4] total bytes (string).
 * Expired entries (an api that died mid-upload, a job whose upload expired) are purged first.
 */
const PURGE = `
local function purge(zset, now)
  local gone = redis.call('ZRANGEBYSCORE', zset, '-inf', now)
  for _, id in ipairs(gone) do
    local bytes = tonumber(redis.call('HGET', KEYS[3], id) or '0')
    redis.call('HDEL', KEYS[3], id)
    redis.call('DECRBY', KEYS[4], bytes)
  end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', zset, '-inf', now) end
end
`;

/**
 * Reserve a place and `bytes` for an upload before its body is read. KEYS[5..7] are BullMQ's
 * wait list, prioritized and delayed sets: jobs already queued count with the uploads still
 * arriving. KEYS[8] is its active list, for the latency budget: the jobs that must end before
 * this one's model starts (queue-wait.ts completionsBeforeStart) may be at most ARGV[8] (-1: no
 * budget), with ARGV[7] sessions. ARGV: id, bytes, expiry ms, now ms, max depth, max bytes,
 * sessions, allowed completions.
 * Returns {1} when admitted, {0, 'depth' | 'bytes' | 'wait', depth, queued bytes, active}.
 */
export const RESERVE_SCRIPT = `${PURGE}
local now = tonumber(ARGV[4])
purge(KEYS[1], now)
purge(KEYS[2], now)
local depth = redis.call('ZCARD', KEYS[1]) + redis.call('LLEN', KEYS[5])
  + redis.call('ZCARD', KEYS[6]) + redis.call('ZCARD', KEYS[7])
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
local bytes = tonumber(ARGV[2])
if depth + 1 > tonumber(ARGV[5]) then return {0, 'depth', depth, total, 0} end
if total + bytes > tonumber(ARGV[6]) then return {0, 'bytes', depth, total, 0} end
local allowed = tonumber(ARGV[8])
if allowed >= 0 then
  local active = redis.call('LLEN', KEYS[8])
  if depth + active + 1 - tonumber(ARGV[7]) > allowed then
    return {0, 'wait', depth, total, active}
  end
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], bytes)
redis.call('INCRBY', KEYS[4], bytes)
return {1}
`;

/**
 * The upload became a queued job: from pending to queued with its real size (never more than
 * reserved) and a new expiry. ARGV: id, bytes, expiry ms. Returns 1, or 0 if it had expired.
 */
export const HAND_OVER_SCRIPT = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local reserved = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
local bytes = math.min(reserved, tonumber(ARGV[2]))
redis.call('HSET', KEYS[3], ARGV[1], bytes)
redis.call('DECRBY', KEYS[4], reserved - bytes)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
`;

/** Gives back an upload's or a job's place and bytes; idempotent. ARGV: id. */
export const RELEASE_SCRIPT = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
if removed == 0 then return 0 end
local bytes = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('DECRBY', KEYS[4], bytes)
return 1
`;
