-- callids.lua: the call-id index (idempotent create: a call id seen before returns its ticket), the one place it is read and written.
--
-- Not a script of its own: scripts/embed-lua.sh pastes it where a script
-- says "-- @include callids.lua" (create.lua, archive_evict.lua). Include
-- keys.lua before it.
--
-- ht:callids:<bucket> is a hash, call id -> ticket number; the bucket is
-- the first three hex digits of the call id's SHA-1 (4,096 hashes). Small
-- hashes are listpacks: an entry costs ~45 bytes where a key of its own
-- (ht:callid:<id>, earlier versions) cost ~90 plus its slot in the
-- keyspace. A hash stays a listpack up to Redis's hash-max-listpack-entries
-- (512 by default: about 2,000,000 call ids in Redis, open tickets and the
-- closed ones retention keeps). The keys of earlier versions are still
-- read, and removed with their ticket: nothing needs converting.

-- The hash that holds call id id.
local function callids_key(id)
  return KEY.callids(string.sub(redis.sha1hex(id), 1, 3))
end

-- The number of the ticket created for call id id, or false.
local function callids_find(id)
  return redis.call('HGET', callids_key(id), id) or redis.call('GET', KEY.callid(id))
end

-- Remembers that call id id created ticket number.
local function callids_add(id, number)
  redis.call('HSET', callids_key(id), id, number)
end

-- Forgets call id id if it names ticket number (retention: the ticket leaves).
local function callids_forget(id, number)
  local key = callids_key(id)
  if redis.call('HGET', key, id) == number then redis.call('HDEL', key, id) end
  if redis.call('GET', KEY.callid(id)) == number then redis.call('DEL', KEY.callid(id)) end
end
