-- calendar_import.lua: stores one year's imported calendar (a holiday notice) for every hotlined.
--
-- KEYS[1] ht:calendar:years   hash year -> the year file's JSON text
-- ARGV: named parameters (args.lua): year; json, the year file's text (checked by the daemon)
-- Wakes every daemon ("ht:calendar" on ht:wake): each reads the hash again
-- and lays the years over its files. Returns 1 if the text changed, else 0.
-- @include args.lua
-- @include keys.lua

local p = params({'year', 'json'})
if redis.call('HGET', KEYS[1], p.year) == p.json then
  return 0
end
redis.call('HSET', KEYS[1], p.year, p.json)
redis.call('PUBLISH', KEY.wake, KEY.calendar)
return 1
