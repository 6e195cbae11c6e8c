-- fields.lua: the ticket hash fields whose default is kept by leaving the field out, the one place that list is written.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include fields.lua" (create.lua, transition.lua, clock_set.lua).
--
-- A field of FIELD_DEFAULT absent from ht:ticket:<number> reads as its
-- default, as daemon/clock.c's clock_read reads it: a running clock
-- (clock_left -1, clock_suspended 0, no extension) no longer costs a
-- dispatched ticket ~47 bytes of Redis. Tickets of earlier versions have
-- the defaults stored: they read alike, and the field leaves when it is
-- set to its default again. A step's history still lists such a field
-- when the step sets it (create.lua's routing step, transition.lua).
-- A field of FIELD_SAME_AS absent reads as the other field's value: the
-- clock's base is its start (dispatched_at) until a resume moves it (22
-- bytes), and the department whose deadline indexes hold the ticket is
-- its lead department (stats.lua's st_due_dept, 18 bytes). Before that
-- other field changes (field_set), the value it gave is stored.
local FIELD_DEFAULT = {clock_left = '-1', clock_suspended = '0', clock_ext = ''}
local FIELD_SAME_AS = {clock_base = 'dispatched_at', st_due_dept = 'dept'}
-- These are a clock's fields: a ticket whose clock never started (no
-- dispatched_at) has none of them, and its first dispatch lists them all.
local FIELD_DEFAULTS_WHEN = 'dispatched_at'

-- Sets the field, or removes it when value is what its absence reads as.
local function field_set(key, field, value)
  for same, other in pairs(FIELD_SAME_AS) do
    if other == field and redis.call('HEXISTS', key, same) == 0 then
      local was = redis.call('HGET', key, other)
      if was and was ~= value then redis.call('HSET', key, same, was) end
    end
  end
  local same = FIELD_SAME_AS[field]
  if FIELD_DEFAULT[field] == value or (same and redis.call('HGET', key, same) == value) then
    redis.call('HDEL', key, field)
  else
    redis.call('HSET', key, field, value)
  end
end

-- The values of fields names (a list) in the ticket hash key, an absent
-- one read as the field it is the same as or, once the clock started, as
-- its default (false: none),
-- taken before a step changes any: a table name -> value. A
-- step compares with these, not with what an earlier change of the same
-- step made a FIELD_SAME_AS field read as.
local function fields_snapshot(key, names)
  local v = redis.call('HMGET', key, unpack(names))
  local raw, out = {}, {}
  for i, n in ipairs(names) do raw[n] = v[i] end
  local started = redis.call('HEXISTS', key, FIELD_DEFAULTS_WHEN) == 1
  for _, n in ipairs(names) do
    local x = raw[n]
    local other = FIELD_SAME_AS[n]
    if not x and other then
      x = raw[other]
      if x == nil then x = redis.call('HGET', key, other) end
    end
    if not x and started then x = FIELD_DEFAULT[n] end
    out[n] = x or false
  end
  return out
end

-- Whether a field/value pair, written to a new ticket, may be left out.
local function field_is_default(field, value)
  return FIELD_DEFAULT[field] == value
end

-- Removes a new ticket's fields that read the same absent (FIELD_SAME_AS).
local function fields_compact(key)
  for same, other in pairs(FIELD_SAME_AS) do
    local v = redis.call('HMGET', key, same, other)
    if v[1] and v[1] == v[2] then redis.call('HDEL', key, same) end
  end
end
