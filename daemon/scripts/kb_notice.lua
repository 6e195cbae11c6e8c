-- kb_notice.lua: knowledge-base notices (an agent's flag, an article about to expire) into their owners' feeds, each once whichever daemon delivers it (kb-notice.c).
--
-- ARGV[1] the feeds' bound (redis.feed_maxlen), ARGV[2] now (ms); then 7
-- values per notice: its unique id, kind (EventKind), owner department,
-- actor, note, article, version.
-- A notice whose id is in the set ht:kb:notices was delivered before and is
-- skipped (the set keeps every id: a few bytes a notice).
-- Returns how many notices were added.

-- @include keys.lua

local maxlen, at, added = ARGV[1], ARGV[2], 0
for i = 3, #ARGV - 6, 7 do
  if redis.call('SADD', KEY.kb_notices, ARGV[i]) == 1 then
    local feed = KEY.dept_feed(ARGV[i + 2])
    redis.call('XADD', feed, 'MAXLEN', '~', maxlen, '*', 'kind', ARGV[i + 1],
      'number', '', 'at', at, 'actor', ARGV[i + 3], 'note', ARGV[i + 4],
      'kb_article', ARGV[i + 5], 'kb_version', ARGV[i + 6])
    redis.call('PUBLISH', KEY.wake, feed)
    added = added + 1
  end
end
return added
