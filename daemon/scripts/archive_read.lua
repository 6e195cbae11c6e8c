-- archive_read.lua: tickets with their history as they are now, read in one atomic step for the archiver (daemon/archive.c).
--
-- Arguments (args.lua): no parameters, then "--" and the ticket numbers. Returns, per number in order, {number, hash,
-- history}: hash is HGETALL's field/value list (empty when the ticket is
-- no longer in Redis), history its JSON entries, oldest first. Read in one
-- script so the hash and the history are of the same instant.
-- @include keys.lua
-- @include args.lua
-- @include history.lua
local _, numbers = named_args({})
local out = {}
for i, n in ipairs(numbers) do
  out[i] = {n, redis.call('HGETALL', KEY.ticket(n)),
    history_entries(KEY.history(n))}
end
return out
