-- history.lua: a ticket's history (全程留痕), the one place its entries' JSON is written and its key is read.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include history.lua" (create.lua, transition.lua,
-- timer_fire.lua, clock_set.lua; show.lua and archive_read.lua read).
--
-- history_push(key, e) appends to ht:history:<number> (key) the entry
-- e = {at (ms), principal, role, action, from, to (states), note, dept (the
-- lead department then, "" none), changes ({field =, value =} list; nil:
-- none)}. Numbers may be given as strings; no entry is ever changed or
-- removed. history_entries(key) returns the entries, oldest first.
-- The key is one string, the entries one a line ("\n" never occurs inside
-- one: cjson escapes it): a list of three entries cost Redis ~96 bytes
-- more (quicklist, node, listpack headers). Histories of earlier versions
-- are lists, one entry an element: they are read alike and appended to as
-- lists, so no ticket in Redis needs converting.
-- Each entry is compact, one JSON array without member names:
--   [at, principal, role, action, from, to, note, dept, field, value, ...]
-- (a routing step's entry is half the size of the object it replaces).
-- A field named in HISTORY_FIELD_CODE is stored as its code, a JSON
-- integer (no field name is one): the routing step's eleven names take 14
-- bytes instead of 133. The history is append-only: entries in Redis keep
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
  local entry = cjson.encode(a)
  local kind = redis.call('TYPE', key).ok
  if kind == 'list' then
    redis.call('RPUSH', key, entry)
  elseif kind == 'string' then
    -- SET of the whole, not APPEND: APPEND grows a string's allocation
    -- greedily (to twice its length below 1 MB), which would give back the
    -- bytes the string saves.
    redis.call('SET', key, redis.call('GET', key) .. '\n' .. entry)
  else
    redis.call('SET', key, entry)
  end
end

-- The entries of the history at key (a string or, from earlier versions,
-- a list), oldest first; {} when there is none.
local function history_entries(key)
  local kind = redis.call('TYPE', key).ok
  if kind == 'list' then return redis.call('LRANGE', key, 0, -1) end
  local entries = {}
  if kind == 'string' then
    for e in string.gmatch(redis.call('GET', key), '[^\n]+') do entries[#entries + 1] = e end
  end
  return entries
end
