-- web_session.lua: the web page's login sessions, kept in Redis so any hotlined serves them (web-session.c).
--
-- KEYS[1] ht:web:session:<SHA-256 of the cookie's token, hex>: the token
-- itself is never stored, so a copy of Redis opens no session.
-- ARGV: named parameters (args.lua): op, principal, ttl:
--   op "put": principal id, ttl its lifetime in seconds: "OK"
--   op "get": the principal id, or false when there is none (expired)
--   op "drop": 1 if a session was removed, else 0
--   (principal and ttl are "" for get and drop)
-- @include args.lua
local p = params({'op', 'principal', 'ttl'})
local op = p.op
if op == 'put' then
  redis.call('SET', KEYS[1], p.principal, 'EX', tonumber(p.ttl))
  return 'OK'
elseif op == 'get' then
  return redis.call('GET', KEYS[1])
elseif op == 'drop' then
  return redis.call('DEL', KEYS[1])
end
return redis.error_reply('BADOP web_session: ' .. tostring(op))
