-- outbox.lua: the change stream (outbox) the archiver reads into PostgreSQL (daemon/archive.c), written in the changing script's own atomic step.
--
-- outbox(number, what): bumps the ticket's version (its "version" field,
-- the count of its changes) and appends {number, version, what} to
-- ht:outbox. The stream exists once a daemon with an archive group started
-- (it creates the consumer group): before that, and in installations
-- without an archive, nothing is appended and the stream takes no memory.
-- Entries leave the stream when an archiver has written them (XACK, XDEL).
-- Bounded: at ht:outbox:max entries (archive.outbox_max, set by the
-- archivers) the oldest are trimmed and ht:archive:backfilled is removed,
-- so an archiver scans every ticket in Redis again (nothing is lost: a
-- ticket leaves Redis only at its archived version).
local function outbox(number, what)
  local v = redis.call('HINCRBY', KEY.ticket(number), 'version', 1)
  if redis.call('EXISTS', KEY.outbox) == 1 then
    local max = tonumber(redis.call('GET', KEY.outbox_max) or '')
    if max and redis.call('XLEN', KEY.outbox) >= max then
      redis.call('XTRIM', KEY.outbox, 'MAXLEN', max - 1)
      redis.call('DEL', KEY.archive_backfilled)
      redis.call('INCR', KEY.archive_trims)
    end
    redis.call('XADD', KEY.outbox, '*', 'number', number, 'version', tostring(v),
      'what', what)
  end
end
