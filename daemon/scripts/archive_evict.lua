-- archive_evict.lua: removes closed tickets PostgreSQL holds at their latest version from Redis (retention, daemon/archive-retention.c), with their indexes.
--
-- Arguments (args.lua): no parameters, then "--" and the list: number,
-- archived version, number, archived version, ...
-- A ticket leaves only if it is still final (closed, merged,
-- transferred) and its version is the archived one: a change made after
-- the archive's copy keeps it until that change is archived too. Its keys
-- go (hash, history, assisting parts, merged set, counter log) and its
-- entries in the caller's list, the call-id index, the clock set and the
-- deadline indexes. Returns the numbers no longer in Redis (removed now or
-- before).
-- @include keys.lua
-- @include consts.lua
-- @include args.lua
-- @include callids.lua
local FINAL = {[TICKET_STATE.CLOSED] = true, [TICKET_STATE.MERGED] = true,
  [TICKET_STATE.TRANSFERRED] = true}
local _, list = named_args({})
local gone = {}
for i = 1, #list - 1, 2 do
  local n, v = list[i], list[i + 1]
  local key = KEY.ticket(n)
  local t = redis.call('HMGET', key, 'state', 'version', 'caller_phone', 'call_id', 'dept')
  if not t[1] then
    gone[#gone + 1] = n
  elseif FINAL[t[1]] and (t[2] or '0') == v then
    redis.call('DEL', key, KEY.history(n), KEY.assist(n), KEY.merged(n),
      KEY.counted(n))
    if t[3] and t[3] ~= '' then redis.call('ZREM', KEY.caller(t[3]), n) end
    if t[4] and t[4] ~= '' then callids_forget(t[4], n) end
    redis.call('SREM', KEY.clocks, n)
    redis.call('ZREM', KEY.due('sign'), n)
    redis.call('ZREM', KEY.due('complete'), n)
    if t[5] and t[5] ~= '' then
      redis.call('ZREM', KEY.due_dept('sign', t[5]), n)
      redis.call('ZREM', KEY.due_dept('complete', t[5]), n)
    end
    gone[#gone + 1] = n
  end
end
return gone
