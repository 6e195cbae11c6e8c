-- archive_read.lua: tickets with their history as they are now, read in one atomic step for the archiver (daemon/archive.c).
--
-- ARGV: ticket numbers. Returns, per number in order, {number, hash,
-- history}: hash is HGETALL's field/value list (empty when the ticket is
-- no longer in Redis), history its JSON entries, oldest first. Read in one
-- script so the hash and the history are of the same instant.
-- @include keys.lua
local out = {}
for i, n in ipairs(ARGV) do
  out[i] = {n, redis.call('HGETALL', KEY.ticket(n)),
    redis.call('LRANGE', KEY.history(n), 0, -1)}
end
return out
