-- stats_read.lua: sums the supervision counters of a period, for one or more scopes (see lib/stats.lua).
--
-- ARGV: named parameters (args.lua), then "--", then the scopes ("d", "c",
-- "z" or "all"). Parameter: periods, "yyyymmdd,yyyymm,...": days and months
-- that cover the period once.
-- Keys are derived (ht:stats:<day or month>:<scope>): hotline runs on one
-- Redis, not a cluster. Returns one array per scope: {field, sum, ...}, the
-- fields with a non-zero sum.
-- @include args.lua
-- @include keys.lua
local p, scopes = named_args({'periods'})
local periods = {}
for x in string.gmatch(p.periods, '[^,]+') do periods[#periods + 1] = x end
local result = {}
for g = 1, #scopes do
  local sum = {}
  for _, period in ipairs(periods) do
    local h = redis.call('HGETALL', KEY.stats(period, scopes[g]))
    for i = 1, #h, 2 do
      sum[h[i]] = (sum[h[i]] or 0) + tonumber(h[i + 1])
    end
  end
  local out = {}
  for field, v in pairs(sum) do
    if v ~= 0 then
      out[#out + 1] = field
      out[#out + 1] = string.format('%d', v)
    end
  end
  result[g] = out
end
return result
