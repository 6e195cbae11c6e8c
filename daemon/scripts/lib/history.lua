-- history.lua: one entry of a ticket's history (全程留痕), the one place its JSON is written.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include history.lua" (create.lua, transition.lua,
-- timer_fire.lua, clock_set.lua).
--
-- history_push(key, e) appends to the list key (ht:history:<number>) the
-- entry e = {at (ms), principal, role, action, from, to (states), note,
-- dept (the lead department then, "" none), changes ({field =, value =}
-- list; nil: none)}, as daemon/record.c reads it back. Numbers may be given
-- as strings; history is never rewritten.
local function history_push(key, e)
  redis.call('RPUSH', key, cjson.encode({at = tonumber(e.at), principal = e.principal,
    role = tonumber(e.role), action = e.action, from = tonumber(e.from), to = tonumber(e.to),
    note = e.note, dept = e.dept, changes = e.changes or {}}))
end
