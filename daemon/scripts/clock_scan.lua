-- clock_scan.lua: one batch of the tickets whose clocks run, with their hashes, for recomputing deadlines.
--
-- KEYS[1] ht:clocks (earlier versions' set of those tickets)
-- ARGV: named parameters (args.lua): cursor ("0" to start, then what the
-- last batch returned); batch, how many entries a batch looks at
-- Returns {next cursor ("0": done), {number, ticket hash}...}.
-- A ticket whose clocks run has the field clocked = "1" (create.lua,
-- transition.lua): a field costs its hash ~11 bytes where a member of a
-- set of every such ticket cost ~40. The walk reads first what is left of
-- the earlier versions' set (SSCAN, cursor "s<n>"; tickets that no longer
-- exist leave it), then every ticket key (SCAN, cursor "k<n>"), keeping
-- the ones so marked. A calendar change is rare: the walk over the whole
-- keyspace is its price. A ticket may come twice (SCAN's rule); recomputing
-- it again changes nothing.
-- @include args.lua
-- @include keys.lua
local p = params({'cursor', 'batch'})
local phase, at = string.match(p.cursor, '^([sk])(%d+)$')
if not phase then phase, at = 's', '0' end
local out = {}
local next_cursor
if phase == 's' then
  local scan = redis.call('SSCAN', KEYS[1], at, 'COUNT', p.batch)
  for _, number in ipairs(scan[2]) do
    local t = redis.call('HGETALL', KEY.ticket(number))
    if #t == 0 then
      redis.call('SREM', KEYS[1], number)
    else
      out[#out + 1] = {number, t}
    end
  end
  next_cursor = scan[1] == '0' and 'k0' or ('s' .. scan[1])
else
  local prefix = KEY.ticket('')
  local scan = redis.call('SCAN', at, 'MATCH', prefix .. '*', 'COUNT', p.batch * 4)
  for _, key in ipairs(scan[2]) do
    if redis.call('HGET', key, 'clocked') == '1' then
      out[#out + 1] = {string.sub(key, #prefix + 1), redis.call('HGETALL', key)}
    end
  end
  next_cursor = scan[1] == '0' and '0' or ('k' .. scan[1])
end
return {next_cursor, out}
