-- clock_set.lua: stores recomputed deadlines of one ticket and re-arms its timers (after a calendar change).
--
-- KEYS[1] ht:ticket:<number>   KEYS[2] ht:history:<number>
-- ARGV: name/value pairs of parameters (args.lua), then "--", then the
-- ticket's field/value pairs. Parameters:
--   gen     the clock_gen they were computed from   now   the time (ms)
--   timers  "sign=<ms>,warn=<ms>,overdue=<ms>,callback=<ms>,sup=<ms>"
--           (breaches that already fired are left out by the daemon)
--   note    the history note ("因2027年放假通知调整期限：…")
--   feed_maxlen   feed length (MAXLEN ~)
-- When a field changes: one history entry, and one DEADLINE_MOVED event
-- to the lead and assisting departments' feeds. Several daemons recomputing
-- at once write each change once: the first bumps clock_gen, the others'
-- answers are 0 or change nothing.
-- Returns 1, or 0 when the ticket changed meanwhile (its own step re-armed it).
-- @include keys.lua
-- @include consts.lua
-- @include args.lua
-- @include stats.lua
-- @include outbox.lua
-- @include history.lua
-- @include fields.lua
-- @include timers.lua

local p, given = named_args({'gen', 'now', 'timers', 'note', 'feed_maxlen'})
if (redis.call('HGET', KEYS[1], 'clock_gen') or '0') ~= p.gen then
  return 0
end
local number = string.sub(KEYS[1], #KEY.ticket('') + 1)
local changes = {}
local names = {}
for i = 1, #given, 2 do names[#names + 1] = given[i] end
local was = #names > 0 and fields_snapshot(KEYS[1], names) or {}   -- fields.lua
for i = 1, #given, 2 do
  if was[given[i]] ~= given[i + 1] then
    changes[#changes + 1] = {field = given[i], value = given[i + 1]}
    field_set(KEYS[1], given[i], given[i + 1])
  end
end
local gen = tostring(redis.call('HINCRBY', KEYS[1], 'clock_gen', 1))
timers_disarm(number, p.gen, {'sign', 'warn', 'overdue'})   -- the generation this one ends
timers_arm(number, p.timers, gen)
stats_index(number)   -- the deadline indexes follow the new deadlines
if #changes > 0 then
  local lead = redis.call('HGET', KEYS[1], 'dept') or ''
  local state = redis.call('HGET', KEYS[1], 'state')
  history_push(KEYS[2], {at = p.now, principal = 'hotlined', role = 0, action = 'recompute',
    from = state, to = state, note = p.note, dept = lead, changes = changes})
  local depts = {}
  if lead ~= '' then depts[1] = lead end
  for a in string.gmatch(redis.call('HGET', KEYS[1], 'assists') or '', '[^,]+') do
    depts[#depts + 1] = a
  end
  for _, d in ipairs(depts) do
    local feed = KEY.dept_feed(d)
    redis.call('XADD', feed, 'MAXLEN', '~', p.feed_maxlen, '*', 'kind',
      EVENT_KIND.DEADLINE_MOVED, 'number', number, 'at', p.now, 'actor', 'hotlined',
      'note', p.note)
    redis.call('PUBLISH', KEY.wake, feed)
  end
end
outbox(number, 'recompute')
return 1
