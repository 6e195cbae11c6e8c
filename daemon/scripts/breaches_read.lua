-- breaches_read.lua: the SLA breaches of a period (超时), oldest first, one page of them.
--
-- ARGV[1] "yyyymmdd,yyyymmdd,...": the period's days in order; the keys,
--         ht:breaches:<day> (see lib/stats.lua), are derived
-- ARGV[2] department ("" = all)   ARGV[3] offset   ARGV[4] limit
-- Returns {total, {kind, count, kind, count, ...}, entry, entry, ...}, each
-- entry "<at> <number> <kind> <department> <due>" as recorded; total and
-- the counts cover every breach matching the department.
-- @include keys.lua
local dept, offset, limit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local total, counts, page = 0, {}, {}
for day in string.gmatch(ARGV[1], '[^,]+') do
  for _, e in ipairs(redis.call('LRANGE', KEY.breaches(day), 0, -1)) do
    local kind, d = string.match(e, '^%S+ %S+ (%S+) (%S+)')
    if kind and (dept == '' or d == dept) then
      total = total + 1
      counts[kind] = (counts[kind] or 0) + 1
      if total > offset and #page < limit then page[#page + 1] = e end
    end
  end
end
local flat = {}
for kind, n in pairs(counts) do
  flat[#flat + 1] = kind
  flat[#flat + 1] = n
end
local out = {total, flat}
for _, e in ipairs(page) do out[#out + 1] = e end
return out
