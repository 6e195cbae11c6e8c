-- clock_scan.lua: one batch of the tickets whose clocks run, with their hashes, for recomputing deadlines.
--
-- KEYS[1] ht:clocks
-- ARGV: named parameters (args.lua): cursor, SSCAN's ("0" to start); batch, its COUNT
-- Returns {next cursor ("0": done), {number, ticket hash}...}; tickets that
-- no longer exist leave the set.
-- @include args.lua
-- @include keys.lua
local p = params({'cursor', 'batch'})
local scan = redis.call('SSCAN', KEYS[1], p.cursor, 'COUNT', p.batch)
local out = {}
for _, number in ipairs(scan[2]) do
  local t = redis.call('HGETALL', KEY.ticket(number))
  if #t == 0 then
    redis.call('SREM', KEYS[1], number)
  else
    out[#out + 1] = {number, t}
  end
end
return {scan[1], out}
