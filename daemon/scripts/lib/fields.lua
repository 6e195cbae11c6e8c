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
local FIELD_DEFAULT = {clock_left = '-1', clock_suspended = '0', clock_ext = ''}

-- The field's value in the ticket hash key: its default when absent (false
-- when it has none).
local function field_get(key, field)
  local v = redis.call('HGET', key, field)
  if v then return v end
  return FIELD_DEFAULT[field] or false
end

-- Sets the field, or removes it when value is its default.
local function field_set(key, field, value)
  if FIELD_DEFAULT[field] == value then
    redis.call('HDEL', key, field)
  else
    redis.call('HSET', key, field, value)
  end
end

-- Whether a field/value pair, written to a new ticket, may be left out.
local function field_is_default(field, value)
  return FIELD_DEFAULT[field] == value
end
