-- timer_fire.lua: fires every timer that is due (签收超时, 黄灯, 红灯, 督办超时, 回访超时), each exactly once.
--
-- KEYS[1] ht:timers: sorted set of "<number>:<kind>:<tag>" scored by due time
-- ARGV: named parameters (args.lua):
--   now          the time (ms)   batch   most timers to fire
--   feed_maxlen  feed length (MAXLEN ~)
--   day          today (yyyymmdd, Asia/Shanghai): the day breaches are counted
--         on (stats.lua): a sign or overdue timer settles its round late
--         (sign_overdue, overdue) unless the step was already counted;
--         warnings, supervision and callback overdue are counted; every
--         breach but a warning goes to the day's breach list.
-- A timer is claimed by removing it, in this one atomic script, so several
-- daemons sharing the Redis fire it once. It counts only if the ticket is
-- still as it was armed for: tag is the ticket's clock_gen for sign, warn
-- and overdue (re-arming bumps it), the due time itself for callback and
-- sup. Firing marks the ticket (flags stay set: completed late), appends
-- history and pushes events. Returns {claimed, fired, next due or -1,
-- largest lag in ms}; claimed == the batch size means more may be due.
-- @include args.lua
-- @include keys.lua
-- @include consts.lua
-- @include stats.lua
-- @include outbox.lua
-- @include history.lua
-- @include timers.lua

local p = params({'now', 'batch', 'feed_maxlen', 'day'})
local now, batch, feed_maxlen = tonumber(p.now), tonumber(p.batch), p.feed_maxlen
local day = p.day

-- kind -> flag field, history action, event kind, who hears of it
local S = TICKET_STATE
local KINDS = {
  sign = {flag = 'sign_overdue', action = 'sign_overdue', event = EVENT_KIND.SIGN_OVERDUE,
    states = {[S.DISPATCHED] = true}, depts = true, feed = KEY.supervision_feed},
  warn = {flag = 'warned', action = 'warning', event = EVENT_KIND.WARNING,
    states = {[S.DISPATCHED] = true, [S.ACCEPTED] = true}, depts = true,
    feed = KEY.supervision_feed},
  overdue = {flag = 'overdue', action = 'overdue', event = EVENT_KIND.OVERDUE,
    states = {[S.DISPATCHED] = true, [S.ACCEPTED] = true}, depts = true,
    feed = KEY.supervision_feed},
  callback = {flag = 'callback_overdue', action = 'callback_overdue',
    event = EVENT_KIND.CALLBACK_OVERDUE, states = {[S.AWAITING_CALLBACK] = true}, depts = false,
    feed = KEY.centre_feed},
  sup = {flag = 'sup_overdue', action = 'supervision_overdue',
    event = EVENT_KIND.SUPERVISION_OVERDUE, states = nil, depts = true,
    feed = KEY.supervision_feed},
}

local function push(feed, kind, number)
  redis.call('XADD', feed, 'MAXLEN', '~', feed_maxlen, '*', 'kind', kind,
    'number', number, 'at', tostring(now), 'actor', 'hotlined')
  redis.call('PUBLISH', KEY.wake, feed)
end

-- Says whether a claimed timer still applies to its ticket.
local function applies(t, k, kind, tag)
  local state = redis.call('HGET', t, 'state')
  if not state then return false, nil end
  if kind == 'sup' then
    return redis.call('HGET', t, 'sup_due') == tag and
      (redis.call('HGET', t, 'sup_answer') or '') == '', state
  end
  if not k.states[state] then return false, state end
  if kind == 'callback' then return redis.call('HGET', t, 'callback_due') == tag, state end
  return (redis.call('HGET', t, 'clock_gen') or '0') == tag, state
end

-- Counts a fired timer (统一考核) and lists it among the day's breaches.
local BREACH = {sign = 'sign', overdue = 'complete', sup = 'supervision', callback = 'callback'}
local function count_breach(number, kind, lead, due)
  if kind == 'warn' then
    stats_count(day, number, lead, 'warned', 1)
    return
  end
  if kind == 'sign' then
    stats_settle(day, number, lead, 'sign', true, 'signed_on_time', 'sign_overdue')
  elseif kind == 'overdue' then
    stats_settle(day, number, lead, 'done', true, 'completed_on_time', 'overdue')
  elseif kind == 'sup' then
    stats_count(day, number, lead, 'supervision_overdue', 1)
  else
    stats_count(day, number, '', 'callback_overdue', 1)
  end
  stats_breach(day, now, number, BREACH[kind], lead, due)
end

local claimed, fired, lag = 0, 0, 0
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, batch)) do
  claimed = claimed + 1
  do
    local due = tonumber(redis.call('ZSCORE', KEYS[1], m))
    redis.call('ZREM', KEYS[1], m)
    local number, kind, tag = string.match(m, '^([^:]+):([^:]+):(.+)$')
    local k = KINDS[kind or '']
    local t = KEY.ticket((number or ''))
    local ok, state = false, nil
    if k then ok, state = applies(t, k, kind, tag) end
    if ok then
      redis.call('HSET', t, k.flag, '1', 'updated_at', tostring(now))
      local lead = redis.call('HGET', t, 'dept') or ''
      history_push(KEY.history(number), {at = now, principal = 'hotlined', role = 0,
        action = k.action, from = state, to = state, note = '', dept = lead,
        changes = {{field = k.flag, value = '1'}}})
      if k.depts and lead ~= '' then
        push(KEY.dept_feed(lead), k.event, number)
        for a in string.gmatch(redis.call('HGET', t, 'assists') or '', '[^,]+') do
          push(KEY.dept_feed(a), k.event, number)
        end
      end
      push(k.feed, k.event, number)
      count_breach(number, kind, lead, due)
      -- The overdue timer waits behind the warning (timers.lua).
      if kind == 'warn' then
        local c = tonumber(redis.call('HGET', t, 'complete_due') or '')
        if c and c > 0 then timers_add(number, 'overdue', c, tag) end
      end
      outbox(number, k.action)
      fired = fired + 1
      if now - due > lag then lag = now - due end
    end
  end
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {claimed, fired, first[2] and tonumber(first[2]) or -1, lag}
