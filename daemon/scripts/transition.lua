-- transition.lua: one step of a ticket's life cycle (签收, 退单, 改派, 回访, 督办, ...), in one atomic step.
--
-- KEYS[1] ht:ticket:<number>   KEYS[2] ht:history:<number>   KEYS[3] ht:assist:<number>
-- ARGV: name/value pairs of parameters, then "--", then ticket field/value
-- pairs to set. The parameters come from the table in daemon/ticket.c:
--   now principal role dept   who acts (dept: the caller's department or "")
--   party        "" (not a department), "lead" or "any"
--   action from to            history name, allowed states "3,4", next state ("0": stays)
--   effects      comma list: open_add open_remove triage_add triage_remove
--                route return extension_request extension_decide attempt
--                merge supervision_answer
--   dept_event centre_event supervision_event   event kinds ("0": none)
--   assist_from assist_to assist_event          an assisting department's step
--   note incr feed_maxlen     history note, a field to increment, feed length
--   lead assists              with route: the new departments ("a,b")
--   max_returns max_attempts master approve
--   clock        "" (clocks untouched), "rearm" (new timer generation, arm
--                timers), "arm" (arm timers, same generation), "stop" (new
--                generation: every armed timer goes stale), "rearm_stored"
--                (new generation, warn and overdue armed again at the
--                stored times unless already breached)
--   timers       "sign=<ms>,warn=<ms>,overdue=<ms>,callback=<ms>,sup=<ms>"
--   expect_gen   "" or the clock_gen the daemon computed the clock from:
--                another value means the ticket changed meanwhile
--   day ws       today (yyyymmdd, Asia/Shanghai) and the working-seconds
--                index of now, for the counters (stats.lua, count_step)
--   nb_text      with route: the ticket's text for the learned model
--                (blend_text of its title and content), "" none
--   request_key request_ttl   the client's key of this request ("" none)
--                and how long (ms) a step made remembers it: the same step
--                sent again with it by the same principal is not made
--                again and gets the ticket as it is
-- Errors: "NOTFOUND <field> why", "FORBIDDEN why", "CONFLICT <state> [why]".
-- Returns the ticket's hash after the step. Other tickets' keys (a master,
-- merged followers) are derived: hotline runs on one Redis, not a cluster.
-- @include keys.lua
-- @include consts.lua
-- @include args.lua
-- @include stats.lua
-- @include outbox.lua
-- @include history.lua
-- @include fields.lua
-- @include timers.lua

local STATE_CLOSED, STATE_MERGED = TICKET_STATE.CLOSED, TICKET_STATE.MERGED

local p, given = named_args()
local set = {}
for j = 1, #given, 2 do
  set[#set + 1] = {given[j], given[j + 1]}
end
local number = string.sub(KEYS[1], #KEY.ticket('') + 1)

-- A retry of a step already made (Envelope.request_key): the ticket as it is.
local request_key = p.request_key ~= '' and
  (KEY.request(p.principal, p.request_key)) or nil
local request_made = number .. ' ' .. p.action
if request_key and redis.call('GET', request_key) == request_made then
  return redis.call('HGETALL', KEYS[1])
end
-- The step was made: remembers its key, returns the ticket.
local function made()
  if request_key then
    redis.call('SET', request_key, request_made, 'PX', p.request_ttl)
  end
  return redis.call('HGETALL', KEYS[1])
end

local function split(list)
  local out = {}
  for x in string.gmatch(list or '', '[^,]+') do out[#out + 1] = x end
  return out
end

local function contains(list, x)
  for _, y in ipairs(list) do if y == x then return true end end
  return false
end

local function has_effect(name)   -- name: an EFFECT word (consts.lua)
  return contains(split(p.effects), name)
end

-- A reason in Chinese and English (daemon/lang.h's ZH_EN marks): the daemon
-- puts the Chinese into Error.message and the English into message_en.
local function zh_en(zh, en)
  return '\30' .. zh .. '\31' .. en .. '\29'
end

local function conflict(state, why)
  return redis.error_reply('CONFLICT ' .. state .. (why and (' ' .. why) or ''))
end

-- Appends an event to a feed and wakes the daemons that watch it.
local function push(feed, kind)
  if kind == EVENT_KIND.UNSPECIFIED or kind == nil then return end
  local entry = {feed, 'MAXLEN', '~', p.feed_maxlen, '*', 'kind', kind,
    'number', number, 'at', p.now, 'actor', p.principal}
  -- The step's own words (an urge's text, a return's reason, a note): Event.note.
  if p.note ~= nil and p.note ~= '' then
    entry[#entry + 1] = 'note'
    entry[#entry + 1] = p.note
  end
  redis.call('XADD', unpack(entry))
  redis.call('PUBLISH', KEY.wake, feed)
end

local function department_feed(d) return KEY.dept_feed(d) end
local function open_set(d) return KEY.dept_open(d) end

-- The departments working on the ticket: the lead, then the assisting ones.
local function involved(lead, assists)
  local out = {}
  if lead ~= '' then out[1] = lead end
  for _, a in ipairs(assists) do out[#out + 1] = a end
  return out
end

local function history(action, from, to, note, dept, changes)
  history_push(KEYS[2], {at = p.now, principal = p.principal, role = p.role,
    action = action, from = from, to = to, note = note, dept = dept, changes = changes})
end

local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return redis.error_reply('NOTFOUND number no such ticket')
end
local lead = redis.call('HGET', KEYS[1], 'dept') or ''
local was_exempt = redis.call('HGET', KEYS[1], 'exempt') == '1'
local assists = split(redis.call('HGET', KEYS[1], 'assists'))

-- An assisting department's sign or reply moves only its own part.
local function assist_step()
  local part = redis.call('HGET', KEYS[3], p.dept) or ASSIST.NONE
  if part ~= p.assist_from then
    local names = {[ASSIST.DISPATCHED] = zh_en('尚未签收', 'has not signed yet'),
      [ASSIST.ACCEPTED] = zh_en('已签收', 'has already signed'),
      [ASSIST.REPLIED] = zh_en('已回复', 'has already replied')}
    return conflict(state, zh_en('本协办单位', 'the assisting department ') ..
      (names[part] or zh_en('不参与此工单', 'has no part in this ticket')))
  end
  redis.call('HSET', KEYS[3], p.dept, p.assist_to)
  redis.call('HSET', KEYS[1], 'updated_at', p.now)
  -- An assisting department's reply goes to the lead through the history:
  -- the ticket's own fields stay the lead's.
  local said = {}
  for _, fv in ipairs(set) do said[#said + 1] = {field = fv[1], value = fv[2]} end
  history(p.action .. '_assist', state, state, p.note, p.dept, said)
  if p.assist_to == ASSIST.REPLIED then
    redis.call('ZREM', open_set(p.dept), number)
  end
  for _, d in ipairs(involved(lead, assists)) do push(department_feed(d), p.assist_event) end
  outbox(number, p.action .. '_assist')
  return made()
end

-- Who: a department acts only on tickets it works on, as the table allows.
if p.party ~= '' and p.dept ~= lead then
  if not contains(assists, p.dept) then
    -- The words of a missing ticket: numbers are sequential (no oracle).
    return redis.error_reply('NOTFOUND number no such ticket')
  end
  if p.party ~= 'any' then
    if p.assist_from == ASSIST.NONE then
      return redis.error_reply('FORBIDDEN ' ..
        zh_en('只有主办单位可以办理此步骤', 'only the lead department may do this'))
    end
    if state ~= TICKET_STATE.DISPATCHED and state ~= TICKET_STATE.ACCEPTED and
        state ~= TICKET_STATE.SUSPENDED then
      return conflict(state)
    end
    return assist_step()
  end
end
if not contains(split(p.from), state) then
  return conflict(state)
end

if p.expect_gen ~= '' and (redis.call('HGET', KEYS[1], 'clock_gen') or '0') ~= p.expect_gen then
  return conflict(state, zh_en('工单刚被他人修改，请重试',
    'the ticket changed meanwhile; try again'))
end

-- Checks of the effects, all before anything is written.
if has_effect(EFFECT.RETURN) then
  local until_ms = tonumber(redis.call('HGET', KEYS[1], 'return_until') or '')
  if until_ms and tonumber(p.now) > until_ms then
    return conflict(state, zh_en('退单期限已过', 'the return window has closed'))
  end
end
if has_effect(EFFECT.EXTENSION_REQUEST) and redis.call('HEXISTS', KEYS[1], 'ext_extension') == 1 then
  return conflict(state, zh_en('已有延期申请待审批', 'an extension request is already pending'))
end
if has_effect(EFFECT.EXTENSION_DECIDE) and redis.call('HEXISTS', KEYS[1], 'ext_extension') == 0 then
  return conflict(state, zh_en('没有待审批的延期申请', 'no extension request is pending'))
end
if has_effect(EFFECT.SUPERVISION_ANSWER) and (redis.call('HEXISTS', KEYS[1], 'sup_text') == 0
    or (redis.call('HGET', KEYS[1], 'sup_answer') or '') ~= '') then
  return conflict(state, zh_en('没有待反馈的督办单',
    'no supervision order waits for an answer'))
end
if has_effect(EFFECT.MERGE) then
  local master_state = redis.call('HGET', KEY.ticket(p.master), 'state')
  if not master_state then
    return redis.error_reply('NOTFOUND master no master ticket with that number')
  end
  if p.master == number or master_state == STATE_CLOSED or master_state == STATE_MERGED then
    return conflict(state, zh_en('主工单须为另一张未办结的工单',
    'the master must be another open ticket'))
  end
end

-- The step itself.
local to = p.to ~= TICKET_STATE.UNSPECIFIED and p.to or state
local acting_lead = lead   -- the history names it even if the step clears it
local changes = {}
-- Fields the daemon derives (the clocks): the history lists them only when
-- their value changes. What a step says itself is always listed.
local DERIVED = {dispatched_at = true, clock_base = true, clock_limit = true,
  clock_left = true, clock_suspended = true, clock_ext = true, sign_due = true,
  complete_due = true, warn_at = true, return_until = true, callback_due = true,
  sup_due = true}

local derived_names = {}
for name in pairs(DERIVED) do derived_names[#derived_names + 1] = name end
local derived_was = fields_snapshot(KEYS[1], derived_names)   -- fields.lua

local function change(field, value)
  if DERIVED[field] and derived_was[field] == value then
    return
  end
  field_set(KEYS[1], field, value)
  changes[#changes + 1] = {field = field, value = value}
end
local centre_event, supervision_event = p.centre_event, p.supervision_event

if has_effect(EFFECT.OPEN_REMOVE) or has_effect(EFFECT.ROUTE) then
  for _, d in ipairs(involved(lead, assists)) do redis.call('ZREM', open_set(d), number) end
end
if has_effect(EFFECT.ROUTE) then
  local new = split(p.assists)
  for _, d in ipairs(involved(lead, assists)) do
    if d ~= p.lead and not contains(new, d) then
      push(department_feed(d), EVENT_KIND.TAKEN_AWAY)
    end
  end
  lead, assists = p.lead, new
  change('dept', lead)
  change('assists', p.assists)
  -- A category given with the routing (派单 --category): the ticket's
  -- registration (受理) counts under it in 高频诉求 from now on, moved from the
  -- one it had ("-": none) on its registration day (its number's date).
  if p.category ~= '' then
    local old = redis.call('HGET', KEYS[1], 'category') or ''
    if old ~= p.category then
      local day = string.sub(number, 1, 8)
      stats_field(day, 'c', (old ~= '' and old or '-') .. ':registered', -1)
      stats_field(day, 'c', p.category .. ':registered', 1)
      change('category', p.category)
    end
  end
  redis.call('DEL', KEYS[3])
  for _, a in ipairs(assists) do redis.call('HSET', KEYS[3], a, ASSIST.DISPATCHED) end
  -- A dispatcher's routing (派单, 改派) labels the ticket's text with its new
  -- lead department: one example for the learned model (学习), atomic with
  -- the correction. The daemon made the text (nb_text) from the title and
  -- content it read before the step, as create does: tickets do not keep it.
  if p.nb_text ~= '' then
    redis.call('XADD', KEY.nb_examples, '*', 'label', lead, 'text', p.nb_text,
      'district', redis.call('HGET', KEYS[1], 'district') or '', 'who', p.principal,
      'ticket', number, 'kind', p.action)
    redis.call('PUBLISH', KEY.wake, KEY.nb_examples)
  end
end
if has_effect(EFFECT.RETURN) then
  -- The lead that returned it hears its own 退单 (EVENT_KIND_RETURNED); the
  -- assisting departments only that it is no longer theirs (TAKEN_AWAY).
  for _, d in ipairs(involved(lead, assists)) do
    push(department_feed(d), d == lead and EVENT_KIND.RETURNED or EVENT_KIND.TAKEN_AWAY)
  end
  local returns = redis.call('HINCRBY', KEYS[1], 'returns', 1)
  changes[#changes + 1] = {field = 'returns', value = tostring(returns)}
  if returns >= tonumber(p.max_returns) then
    change('disputed', '1')
    change('triage_reason', TRIAGE_REASON.DISPUTED)
    centre_event, supervision_event = EVENT_KIND.DISPUTED, EVENT_KIND.DISPUTED
  else
    change('triage_reason', TRIAGE_REASON.RETURNED)
  end
  lead, assists = '', {}
  change('dept', '')
  change('assists', '')
  redis.call('DEL', KEYS[3])
end
if has_effect(EFFECT.ATTEMPT) then
  local attempts = redis.call('HINCRBY', KEYS[1], 'callback_attempts', 1)
  changes[#changes + 1] = {field = 'callback_attempts', value = tostring(attempts)}
  if attempts >= tonumber(p.max_attempts) then
    to = STATE_CLOSED
    change('closure', CLOSURE.UNREACHABLE)
  end
end
if has_effect(EFFECT.EXTENSION_DECIDE) then
  if p.approve == '1' then
    local n = redis.call('HINCRBY', KEYS[1], 'extensions', 1)
    changes[#changes + 1] = {field = 'extensions', value = tostring(n)}
  end
  redis.call('HDEL', KEYS[1], 'ext_extension', 'ext_reason', 'ext_by', 'ext_at')
end
if has_effect(EFFECT.MERGE) then
  change('master', p.master)
  redis.call('SADD', KEY.merged(p.master), number)
end
if p.incr ~= '' then
  local n = redis.call('HINCRBY', KEYS[1], p.incr, 1)
  changes[#changes + 1] = {field = p.incr, value = tostring(n)}
end
for _, fv in ipairs(set) do change(fv[1], fv[2]) end
if to ~= state then change('state', to) end
redis.call('HSET', KEYS[1], 'updated_at', p.now)

if has_effect(EFFECT.TRIAGE_ADD) then redis.call('ZADD', KEY.triage, p.now, number) end
if has_effect(EFFECT.TRIAGE_REMOVE) then redis.call('ZREM', KEY.triage, number) end
if has_effect(EFFECT.OPEN_ADD) then
  -- Dispatched again (重办, 改派): every assisting department starts over.
  if to == TICKET_STATE.DISPATCHED then
    for _, a in ipairs(assists) do redis.call('HSET', KEYS[3], a, ASSIST.DISPATCHED) end
  end
  if lead ~= '' then redis.call('ZADD', open_set(lead), p.now, number) end
  -- An assisting department whose part is done (replied) stays off its list.
  for _, a in ipairs(assists) do
    if redis.call('HGET', KEYS[3], a) ~= ASSIST.REPLIED then
      redis.call('ZADD', open_set(a), p.now, number)
    end
  end
end
-- Timers (timers.lua). One that can no longer fire leaves ht:timers now
-- rather than when it falls due (timer_fire.lua would drop it then): the
-- sign timer once the ticket left dispatched (back to dispatched is always
-- a new generation), every timer of a generation the step ends.
local old_gen = redis.call('HGET', KEYS[1], 'clock_gen') or '0'
if state == TICKET_STATE.DISPATCHED and to ~= TICKET_STATE.DISPATCHED then
  timers_disarm(number, old_gen, {'sign'})
end
if p.clock ~= '' then
  local gen = old_gen
  if p.clock ~= 'arm' then
    gen = tostring(redis.call('HINCRBY', KEYS[1], 'clock_gen', 1))
    timers_disarm(number, old_gen, {'sign', 'warn', 'overdue'})
  end
  -- clocked: a ticket whose deadlines a calendar change recomputes
  -- (clock_scan.lua; earlier versions listed it in the set ht:clocks,
  -- which it leaves now).
  if p.clock == 'stop' or to == STATE_CLOSED then
    redis.call('HDEL', KEYS[1], 'clocked')
    redis.call('SREM', KEY.clocks, number)
  elseif p.clock == 'rearm' and redis.call('HEXISTS', KEYS[1], 'dispatched_at') == 1 then
    redis.call('HSET', KEYS[1], 'clocked', '1')
    redis.call('SREM', KEY.clocks, number)
  end
  local timers = {}
  if p.clock == 'rearm_stored' then
    local t = redis.call('HMGET', KEYS[1], 'warn_at', 'complete_due', 'warned', 'overdue')
    if (t[3] or '0') ~= '1' and tonumber(t[1] or '0') > 0 then timers.warn = t[1] end
    if (t[4] or '0') ~= '1' and tonumber(t[2] or '0') > 0 then timers.overdue = t[2] end
  else
    for kind, due in string.gmatch(p.timers, '(%a+)=(%d+)') do timers[kind] = due end
  end
  timers_arm(number, timers, gen)
end

history(p.action, state, to, p.note, lead ~= '' and lead or acting_lead, changes)

-- Departments hear of every close, whichever step it was.
local dept_event = p.dept_event
if to == STATE_CLOSED and state ~= STATE_CLOSED and dept_event == EVENT_KIND.UNSPECIFIED then
  dept_event = EVENT_KIND.CLOSED
end
for _, d in ipairs(involved(lead, assists)) do push(department_feed(d), dept_event) end
push(KEY.centre_feed, centre_event)
push(KEY.supervision_feed, supervision_event)

-- Counts the step for the supervision office (统一考核): what it means for
-- the lead department's assessment, settled as stats.lua describes. Steps
-- of assisting departments (协办) return earlier and are not counted.
local function count_step()
  local day, ws, now, a = p.day, p.ws, tonumber(p.now), p.action
  local function count(dept, counter) stats_count(day, number, dept, counter, 1) end
  if a == ACTION.DISPATCH or a == ACTION.REDISPATCH then
    count(lead, 'received')
    stats_round(number, ws)
  elseif a == ACTION.SIGN then
    count(lead, 'signed')
    stats_duration(day, number, lead, 'sign_seconds', ws)
    local due = tonumber(redis.call('HGET', KEYS[1], 'sign_due') or '')
    local late = due ~= nil and now > due
    if stats_settle(day, number, lead, 'sign', late, 'signed_on_time', 'sign_overdue') == 1
        and late then
      stats_breach(day, now, number, 'sign', lead, due)
    end
  elseif a == ACTION.RETURN then
    count(acting_lead, 'returned')
  elseif a == ACTION.REPLY then
    redis.call('HSET', KEYS[1], 'st_replied_at', p.now, 'st_replied_ws', ws)
  elseif a == ACTION.APPROVE_REPLY then
    local r = redis.call('HMGET', KEYS[1], 'st_replied_at', 'st_replied_ws', 'complete_due')
    local at, due = tonumber(r[1] or ''), tonumber(r[3] or '')
    local late = at ~= nil and due ~= nil and at > due
    count(lead, 'completed')
    stats_duration(day, number, lead, 'complete_seconds', r[2])
    if stats_settle(day, number, lead, 'done', late, 'completed_on_time', 'overdue') == 1
        and late then
      stats_breach(day, now, number, 'complete', lead, due)
    end
  elseif a == ACTION.DECIDE_EXTENSION and p.approve == '1' then
    count(lead, 'extended')
  elseif a == ACTION.CALLBACK then
    local r = redis.call('HMGET', KEYS[1], 'callback_result', 'solved')
    count(lead, r[1] == CALLBACK_RESULT.SATISFIED and 'callback_satisfied' or
      'callback_basically_satisfied')
    if r[2] == '1' then count(lead, 'solved') end
  elseif a == ACTION.REOPEN then
    count(lead, 'callback_unsatisfied')
    count(lead, 'reopened')
    stats_round(number, ws)
  elseif a == ACTION.CALLBACK_UNREACHABLE and to == STATE_CLOSED then
    count(lead, 'callback_unreachable')
  elseif a == ACTION.URGE then
    count(lead, 'urged')
  elseif a == ACTION.SUPERVISE then
    count(lead, 'supervised')
  elseif a == ACTION.INVALIDATE then
    count(acting_lead, 'invalid')
  elseif a == ACTION.EXEMPT and not was_exempt then
    stats_exempt(number)
    count('', 'exempted')
    if lead ~= '' then stats_field(day, 'd', lead .. ':exempted', 1) end
  end
  stats_state(state, to)
  stats_index(number)
end
count_step()

-- Merged tickets follow their master and are closed with it (随主单办结).
if to == STATE_CLOSED then
  for _, m in ipairs(redis.call('SMEMBERS', KEY.merged(number))) do
    local mkey = KEY.ticket(m)
    if redis.call('HGET', mkey, 'state') == STATE_MERGED then
      redis.call('HSET', mkey, 'state', STATE_CLOSED, 'closure', CLOSURE.WITH_MASTER,
        'updated_at', p.now)
      stats_state(STATE_MERGED, STATE_CLOSED)
      history_push(KEY.history(m), {at = p.now, principal = p.principal, role = p.role,
        action = 'close_with_master', from = STATE_MERGED, to = STATE_CLOSED,
        note = '主工单 ' .. number .. ' 已办结', dept = ''})
      outbox(m, 'close_with_master')
    end
  end
end
outbox(number, p.action)
return made()
