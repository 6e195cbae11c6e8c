-- outbox.lua: the change stream (outbox) the archiver reads into PostgreSQL (daemon/archive.c), written in the changing script's own atomic step.
--
-- outbox(number, what): bumps the ticket's version (its "version" field,
-- the count of its changes) and appends {number, version, what} to
-- ht:outbox. The stream exists once a daemon with an archive group started
-- (it creates the consumer group): before that, and in installations
-- without an archive, nothing is appended and the stream takes no memory.
-- Entries leave the stream when an archiver has written them (XACK, XDEL).
local function outbox(number, what)
  local v = redis.call('HINCRBY', 'ht:ticket:' .. number, 'version', 1)
  if redis.call('EXISTS', 'ht:outbox') == 1 then
    redis.call('XADD', 'ht:outbox', '*', 'number', number, 'version', tostring(v),
      'what', what)
  end
end
