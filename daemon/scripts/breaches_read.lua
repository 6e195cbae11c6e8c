-- breaches_read.lua: the SLA breaches of a period (超时), oldest first, one page of them.
--
-- ARGV: named parameters (args.lua):
--   days   "yyyymmdd,yyyymmdd,...": the period's days in order; the keys,
--          ht:breaches:<day> (see lib/stats.lua), are derived
--   dept   department ("" = all)   offset limit   the page
-- Returns {total, {kind, count, kind, count, ...}, entry, entry, ...}, each
-- entry "<at> <number> <kind> <department> <due>" as recorded; total and
-- the counts cover every breach matching the department.
-- @include args.lua
-- @include keys.lua
local p = params({'days', 'dept', 'offset', 'limit'})
local dept, offset, limit = p.dept, tonumber(p.offset), tonumber(p.limit)
local total, counts, page = 0, {}, {}
for day in string.gmatch(p.days, '[^,]+') do
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
