-- create.lua: registers a ticket (登记) and either dispatches it (派单) or queues it for triage, in one atomic step.
--
-- KEYS[1] ht:callid:<call id>   idempotency key
-- KEYS[2] ht:seq:<yyyymmdd>     daily sequence
-- KEYS[3] ht:caller:<phone>     the caller's tickets (重复来电)
-- KEYS[4] ht:triage             tickets waiting for a dispatcher
-- KEYS[5] ht:dept:<id>:open     (only when dispatching) the department's open tickets
-- KEYS[6] ht:dept:<id>:feed     (only when dispatching) the department's event stream
-- ARGV: now_ms day principal role dept registered_state to_state route_action
--       route_note dept_event centre_event feed_maxlen timers, then
--       field/value pairs of the ticket (the clock's among them).
--   timers: "sign=<ms>,warn=<ms>,overdue=<ms>" to arm, generation 1.
--   dept non-empty: dispatched to it (its open list, its feed); else, with
--   to_state triage (2), into the triage queue with a centre event; else
--   (直接办结) closed at once.
-- Returns {"dup", number, ticket hash} when the call id was seen before,
-- else {"new", number, ticket hash}. Ticket keys are derived from the number
-- this script allocates: hotline runs on one Redis primary, not a cluster.
local now, day, principal, role, dept = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local registered, to_state = ARGV[6], ARGV[7]
local route_action, route_note = ARGV[8], ARGV[9]
local dept_event, centre_event, feed_maxlen = ARGV[10], ARGV[11], ARGV[12]
local timers = ARGV[13]
local FIRST_FIELD = 14

local existing = redis.call('GET', KEYS[1])
if existing then
  return {'dup', existing, redis.call('HGETALL', 'ht:ticket:' .. existing)}
end

local seq = redis.call('INCR', KEYS[2])
if seq == 1 then
  redis.call('EXPIRE', KEYS[2], 8 * 86400)
end
local number = day .. string.format('%06d', seq)
local ticket = 'ht:ticket:' .. number
local history = 'ht:history:' .. number

local fields = {'number', number, 'state', to_state, 'dept', dept,
  'created_at', now, 'updated_at', now, 'created_by', principal}
for i = FIRST_FIELD, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
redis.call('HSET', ticket, unpack(fields))
redis.call('SET', KEYS[1], number)
redis.call('ZADD', KEYS[3], now, number)

local function entry(action, from, to, note, d)
  return cjson.encode({at = tonumber(now), principal = principal, role = tonumber(role),
    action = action, from = tonumber(from), to = tonumber(to), note = note, dept = d})
end
redis.call('RPUSH', history, entry('create', 0, registered, '', ''),
  entry(route_action, registered, to_state, route_note, dept))

-- Appends an event to a feed and wakes the daemons that watch it.
local function push(feed, kind)
  redis.call('XADD', feed, 'MAXLEN', '~', feed_maxlen, '*', 'kind', kind,
    'number', number, 'at', now, 'actor', principal)
  redis.call('PUBLISH', 'ht:wake', feed)
end

if dept ~= '' then
  redis.call('ZADD', KEYS[5], now, number)
  push(KEYS[6], dept_event)
  redis.call('HSET', ticket, 'clock_gen', '1')
  redis.call('SADD', 'ht:clocks', number)
  for kind, due in string.gmatch(timers, '(%a+)=(%d+)') do
    local member = number .. ':' .. kind .. ':1'
    redis.call('ZADD', 'ht:timers', due, member)
    if redis.call('ZRANGE', 'ht:timers', 0, 0)[1] == member then
      redis.call('PUBLISH', 'ht:wake', 'ht:timers')
    end
  end
elseif to_state == '2' then
  redis.call('ZADD', KEYS[4], now, number)
  push('ht:centre:feed', centre_event)
end
return {'new', number, redis.call('HGETALL', ticket)}
