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
-- A field named in HISTORY_FIELD_CODE is stored as its code, a JSON
-- integer (no field name is one): the routing step's eleven names take 14
-- bytes instead of 133. The list is append-only: entries in Redis keep
-- their codes for years; record.c's history_fields is the same list.
-- A value that is an integer written plainly (no sign but '-', no leading
-- zero, at most 14 characters: cjson prints 14 digits exactly) is stored as
-- a JSON number, without its quotes; record.c reads it back as the string.
-- daemon/record.c (record_history_json) is its one reader: it reads this
-- and the JSON objects of earlier versions, {"at":..,"changes":[{"field":
-- ..,"value":..}],..}, alike, and hands the archive the object form.
local HISTORY_FIELD_CODE = {state = 0, dept = 1, dispatched_at = 2, clock_base = 3,
  clock_limit = 4, clock_left = 5, clock_suspended = 6, clock_ext = 7, sign_due = 8,
  complete_due = 9, warn_at = 10, return_until = 11, triage_reason = 12, closure = 13,
  direct_answer = 14}

-- The value as history_push stores it: a plain integer as a number (above).
local function history_value(v)
  if type(v) == 'string' and #v <= 14 and (v == '0' or string.match(v, '^%-?[1-9]%d*$')) then
    return tonumber(v)
  end
  return v
end

-- Appends entry e to the history list key (see above).
local function history_push(key, e)
  local a = {tonumber(e.at), e.principal, tonumber(e.role), e.action, tonumber(e.from),
    tonumber(e.to), e.note or '', e.dept or ''}
  for _, c in ipairs(e.changes or {}) do
    a[#a + 1] = HISTORY_FIELD_CODE[c.field] or c.field
    a[#a + 1] = history_value(c.value)
  end
  redis.call('RPUSH', key, cjson.encode(a))
end
