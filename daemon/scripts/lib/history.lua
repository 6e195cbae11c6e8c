-- history.lua: one entry of a ticket's history (全程留痕), the one place its JSON is written.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include history.lua" (create.lua, transition.lua,
-- timer_fire.lua, clock_set.lua).
--
-- history_push(key, e) appends to the list key (ht:history:<number>) the
-- entry e = {at (ms), principal, role, action, from, to (states), note,
-- dept (the lead department then, "" none), changes ({field =, value =}
-- list; nil: none)}. Numbers may be given as strings; history is never
-- rewritten. Stored compact, as one JSON array without member names:
--   [at, principal, role, action, from, to, note, dept, field, value, ...]
-- (a routing step's entry is half the size of the object it replaces).
-- daemon/record.c (record_history_json) is its one reader: it reads this
-- and the JSON objects of earlier versions, {"at":..,"changes":[{"field":
-- ..,"value":..}],..}, alike, and hands the archive the object form.
local function history_push(key, e)
  local a = {tonumber(e.at), e.principal, tonumber(e.role), e.action, tonumber(e.from),
    tonumber(e.to), e.note or '', e.dept or ''}
  for _, c in ipairs(e.changes or {}) do
    a[#a + 1] = c.field
    a[#a + 1] = c.value
  end
  redis.call('RPUSH', key, cjson.encode(a))
end
