-- stats.lua: the supervision office's counters (统一考核) and deadline indexes, kept in the same atomic step as the change they count.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include stats.lua", so create.lua, transition.lua,
-- timer_fire.lua and clock_set.lua share one definition. Include
-- keys.lua and consts.lua before it.
--
-- ht:stats:<period>:<scope>  hashes per local day (yyyymmdd, Asia/Shanghai)
--                      and per month (yyyymm), one per scope: "d" (the lead
--                      department), "c" (category), "z" (district), with
--                      fields "<id>:<counter>" ("-" for an empty id), and
--                      "all" with fields "<counter>". Counter names are
--                      proto's Counters fields. Months make a quarter three
--                      reads.
-- st_counted           ticket field: lines "<day> <department>:<counter>
--                      <delta>" (or ":<counter> <delta>": the day and
--                      department of the line before), what the ticket added to department
--                      counters, taken back by 免考核 (earlier versions kept
--                      them in a list of its own, ht:counted:<number>, still
--                      read: a key per ticket cost ~250 bytes).
-- ht:breaches:<day>    list of "<at> <number> <kind> <department> <due>".
-- ht:stats:states      hash state -> tickets in it now (for /metrics).
-- ht:due:sign          tickets waiting to be signed (state dispatched), by
--                      sign-for deadline; ht:due:complete: tickets at their
--                      department (dispatched, accepted), by completion
--                      deadline. Suspended tickets are in neither. The same
--                      per lead department: ht:due:sign:<dept>, ...
-- A round is one dispatch (派单, 改派, 重办): ticket fields st_ws (working
-- seconds index at dispatch), st_sign and st_done ("ok", "late"; absent
-- while pending: an empty field cost 11 bytes; earlier versions stored "")
-- settle each deadline of the round once. No st_ws: no round.

-- Adds delta to field of scope on day and in day's month.
local function stats_field(day, scope, field, delta)
  redis.call('HINCRBY', KEY.stats(day, scope), field, delta)
  redis.call('HINCRBY', KEY.stats(string.sub(day, 1, 6), scope), field, delta)
end

-- Reads st_counted (see above): calls each(day, field, delta) for every line
-- (each may be nil) and returns the day and department of the last one. A line ":<counter> <delta>" has the day and
-- department of the line before it (the ticket's lines of one department on
-- one day take a third of the room).
local function stats_counted_each(text, each)
  local day, dept
  for e in string.gmatch(text, '[^\n]+') do
    local d, field, delta = string.match(e, '^(%d+) (.+) (%-?%d+)$')
    if d then
      day, dept = d, string.match(field, '^(.*):[^:]*$')
    else
      local counter
      counter, delta = string.match(e, '^:(.+) (%-?%d+)$')
      field = (counter and day) and (dept .. ':' .. counter) or nil
    end
    if field and each then each(day, field, tonumber(delta)) end
  end
  return day, dept
end

-- Adds delta to counter for the ticket's category, district and the total,
-- and, unless the ticket is exempt (免考核), for department dept ("": none),
-- remembering that so 免考核 can take it back.
local function stats_count(day, number, dept, counter, delta)
  local t = redis.call('HMGET', KEY.ticket(number), 'category', 'district', 'exempt')
  local category = (t[1] and t[1] ~= '') and t[1] or '-'
  local district = (t[2] and t[2] ~= '') and t[2] or '-'
  stats_field(day, 'all', counter, delta)
  stats_field(day, 'c', category .. ':' .. counter, delta)
  stats_field(day, 'z', district .. ':' .. counter, delta)
  if dept ~= '' and t[3] ~= '1' then
    local field = dept .. ':' .. counter
    stats_field(day, 'd', field, delta)
    local key = KEY.ticket(number)
    local was = redis.call('HGET', key, 'st_counted')
    local line = day .. ' ' .. field .. ' ' .. delta
    if was then
      local last_day, last_dept = stats_counted_each(was)
      if last_day == day and last_dept == dept then line = ':' .. counter .. ' ' .. delta end
      line = was .. '\n' .. line
    end
    redis.call('HSET', key, 'st_counted', line)
  end
