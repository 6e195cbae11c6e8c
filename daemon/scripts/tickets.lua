-- tickets.lua: reads a page of the tickets listed in a sorted set (a caller's, a department's open ones, the triage queue).
--
-- KEYS[1] the sorted set of ticket numbers, scored by time
-- ARGV: named parameters (args.lua):
--   order   "asc" (oldest first) or "desc" (newest first)   limit
--   cursor  "" from the start, else "<score>:<number>" of the last
--           ticket of the page before: the page starts just after it in
--           the set's order (score, then number), even if it has left the set
-- Returns {total, left, score, ticket hash, score, ticket hash, ...}: total
-- counts the whole set, left the tickets from the cursor on (this page and
-- the ones after it); each ticket comes with its score for the next cursor.
-- @include args.lua
-- @include keys.lua
local p = params({'order', 'limit', 'cursor'})
local desc, limit = p.order == 'desc', tonumber(p.limit)
local cscore, cnumber = string.match(p.cursor, '^(%d+):(%d+)$')

-- The members of score s that come before or at the cursor's number in
-- the set's order: they were on an earlier page.
local function passed(s)
  local n = 0
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], s, s)) do
    if (desc and m >= cnumber) or (not desc and m <= cnumber) then n = n + 1 end
  end
  return n
end

local page, left
if not cscore then
  left = redis.call('ZCARD', KEYS[1])
elseif desc then
  left = redis.call('ZCOUNT', KEYS[1], '-inf', cscore) - passed(cscore)
else
  left = redis.call('ZCOUNT', KEYS[1], cscore, '+inf') - passed(cscore)
end
if not cscore then
  if desc then
    page = redis.call('ZREVRANGE', KEYS[1], 0, limit - 1, 'WITHSCORES')
  else
    page = redis.call('ZRANGE', KEYS[1], 0, limit - 1, 'WITHSCORES')
  end
elseif desc then
  page = redis.call('ZREVRANGEBYSCORE', KEYS[1], cscore, '-inf', 'WITHSCORES',
    'LIMIT', passed(cscore), limit)
else
  page = redis.call('ZRANGEBYSCORE', KEYS[1], cscore, '+inf', 'WITHSCORES',
    'LIMIT', passed(cscore), limit)
end
local out = {redis.call('ZCARD', KEYS[1]), left}
for i = 1, #page, 2 do
  local t = redis.call('HGETALL', KEY.ticket(page[i]))
  if #t > 0 then
    out[#out + 1] = page[i + 1]
    out[#out + 1] = t
  end
end
return out
