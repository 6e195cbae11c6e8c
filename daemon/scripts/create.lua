-- create.lua: registers a ticket (登记) and dispatches it (派单), queues it for triage, or records its transfer (转警), in one atomic step.
--
-- KEYS[1] ht:callid:<call id>   idempotency: the call id (callids.lua)
-- KEYS[2] ht:seq:<yyyymmdd>     daily sequence
-- KEYS[3] ht:caller:<phone>     the caller's tickets (重复来电)
-- KEYS[4] ht:triage             tickets waiting for a dispatcher
-- KEYS[5] ht:recent:<district>  the district's recent tickets scored by time,
--                               "<number>:<hi>:<lo>:<ms>" (SimHash halves, time):
--                               repeats, hot spots
-- KEYS[6] ht:dept:<id>:open     (only when dispatching) the department's open tickets
-- KEYS[7] ht:dept:<id>:feed     (only when dispatching) the department's event stream
-- ARGV: name/value pairs of parameters (args.lua), then "--", then
-- field/value pairs of the ticket (the clock's among them). Parameters:
--   now day principal role dept   when (ms), today (yyyymmdd), who
--            registers, and the department it is dispatched to ("" none)
--   registered to   the state after registering and after routing
--   route_action route_note dept_event centre_event   the routing step's
--            history name and note, and its events ("0" none)
--   feed_maxlen similar simhash matter district similar_repeat near timers
--   similar: "repeat_window_ms,recent_max,hot_count,hot_window_ms"
--            (repeat_window_ms 0: no repeats; hot_count 0: no hot spots)
--   simhash: "<hi>:<lo>", the text's 64-bit SimHash as two unsigned 32-bit
--            halves, kept in KEYS[5] for the tickets after this one
--   matter:  the top suggestion's category ("" none), for hot spots
--   similar_repeat: the district's ticket with the nearest text, as the
--            daemon found it (recent_read.lua, then repeat.c), or ""
--   near:    "<count>:a,b": how many of the district's tickets have nearly
--            the same text within the hot window, and the newest of them,
--            as the daemon found them ("0:" none)
--   timers:  "sign=<ms>,warn=<ms>,overdue=<ms>" to arm, generation 1.
--   dept non-empty: dispatched to it (its open list, its feed); else, with
--   to triage, into the triage queue with a centre event; else
--   (直接办结, 转警) nowhere: closed or transferred at once.
-- Repeats (重复件): the caller's latest ticket within the window, else
-- similar_repeat, is set as repeat_of (its master if it was merged).
-- Hot spots (高频件): when hot_count tickets of the district share the matter
-- (or, without one, this one and the near ones) within the hot window, one
-- EVENT_KIND_HOT_SPOT goes to the supervisors' feed, at most once per window
-- per district and matter.
-- Counters (统一考核, see stats.lua): registered; for a dispatched ticket
-- received by its department and a round started (the daemon passes st_ws,
-- the working-seconds index of now, among the fields); direct answers and
-- transfers; the state count and the deadline indexes.
-- Returns {"dup", number, ticket hash} when the call id was seen before,
-- else {"new", number, ticket hash}. Ticket keys are derived from the number
-- this script allocates: hotline runs on one Redis primary, not a cluster.
-- @include keys.lua
-- @include consts.lua
-- @include args.lua
-- @include stats.lua
-- @include outbox.lua
-- @include history.lua
-- @include timers.lua
-- @include fields.lua
-- @include callids.lua

local p, given = named_args()
local now, day, principal, role, dept = p.now, p.day, p.principal, p.role, p.dept
local registered, to_state = p.registered, p.to
local route_action, route_note = p.route_action, p.route_note
local dept_event, centre_event, feed_maxlen = p.dept_event, p.centre_event, p.feed_maxlen
local simhash, matter, district = p.simhash, p.matter, p.district
local similar_repeat, near, timers = p.similar_repeat, p.near, p.timers
local HOT_NUMBERS_MAX = 50

local call_id = string.sub(KEYS[1], #KEY.callid('') + 1)
local existing = callids_find(call_id)
if existing then
  return {'dup', existing, redis.call('HGETALL', KEY.ticket(existing))}
end

local similar = {}
for v in string.gmatch(p.similar, '[^,]+') do similar[#similar + 1] = tonumber(v) end
local repeat_window, recent_max, hot_count, hot_window =
  similar[1], similar[2], similar[3], similar[4]
local t_now = tonumber(now)

local seq = redis.call('INCR', KEYS[2])
if seq == 1 then
  redis.call('EXPIRE', KEYS[2], 8 * 86400)
end
local number = day .. string.format('%06d', seq)
local ticket = KEY.ticket(number)
local history = KEY.history(number)

-- 重复件: returns the earlier ticket and the reason, or nil.
local function find_repeat()
  if repeat_window <= 0 then return nil end
  local last = redis.call('ZREVRANGEBYSCORE', KEYS[3], '+inf', t_now - repeat_window,
    'LIMIT', 0, 1)[1]
  if last then return last, REPEAT_REASON.SAME_CALLER end
  if similar_repeat ~= '' then return similar_repeat, REPEAT_REASON.SIMILAR_TEXT end
  return nil
end

local repeat_of, repeat_reason = find_repeat()
local earlier_confidential = false
if repeat_of then
  local s = redis.call('HMGET', KEY.ticket(repeat_of), 'state', 'master', 'confidential')
  if s[1] == TICKET_STATE.MERGED and s[2] and s[2] ~= '' then repeat_of = s[2] end
  earlier_confidential = s[3] == '1'
end

local fields = {'number', number, 'state', to_state, 'dept', dept,
  'created_at', now, 'updated_at', now, 'created_by', principal}
for i = 1, #given, 2 do
  if not field_is_default(given[i], given[i + 1]) then   -- fields.lua
    fields[#fields + 1] = given[i]
    fields[#fields + 1] = given[i + 1]
  end
end
if repeat_of then
  fields[#fields + 1] = 'repeat_of'
  fields[#fields + 1] = repeat_of
  fields[#fields + 1] = 'repeat_reason'
  fields[#fields + 1] = repeat_reason
  -- A same-caller link with a 保密 ticket on either end would name the
  -- caller to departments: their views leave it out (record.c).
  if repeat_reason == REPEAT_REASON.SAME_CALLER and earlier_confidential then
    fields[#fields + 1] = 'repeat_private'
    fields[#fields + 1] = '1'
  end
end
redis.call('HSET', ticket, unpack(fields))
fields_compact(ticket)
callids_add(call_id, number)
redis.call('ZADD', KEYS[3], now, number)

-- The routing step lists the fields it set, as a dispatcher's dispatch does
-- (hotlined(8): every step records the fields it changed).
local ROUTE_FIELDS = {dispatched_at = true, clock_base = true, clock_limit = true,
  clock_left = true, clock_suspended = true, clock_ext = true, sign_due = true,
  complete_due = true, warn_at = true, return_until = true, triage_reason = true,
  closure = true, direct_answer = true}
local routed = {}
if dept ~= '' then routed[1] = {field = 'dept', value = dept} end
for i = 1, #given, 2 do
  if ROUTE_FIELDS[given[i]] then routed[#routed + 1] = {field = given[i], value = given[i + 1]} end
end
history_push(history, {at = now, principal = principal, role = role, action = ACTION.CREATE,
  from = TICKET_STATE.UNSPECIFIED, to = registered, note = '', dept = ''})
history_push(history, {at = now, principal = principal, role = role, action = route_action,
  from = registered, to = to_state, note = route_note, dept = dept, changes = routed})

-- Appends an event to a feed and wakes the daemons that watch it.
local function push(feed, kind)
  redis.call('XADD', feed, 'MAXLEN', '~', feed_maxlen, '*', 'kind', kind,
    'number', number, 'at', now, 'actor', principal)
  redis.call('PUBLISH', KEY.wake, feed)
end

if dept ~= '' then
  redis.call('ZADD', KEYS[6], now, number)
  push(KEYS[7], dept_event)
  redis.call('HSET', ticket, 'clock_gen', '1', 'clocked', '1')   -- clock_scan.lua
  timers_arm(number, timers, '1')
elseif to_state == TICKET_STATE.TRIAGE then
  redis.call('ZADD', KEYS[4], now, number)
  push(KEY.centre_feed, centre_event)
end

stats_state(nil, to_state)
stats_count(day, number, '', 'registered', 1)
if dept ~= '' then
  stats_count(day, number, dept, 'received', 1)
  stats_round(number, redis.call('HGET', ticket, 'st_ws') or '0')
  stats_index(number)
elseif to_state == TICKET_STATE.CLOSED then
  stats_count(day, number, '', 'direct_answers', 1)
elseif to_state == TICKET_STATE.TRANSFERRED then
  stats_count(day, number, '', 'transferred', 1)
end

-- The district's recent tickets, bounded by age and count.
if district ~= '' and simhash ~= '0:0' and (repeat_window > 0 or hot_count > 0) then
  local keep = math.max(repeat_window, hot_count > 0 and hot_window or 0)
  redis.call('ZADD', KEYS[5], now, number .. ':' .. simhash .. ':' .. now)
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. (t_now - keep))
  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -(recent_max + 1))
  redis.call('PEXPIRE', KEYS[5], keep)
end

-- 高频件: the burst's numbers (newest first) and its place, or nil.
local function find_burst()
  local since = t_now - hot_window
  if matter ~= '' then
    local key = KEY.hot(district, matter)
    redis.call('ZADD', key, now, number)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. since)
    redis.call('PEXPIRE', key, hot_window)
    local count = redis.call('ZCARD', key)
    if count >= hot_count then
      return redis.call('ZREVRANGE', key, 0, HOT_NUMBERS_MAX - 1), count, matter
    end
    return nil
  end
  local count, list = string.match(near, '^(%d+):(.*)$')
  local burst = {number}
  for n in string.gmatch(list or '', '[^,]+') do burst[#burst + 1] = n end
  count = (tonumber(count) or 0) + 1
  if count >= hot_count then return burst, count, '相似诉求' end
  return nil
end

if hot_count > 0 and district ~= '' then
  local numbers, count, what = find_burst()
  if numbers and redis.call('SET', KEY.hot_sent(district, what), '1',
      'NX', 'PX', hot_window) then
    local shown = {}
    for i = 1, math.min(#numbers, HOT_NUMBERS_MAX) do shown[i] = numbers[i] end
    redis.call('XADD', KEY.supervision_feed, 'MAXLEN', '~', feed_maxlen, '*',
      'kind', EVENT_KIND.HOT_SPOT, 'number', number, 'at', now, 'actor', 'hotlined',
      'numbers', table.concat(shown, ','), 'count', tostring(count),
      'place', district .. ' ' .. what)
    redis.call('PUBLISH', KEY.wake, KEY.supervision_feed)
  end
end
outbox(number, ACTION.CREATE)
return {'new', number, redis.call('HGETALL', ticket)}
