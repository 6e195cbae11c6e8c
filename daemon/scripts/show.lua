-- show.lua: reads one ticket and its whole history as one consistent snapshot.
--
-- KEYS[1] ht:ticket:<number>   KEYS[2] ht:history:<number>   KEYS[3] ht:merged:<number>
-- Returns {ticket hash, history entries (JSON), tickets merged into it}; error "NOTFOUND number ...".
-- @include history.lua
local ticket = redis.call('HGETALL', KEYS[1])
if #ticket == 0 then
  return redis.error_reply('NOTFOUND number no such ticket')
end
return {ticket, history_entries(KEYS[2]), redis.call('SMEMBERS', KEYS[3])}
