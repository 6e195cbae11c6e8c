-- timers.lua: arms and disarms a ticket's timers in ht:timers, the one place their members are written.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include timers.lua" (create.lua, transition.lua, clock_set.lua;
-- timer_fire.lua for the overdue timer a warning arms). Include keys.lua
-- before it.
--
-- Members are "<number>:<kind>:<tag>", scored by due time; tag is the
-- ticket's clock generation (clock_gen) for sign, warn and overdue, the due
-- time itself for callback and sup (timer_fire.lua checks it when it fires).
-- A ticket keeps one completion timer at a time: while a warning (黄灯) is
-- due no later than the overdue (红灯), only the warning is armed, and
-- timer_fire.lua arms the overdue (at complete_due, same generation) when the
-- warning fires. Each member costs Redis ~120 bytes.

-- Arms one timer; wakes the daemons when it is now the earliest.
local function timers_add(number, kind, due, tag)
  local member = number .. ':' .. kind .. ':' .. tag
  redis.call('ZADD', KEY.timers, due, member)
  if redis.call('ZRANGE', KEY.timers, 0, 0)[1] == member then
    redis.call('PUBLISH', KEY.wake, KEY.timers)   -- earlier than any daemon sleeps
  end
end

-- Arms the timers of spec, "sign=<ms>,warn=<ms>,overdue=<ms>,..." or a table
-- kind -> due, for generation gen (see above for the overdue).
local function timers_arm(number, spec, gen)
  local t = spec
  if type(spec) == 'string' then
    t = {}
    for kind, due in string.gmatch(spec, '(%a+)=(%d+)') do t[kind] = due end
  end
  for kind, due in pairs(t) do
    if not (kind == 'overdue' and t.warn and tonumber(t.warn) <= tonumber(due)) then
      timers_add(number, kind, due, (kind == 'callback' or kind == 'sup') and due or gen)
    end
  end
end

-- Removes the ticket's timers of generation gen among kinds (a list): they
-- can no longer fire (timer_fire.lua would drop them when due).
local function timers_disarm(number, gen, kinds)
  for _, kind in ipairs(kinds) do
    redis.call('ZREM', KEY.timers, number .. ':' .. kind .. ':' .. gen)
  end
end
