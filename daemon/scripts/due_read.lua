-- due_read.lua: tickets at their departments whose sign-for or completion deadline falls in a range (超期, 预警), soonest due first, a page at a time.
--
-- KEYS[1] ht:due:sign[:<dept>]   KEYS[2] ht:due:complete[:<dept>]
--                                (see lib/stats.lua: the city's or a department's)
-- ARGV: name/value pairs (args.lua), then "--". Parameters:
--   min max          due times in ms as ZRANGEBYSCORE takes them ("-inf",
--                    "(123" exclusive)
--   district category   "" = any;  type   "0" = any
--   limit            tickets returned
--   scan             with a filter: most entries read from each index
--   after_due after_kind after_number   the cursor: the page starts after
--                    this entry ("" = the first page); kind "0" sign, "1"
--                    complete
-- The list's order is (due, number, sign before complete), so a page goes on
-- after the entry its cursor names whether or not that entry is still there:
-- tickets signed, moved or added meanwhile shift no other.
-- Returns {matched, partial, next, {deadline, due, ticket hash}, ...},
-- deadline "sign" or "complete", next the last entry of the page (or, with a
-- filter whose scan stopped early, the last entry looked at) as
-- "<due>:<kind>:<number>", or "" when nothing is left. Without a filter
-- matched counts every ticket from the page's start to the range's end and
-- the work is that of the page; with one, only scan entries of each index
-- are looked at, matched counts among them, and partial is 1 when there
-- were more.
-- @include keys.lua
-- @include args.lua
local p = named_args()
local limit, scan = tonumber(p.limit), tonumber(p.scan)
local filtered = p.district ~= '' or p.category ~= '' or p.type ~= '0'
local take = filtered and scan or limit + 1
local after = p.after_due ~= '' and tonumber(p.after_due) or nil
local after_kind = tonumber(p.after_kind ~= '' and p.after_kind or '0')

-- Says whether the cursor's due time lies inside the range's lower end.
local function cursor_inside()
  if after == nil then return false end
  if p.min == '-inf' then return true end
  if string.sub(p.min, 1, 1) == '(' then return after > tonumber(string.sub(p.min, 2)) end
  return after >= tonumber(p.min)
end
local resume = cursor_inside()

-- Returns how many entries due at the cursor's time come before or at it
-- in the index of key, whose kind (0 sign, 1 complete) is kind.
local function skipped(key, kind)
  local self = kind <= after_kind and 1 or 0
  local score = redis.call('ZSCORE', key, p.after_number)
  if score and tonumber(score) == after then
    return redis.call('ZRANK', key, p.after_number) -
      redis.call('ZCOUNT', key, '-inf', '(' .. p.after_due) + self
  end
  -- The cursor's ticket left this index or moved: count its neighbours.
  local n = 0
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, p.after_due, p.after_due)) do
    if m < p.after_number then n = n + 1 end
  end
  return n
end

-- Reads one index from the page's start: {entries, lower bound, skip}.
local function read(key, kind)
  local from, skip = p.min, 0
  if resume then from, skip = p.after_due, skipped(key, kind) end
  return redis.call('ZRANGEBYSCORE', key, from, p.max, 'WITHSCORES', 'LIMIT', skip, take),
    from, skip
end
local sign, sign_from, sign_skip = read(KEYS[1], 0)
local complete, complete_from, complete_skip = read(KEYS[2], 1)
local sign_cut, complete_cut = #sign == 2 * take, #complete == 2 * take

-- Says whether the ticket passes the filters.
local function wanted(number)
  if not filtered then return true end
  local t = redis.call('HMGET', KEY.ticket(number), 'district', 'category', 'type')
  return (p.district == '' or t[1] == p.district) and (p.category == '' or t[2] == p.category) and
    (p.type == '0' or t[3] == p.type)
end

-- Says whether sign entry i comes before complete entry j (due, then number).
local function sign_first(i, j)
  if j > #complete then return true end
  if i > #sign then return false end
  local a, b = tonumber(sign[i + 1]), tonumber(complete[j + 1])
  if a ~= b then return a < b end
  return sign[i] <= complete[j]
end

-- The cursor naming an entry.
local function cursor(due, kind, number)
  return due .. ':' .. kind .. ':' .. number
end

local out, matched, last, seen = {0, 0, ''}, 0, '', nil
local i, j = 1, 1
while i <= #sign or j <= #complete do
  -- Past the end of an index read only in part, the order is unknown.
  if (sign_cut and i > #sign) or (complete_cut and j > #complete) then break end
  local number, due, kind
  if sign_first(i, j) then
    number, due, kind, i = sign[i], sign[i + 1], 0, i + 2
  else
    number, due, kind, j = complete[j], complete[j + 1], 1, j + 2
  end
  seen = cursor(due, kind, number)
  if wanted(number) then
    matched = matched + 1
    if #out - 3 < limit then
      out[#out + 1] = {kind == 0 and 'sign' or 'complete', due,
        redis.call('HGETALL', KEY.ticket(number))}
      last = seen
    elseif not filtered then
      break
    end
  end
end
local partial = filtered and (sign_cut or complete_cut)
if filtered then
  out[1] = matched
  out[2] = partial and 1 or 0
else
  out[1] = redis.call('ZCOUNT', KEYS[1], sign_from, p.max) - sign_skip +
    redis.call('ZCOUNT', KEYS[2], complete_from, p.max) - complete_skip
end
if matched > #out - 3 or (not filtered and out[1] > #out - 3) then
  out[3] = last
elseif partial then
  out[3] = seen or ''
end
return out
