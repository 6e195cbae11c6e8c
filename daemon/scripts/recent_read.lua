-- recent_read.lua: a district's recent tickets with their SimHash, newest first, for the daemon to compare a new ticket with.
--
-- KEYS[1] ht:recent:<district>   sorted set of "<number>:<hi>:<lo>:<ms>" by time
-- ARGV: named parameters (args.lua): since (ms), older tickets are left
-- out; limit, how many at most
-- Returns the members. The daemon computes the distances (cheap in C, some
-- hundred microseconds of Redis's one thread in Lua) and passes what it
-- found to create.lua.
-- @include args.lua
local p = params({'since', 'limit'})
return redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', p.since, 'LIMIT', 0,
  tonumber(p.limit))
