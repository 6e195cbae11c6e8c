-- due_read.lua: tickets at their departments whose sign-for or completion deadline falls in a range (超期, 预警), soonest due first.
--
-- KEYS[1] ht:due:sign[:<dept>]   KEYS[2] ht:due:complete[:<dept>]
--                                (see lib/stats.lua: the city's or a department's)
-- ARGV[1] min  ARGV[2] max       due times in ms as ZRANGEBYSCORE takes them
--                                ("-inf", "(123" exclusive)
-- ARGV[3] district ARGV[4] category   "" = any
-- ARGV[5] type                   "0" = any
-- ARGV[6] limit                  tickets returned
-- ARGV[7] scan                   with a filter: most tickets read from each index
-- Returns {matched, partial, {deadline, due, ticket hash}, ...}, deadline
-- "sign" or "complete". Without a filter matched counts every ticket in the
-- range and the work is that of the page; with one, only the first scan
-- tickets of each index are looked at, and partial is 1 when there were more.
-- @include keys.lua
local limit, scan = tonumber(ARGV[6]), tonumber(ARGV[7])
local filtered = ARGV[3] ~= '' or ARGV[4] ~= '' or ARGV[5] ~= '0'
local take = filtered and scan or limit

local function read(key)
  return redis.call('ZRANGEBYSCORE', key, ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', 0, take)
end
local sign, complete = read(KEYS[1]), read(KEYS[2])

-- Says whether the ticket passes the filters.
local function wanted(number)
  if not filtered then return true end
  local t = redis.call('HMGET', KEY.ticket(number), 'district', 'category', 'type')
  return (ARGV[3] == '' or t[1] == ARGV[3]) and (ARGV[4] == '' or t[2] == ARGV[4]) and
    (ARGV[5] == '0' or t[3] == ARGV[5])
end

-- Says whether sign entry i comes before complete entry j (due, then number).
local function sign_first(i, j)
  if j > #complete then return true end
  if i > #sign then return false end
  local a, b = tonumber(sign[i + 1]), tonumber(complete[j + 1])
  if a ~= b then return a < b end
  return sign[i] <= complete[j]
end

local out, matched = {0, 0}, 0
local i, j = 1, 1
while i <= #sign or j <= #complete do
  local number, due, deadline
  if sign_first(i, j) then
    number, due, deadline, i = sign[i], sign[i + 1], 'sign', i + 2
  else
    number, due, deadline, j = complete[j], complete[j + 1], 'complete', j + 2
  end
  if wanted(number) then
    matched = matched + 1
    if #out - 2 < limit then
      out[#out + 1] = {deadline, due, redis.call('HGETALL', KEY.ticket(number))}
    elseif not filtered then
      break
    end
  end
end
if filtered then
  out[1] = matched
  out[2] = (#sign == 2 * scan or #complete == 2 * scan) and 1 or 0
else
  out[1] = redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[2]) +
    redis.call('ZCOUNT', KEYS[2], ARGV[1], ARGV[2])
end
return out
