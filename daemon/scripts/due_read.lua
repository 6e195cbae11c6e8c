-- due_read.lua: tickets at their departments whose sign-for or completion deadline falls in a range (超期, 预警), soonest due first.
--
-- KEYS[1] ht:due:sign   KEYS[2] ht:due:complete   (see lib/stats.lua)
-- ARGV[1] min  ARGV[2] max       due times in ms as ZRANGEBYSCORE takes them
--                                ("-inf", "(123" exclusive)
-- ARGV[3] department ARGV[4] district ARGV[5] category   "" = any
-- ARGV[6] type                   "0" = any
-- ARGV[7] limit                  tickets returned
-- ARGV[8] scan                   most candidates read from each index
-- Returns {matched, {deadline, due, ticket hash}, ...}, deadline "sign" or
-- "complete"; matched counts every match among the candidates.
local limit, scan = tonumber(ARGV[7]), tonumber(ARGV[8])

local all = {}
local function candidates(key, deadline)
  local l = redis.call('ZRANGEBYSCORE', key, ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', 0, scan)
  for i = 1, #l, 2 do all[#all + 1] = {l[i], deadline, tonumber(l[i + 1])} end
end
candidates(KEYS[1], 'sign')
candidates(KEYS[2], 'complete')
table.sort(all, function(a, b)
  if a[3] ~= b[3] then return a[3] < b[3] end
  if a[1] ~= b[1] then return a[1] < b[1] end
  return a[2] > b[2]
end)

-- Says whether the ticket passes the filters.
local function wanted(number)
  local t = redis.call('HMGET', 'ht:ticket:' .. number, 'dept', 'district', 'category', 'type')
  return (ARGV[3] == '' or t[1] == ARGV[3]) and (ARGV[4] == '' or t[2] == ARGV[4]) and
    (ARGV[5] == '' or t[3] == ARGV[5]) and (ARGV[6] == '0' or t[4] == ARGV[6])
end

local out = {0}
for _, c in ipairs(all) do
  if wanted(c[1]) then
    out[1] = out[1] + 1
    if #out - 1 < limit then
      out[#out + 1] = {c[2], string.format('%d', c[3]), redis.call('HGETALL', 'ht:ticket:' .. c[1])}
    end
  end
end
return out
