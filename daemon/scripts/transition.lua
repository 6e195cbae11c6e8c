-- transition.lua: moves a ticket from one state to the next (签收, 办结回复, ...), in one atomic step.
--
-- KEYS[1] ht:ticket:<number>   KEYS[2] ht:history:<number>
-- ARGV: now_ms principal role own_dept action from_states to_state
--       event_kind keep_open note feed_maxlen, then field/value pairs to set.
--   own_dept    non-empty: the ticket must belong to this department
--   from_states the states allowed now, comma-separated ("3" or "3,4")
--   event_kind  non-empty: append this event to the department's feed
--   keep_open   "1": the ticket stays in the department's open set, "0": leaves it
-- Errors: "NOTFOUND", "FORBIDDEN", "CONFLICT <state>". Returns the ticket hash.
local now, principal, role, own_dept = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local action, from_states, to_state = ARGV[5], ARGV[6], ARGV[7]
local event_kind, keep_open, note, feed_maxlen = ARGV[8], ARGV[9], ARGV[10], ARGV[11]

local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return redis.error_reply('NOTFOUND no such ticket')
end
local dept = redis.call('HGET', KEYS[1], 'dept') or ''
if own_dept ~= '' and dept ~= own_dept then
  return redis.error_reply('FORBIDDEN the ticket belongs to another department')
end
local allowed = false
for s in string.gmatch(from_states, '[^,]+') do
  if s == state then allowed = true end
end
if not allowed then
  return redis.error_reply('CONFLICT ' .. state)
end

local fields = {'state', to_state, 'updated_at', now}
for i = 12, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('RPUSH', KEYS[2], cjson.encode({at = tonumber(now), principal = principal,
  role = tonumber(role), action = action, from = tonumber(state), to = tonumber(to_state),
  note = note, dept = dept}))

local number = redis.call('HGET', KEYS[1], 'number')
if dept ~= '' then
  if keep_open == '0' then
    redis.call('ZREM', 'ht:dept:' .. dept .. ':open', number)
  end
  if event_kind ~= '' then
    redis.call('XADD', 'ht:dept:' .. dept .. ':feed', 'MAXLEN', '~', feed_maxlen, '*',
      'kind', event_kind, 'number', number, 'at', now, 'actor', principal)
    redis.call('PUBLISH', 'ht:wake', dept)
  end
end
return redis.call('HGETALL', KEYS[1])
