-- feed_read.lua: reads a department's events after a cursor, each with its ticket as it is now.
--
-- KEYS[1] ht:dept:<id>:feed
-- ARGV: named parameters (args.lua):
--   cursor  "" = only new events, "0" = all retained, else a stream id
--   count   how many events at most
-- Returns {"ok", cursor, {id, kind, number, at, actor, ticket hash, numbers,
-- count, place, note}...} (numbers, count and place only set for hot spots:
-- "a,b", "2", "鼓楼区 城乡建设/物业管理"; note the step's own words, or the
-- due time moved for DEADLINE_MOVED; then kb_article and kb_version for
-- the knowledge base's notices, kb_notice.lua), or
-- {"relist", cursor} when events after the given cursor were trimmed away
-- (or may have been: a cursor just before the first retained event counts):
-- the terminal lists its open tickets again and carries on from cursor.
-- @include args.lua
-- @include keys.lua

-- Compares two stream ids ("ms-seq"); returns -1, 0 or 1.
local function compare(a, b)
  local ams, aseq = string.match(a, '^(%d+)-?(%d*)$')
  local bms, bseq = string.match(b, '^(%d+)-?(%d*)$')
  ams, bms = tonumber(ams), tonumber(bms)
  aseq, bseq = tonumber(aseq) or 0, tonumber(bseq) or 0
  if ams ~= bms then return ams < bms and -1 or 1 end
  if aseq ~= bseq then return aseq < bseq and -1 or 1 end
  return 0
end

local p = params({'cursor', 'count'})
local cursor, count = p.cursor, tonumber(p.count)
if redis.call('EXISTS', KEYS[1]) == 0 then
  if cursor == '' then cursor = '0-0' end
  return {'ok', cursor, {}}
end
-- Trimming (MAXLEN) removes the oldest entries: some were removed when more
-- were ever added than remain, and a cursor before the first one left may
-- have missed them. (Trimming does not move max-deleted-entry-id.)
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local f = {}
for i = 1, #info, 2 do f[info[i]] = info[i + 1] end
local last = f['last-generated-id']
if cursor == '' then
  return {'ok', last, {}}
end
if cursor ~= '0' and f['entries-added'] > f['length'] and
    compare(cursor, f['recorded-first-entry-id']) < 0 then
  return {'relist', last}
end

local start = cursor == '0' and '-' or '(' .. cursor
local entries = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', count)
local out = {}
for _, e in ipairs(entries) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  out[#out + 1] = {e[1], f.kind or '0', f.number or '', f.at or '0', f.actor or '',
    redis.call('HGETALL', KEY.ticket((f.number or ''))), f.numbers or '',
    f.count or '0', f.place or '', f.note or '', f.kb_article or '', f.kb_version or ''}
  cursor = e[1]
end
if #entries == 0 and cursor == '0' then cursor = '0-0' end
return {'ok', cursor, out}
