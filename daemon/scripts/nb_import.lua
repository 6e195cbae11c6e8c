-- nb_import.lua: adds labelled examples to the learned model's stream, replacing them all if asked.
--
-- KEYS[1] ht:nb:examples   KEYS[2] ht:nb:gen
-- ARGV: named parameters (args.lua):
--   replace  "1": delete every stored example first (a new generation); "0": append
--   json     a JSON array of {label, text, district, who, ticket, kind},
--            already checked and normalised by the daemon
-- Returns {examples added, examples stored}. Every daemon is woken: on a new
-- generation it reads everything again, else it reads what was appended.
-- @include args.lua
-- @include keys.lua
local p = params({'replace', 'json'})
if p.replace == '1' then
  redis.call('DEL', KEYS[1])
  redis.call('INCR', KEYS[2])
end
local examples = cjson.decode(p.json)
for _, x in ipairs(examples) do
  redis.call('XADD', KEYS[1], '*', 'label', x.label, 'text', x.text,
    'district', x.district, 'who', x.who, 'ticket', x.ticket, 'kind', x.kind)
end
redis.call('PUBLISH', KEY.wake, KEYS[1])
return {#examples, redis.call('XLEN', KEYS[1])}
