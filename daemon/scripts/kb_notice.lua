-- kb_notice.lua: knowledge-base notices (an agent's flag, an article about to expire) into their owners' feeds, each once whichever daemon delivers it (kb-notice.c).
--
-- Named arguments (args.lua): maxlen the feeds' bound (redis.feed_maxlen),
-- now (ms), keep_ms how long a delivered notice's id is remembered; after
-- "--", 7 values per notice: its unique id, kind (EventKind), owner
-- department, actor, note, article, version.
-- A notice whose id is in the sorted set ht:kb:notices (id -> when it was
-- delivered) was delivered before and is skipped. An id is needed there only
-- until PostgreSQL marks the notice delivered (the daemon's next round), so
-- ids older than keep_ms are dropped: the set holds the last keep_ms of
-- notices, not every one ever sent. (Before, it was a plain set of every
-- id; such a set is replaced once.)
-- Returns how many notices were added.

-- @include keys.lua
-- @include args.lua

local p, list = named_args({'maxlen', 'now', 'keep_ms'})
local at, added = tonumber(p.now), 0
if redis.call('TYPE', KEY.kb_notices).ok == 'set' then
  redis.call('DEL', KEY.kb_notices)
end
redis.call('ZREMRANGEBYSCORE', KEY.kb_notices, '-inf', at - tonumber(p.keep_ms))
for i = 1, #list - 6, 7 do
  if redis.call('ZADD', KEY.kb_notices, 'NX', at, list[i]) == 1 then
    local feed = KEY.dept_feed(list[i + 2])
    redis.call('XADD', feed, 'MAXLEN', '~', p.maxlen, '*', 'kind', list[i + 1],
      'number', '', 'at', p.now, 'actor', list[i + 3], 'note', list[i + 4],
      'kb_article', list[i + 5], 'kb_version', list[i + 6])
    redis.call('PUBLISH', KEY.wake, feed)
    added = added + 1
  end
end
return added
