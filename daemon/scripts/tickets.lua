-- tickets.lua: reads the tickets listed in a sorted set (a caller's, a department's open ones).
--
-- KEYS[1] the sorted set of ticket numbers, scored by time
-- ARGV[1] "asc" (oldest first) or "desc" (newest first)   ARGV[2] limit
-- Returns {total, ticket hash, ticket hash, ...}.
local numbers
if ARGV[1] == 'desc' then
  numbers = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
else
  numbers = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
end
local out = {redis.call('ZCARD', KEYS[1])}
for _, number in ipairs(numbers) do
  local t = redis.call('HGETALL', 'ht:ticket:' .. number)
  if #t > 0 then
    out[#out + 1] = t
  end
end
return out
