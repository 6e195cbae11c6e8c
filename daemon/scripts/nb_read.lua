-- nb_read.lua: reads the learned model's examples after a cursor, with the examples' generation.
--
-- KEYS[1] ht:nb:examples   stream of examples: label, text, district, who, ticket, kind
-- KEYS[2] ht:nb:gen        the generation: bumped when the examples are
--                          replaced or a retrain is asked for
-- ARGV: named parameters (args.lua):
--   cursor  "0" = from the first example, else the last id read
--   limit   how many examples at most
-- Returns {generation, {id, label, text, district, who, ticket, kind}...}. A
-- reader that sees the generation change reads everything again.
-- @include args.lua
local p = params({'cursor', 'limit'})
local generation = redis.call('GET', KEYS[2]) or '0'
local start = p.cursor == '0' and '-' or '(' .. p.cursor
local out = {}
for _, e in ipairs(redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', tonumber(p.limit))) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  out[#out + 1] = {e[1], f.label or '', f.text or '', f.district or '', f.who or '',
    f.ticket or '', f.kind or ''}
end
return {generation, out}
