-- ticket_read.lua: reads one ticket's hash (the first half of a step whose clocks the daemon computes).
--
-- KEYS[1] ht:ticket:<number>
-- Returns the hash; error "NOTFOUND number ...".
local t = redis.call('HGETALL', KEYS[1])
if #t == 0 then
  return redis.error_reply('NOTFOUND number no such ticket')
end
return t
