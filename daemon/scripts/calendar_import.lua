-- calendar_import.lua: stores one year's imported calendar (a holiday notice) for every hotlined.
--
-- KEYS[1] ht:calendar:years   hash year -> the year file's JSON text
-- ARGV[1] year   ARGV[2] the JSON text (checked by the daemon)
-- Wakes every daemon ("ht:calendar" on ht:wake): each reads the hash again
-- and lays the years over its files. Returns 1 if the text changed, else 0.
-- @include keys.lua

if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', KEY.wake, KEY.calendar)
return 1
