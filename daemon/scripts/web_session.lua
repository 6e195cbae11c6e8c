-- web_session.lua: the web page's login sessions, kept in Redis so any hotlined serves them (web-session.c).
--
-- KEYS[1] ht:web:session:<SHA-256 of the cookie's token, hex>: the token
-- itself is never stored, so a copy of Redis opens no session.
-- ARGV[1] "put", ARGV[2] principal id, ARGV[3] lifetime in seconds: "OK"
--         "get": the principal id, or false when there is none (expired)
--         "drop": 1 if a session was removed, else 0
local op = ARGV[1]
if op == 'put' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 'OK'
elseif op == 'get' then
  return redis.call('GET', KEYS[1])
elseif op == 'drop' then
  return redis.call('DEL', KEYS[1])
end
return redis.error_reply('BADOP web_session: ' .. tostring(op))
