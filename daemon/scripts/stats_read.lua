-- stats_read.lua: sums the supervision counters of several days and months of one scope (see lib/stats.lua).
--
-- KEYS: ht:stats:<yyyymmdd or yyyymm>:<scope>, periods that do not overlap.
-- Returns {field, sum, field, sum, ...}, the fields with a non-zero sum.
local sum = {}
for _, k in ipairs(KEYS) do
  local h = redis.call('HGETALL', k)
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
return out