end

-- Moves one ticket from state "from" to state "to" in ht:stats:states
-- (from or to nil: entering or leaving the count).
local function stats_state(from, to)
  if from == to then return end
  if from then redis.call('HINCRBY', KEY.stats_states, from, -1) end
  if to then redis.call('HINCRBY', KEY.stats_states, to, 1) end
end

-- Starts a round for the ticket at working-seconds index ws.
local function stats_round(number, ws)
  redis.call('HSET', KEY.ticket(number), 'st_ws', ws)
  redis.call('HDEL', KEY.ticket(number), 'st_sign', 'st_done')
end

-- Records a breach in the day's list.
local function stats_breach(day, now, number, kind, dept, due)
  redis.call('RPUSH', KEY.breaches(day), table.concat({tostring(now), number, kind,
    dept ~= '' and dept or '-', tostring(due or 0)}, ' '))
end

-- Settles the round's deadline ("sign" or "done") once: on time counts
-- ok_counter, late counts late_counter. Returns 1 when it settled it now.
local function stats_settle(day, number, dept, which, late, ok_counter, late_counter)
  local key = KEY.ticket(number)
  local t = redis.call('HMGET', key, 'st_ws', 'st_' .. which)
  if not t[1] or (t[2] and t[2] ~= '') then return 0 end
  redis.call('HSET', key, 'st_' .. which, late and 'late' or 'ok')
  stats_count(day, number, dept, late and late_counter or ok_counter, 1)
  return 1
end

-- Adds the working seconds since the round started (index ws) to counter.
local function stats_duration(day, number, dept, counter, ws)
  local start = tonumber(redis.call('HGET', KEY.ticket(number), 'st_ws') or '')
  local now = tonumber(ws)
  if start and now and now > start then
    stats_count(day, number, dept, counter, now - start)
  end
end

-- 免考核: takes the ticket's department counts back, whatever day they fell on.
local function stats_exempt(number)
  local list, key = KEY.counted(number), KEY.ticket(number)
  local lines = redis.call('LRANGE', list, 0, -1)
  for _, e in ipairs(lines) do
    local day, field, delta = string.match(e, '^(%d+) (.+) (%-?%d+)$')
    if day then stats_field(day, 'd', field, -tonumber(delta)) end
  end
  stats_counted_each(redis.call('HGET', key, 'st_counted') or '', function(day, field, delta)
    stats_field(day, 'd', field, -delta)
  end)
  redis.call('DEL', list)
  redis.call('HDEL', key, 'st_counted')
end

-- Puts the ticket in the deadline indexes its state and deadlines call for,
-- the city's and its lead department's (st_due_dept: the department whose
-- indexes hold it, so a re-dispatch or return takes it out of them; absent
-- while it is the lead department, fields.lua's FIELD_SAME_AS, which
-- stores it before transition.lua changes dept; 18 bytes).
local function stats_index(number)
  local key = KEY.ticket(number)
  local t = redis.call('HMGET', key, 'state', 'sign_due', 'complete_due', 'dept', 'st_due_dept')
  local sign, complete, dept = tonumber(t[2] or ''), tonumber(t[3] or ''), t[4] or ''
  local old = t[5] or dept
  if old ~= '' and old ~= dept then
    redis.call('ZREM', KEY.due_dept('sign', old), number)
    redis.call('ZREM', KEY.due_dept('complete', old), number)
  end
  local function place(index, due, wanted)
    if wanted and due and due > 0 then
      redis.call('ZADD', KEY.due(index), due, number)
      if dept ~= '' then redis.call('ZADD', KEY.due_dept(index, dept), due, number) end
    else
      redis.call('ZREM', KEY.due(index), number)
      if dept ~= '' then redis.call('ZREM', KEY.due_dept(index, dept), number) end
    end
  end
  place('sign', sign, t[1] == TICKET_STATE.DISPATCHED)
  place('complete', complete, t[1] == TICKET_STATE.DISPATCHED or t[1] == TICKET_STATE.ACCEPTED)
  if t[5] then redis.call('HDEL', key, 'st_due_dept') end
end
