-- clock_offset.lua: reads (and with ARGV[1] > 0, first advances) the test clock's offset; see ShiftClockRequest.
--
-- KEYS[1] ht:clock:offset   ARGV[1] milliseconds to add (0: only read)
-- Returns the offset in ms. Advancing wakes every daemon's clock and timers.
-- @include keys.lua
local advance = tonumber(ARGV[1])
if advance > 0 then
  local offset = redis.call('INCRBY', KEYS[1], advance)
  redis.call('PUBLISH', KEY.wake, KEY.clock)
  return offset
end
return tonumber(redis.call('GET', KEYS[1]) or '0')
