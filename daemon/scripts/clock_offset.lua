-- clock_offset.lua: reads (and with advance > 0, first advances) the test clock's offset; see ShiftClockRequest.
--
-- KEYS[1] ht:clock:offset
-- ARGV: named parameters (args.lua): advance, milliseconds to add (0: only read)
-- Returns the offset in ms. Advancing wakes every daemon's clock and timers.
-- @include args.lua
-- @include keys.lua
local advance = tonumber(params({'advance'}).advance)
if advance > 0 then
  local offset = redis.call('INCRBY', KEYS[1], advance)
  redis.call('PUBLISH', KEY.wake, KEY.clock)
  return offset
end
return tonumber(redis.call('GET', KEYS[1]) or '0')
