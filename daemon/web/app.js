/* The supervision page: login, then the dashboard from /api/v1/ (JSON shapes as in docs/openapi.json), live through Server-Sent Events. */
'use strict';

const $ = (id) => document.getElementById(id);

/* Labels of what the API names in English. */
const DEADLINE = { sign: '签收', complete: '办结', callback: '回访', supervision: '督办' };
const EVENT_TEXT = {
  overdue: '办结超期', sign_overdue: '签收超时', supervision_overdue: '督办超时',
  callback_overdue: '回访超时', warning: '即将到期（黄灯）', disputed: '争议件',
  reopened: '重办', hot_spot: '高频诉求聚集', supervision_answered: '督办已反馈',
};
/* Events that raise the banner: breaches and disputes (and bursts); for a department also orders. */
const BANNER = new Set(['overdue', 'sign_overdue', 'supervision_overdue', 'callback_overdue',
  'disputed', 'hot_spot', 'urged', 'supervised', 'dispatched']);
Object.assign(EVENT_TEXT, { urged: '被催办', supervised: '被督办', dispatched: '新派工单' });
const ERROR_TEXT = {
  unauthenticated: '账号或令牌错误', forbidden: '此页面仅供督办人员、管理员和承办单位使用',
  rate_limited: '失败次数过多，请稍后再试', unavailable: '服务暂不可用，请稍后再试',
  bad_request: '输入有误',
};

let events = null;
let department = false;  /* a department's own view: no ranking, no city-wide hot spots */
let charts = {};
let liveTimer = null;   /* events come in bursts: the lists are read again once per burst ... */
let fullTimer = null;   /* ... and the ranking, hot spots and trend once it has settled */

/* Thrown for an API error: carries the protocol's Error. */
class ApiError extends Error {
  constructor(status, error) {
    super(error && error.message ? error.message : 'HTTP ' + status);
    this.status = status;
    this.code = error ? error.code : 'internal';
  }
}

/* GET (or POST with body) an API path; returns its JSON or throws ApiError. */
async function api(path, body) {
  const init = { credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  const json = await resp.json();
  if (!resp.ok)
    throw new ApiError(resp.status, json.error);
  return json;
}

/* A query string of the non-empty values. */
function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== '' && v !== undefined && v !== null)
      q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

/* A table cell with text (never HTML). */
function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls)
    td.className = cls;
  row.appendChild(td);
  return td;
}

/* A ticket number that opens its timeline. */
function ticketCell(row, number) {
  const td = cell(row, '');
  const a = document.createElement('a');
  a.className = 'ticket';
  a.textContent = number;
  a.dataset.number = number;
  a.addEventListener('click', () => showTimeline(number));
  td.appendChild(a);
}

/* "2026-12-07 09:30" in Beijing time, whatever the browser's zone. */
function when(ms) {
  if (!ms)
    return '—';
  const d = new Date(Number(ms) + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/* The local date (Asia/Shanghai) of a time in ms, "2026-12-07". */
function localDate(ms) {
  return new Date(Number(ms) + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/* A rate as a percentage, or a dash when nothing could be judged. */
function rate(r) {
  if (!r || !r.denominator)
    return '—';
  return (r.value * 100).toFixed(1) + '%';
}

/* Shows the login form (the session is missing or expired). */
function showLogin(message) {
  if (events) {
    events.close();
    events = null;
  }
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('login-principal').focus();
}

/* Fills the overdue (红灯) or warning (黄灯) table. */
function fillOverdue(tableId, countId, reply, warning) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  for (const o of reply.tickets || []) {
    const t = o.ticket || {};
    const row = body.insertRow();
    row.dataset.number = t.number;
    ticketCell(row, t.number);
    cell(row, t.title || '', 'title');
    cell(row, t.lead_department ? t.lead_department.name : '');
    cell(row, (DEADLINE[o.deadline] || o.deadline) + ' ' + when(o.due_at));
    const hours = Math.abs(o.late_hours).toFixed(1) + ' 工作小时';
    cell(row, warning ? '剩余 ' + hours : '已超 ' + hours, warning ? 'left' : 'late');
  }
  $(countId).textContent = '共 ' + (reply.matched || 0) + ' 件';
}

/*
 * Fills the ranking (ranked departments first, as the reply orders them)
 * or, for a department, its own scorecard (the op table gives it only its own).
 */
function fillScores(reply, own) {
  const body = $(own ? 'dept-table' : 'ranking-table').tBodies[0];
  body.replaceChildren();
  for (const d of reply.departments || []) {
    const row = body.insertRow();
    const ind = d.indicators || {};
    row.dataset.department = d.department.id;
    if (!own)
      cell(row, d.rank ? String(d.rank) : '样本不足', 'num rank');
    cell(row, d.department.name, 'dept');
    cell(row, d.too_few ? '—' : d.score.toFixed(1), 'num score');
    for (const k of ['response', 'on_time', 'resolution', 'satisfaction', 'returns', 'reopens'])
      cell(row, rate(ind[k]), 'num');
    cell(row, String(d.counters ? d.counters.received : 0), 'num');
  }
  $(own ? 'dept-period' : 'ranking-period').textContent = reply.from + ' 至 ' + reply.to;
}

/* Draws (or redraws) a chart in element id. */
function chart(id, option) {
  if (typeof echarts === 'undefined')
    return;
  if (!charts[id])
    charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
  charts[id].setOption(option, true);
}

/* A horizontal bar chart of hot spots, most first at the top. */
function hotChart(id, reply) {
  const items = (reply.items || []).slice().reverse();
  chart(id, {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: items.map((i) => i.name || i.key || '未分类') },
    series: [{ type: 'bar', data: items.map((i) => i.counters ? i.counters.registered : 0),
      itemStyle: { color: '#d92d20' }, label: { show: true, position: 'right' } }],
    aria: { enabled: true },
  });
}

/* The period's breaches per day, as a line. */
function trendChart(reply, today) {
  const counts = {};
  for (const b of reply.breaches || []) {
    const day = localDate(b.at);
    counts[day] = (counts[day] || 0) + 1;
  }
  const days = [];
  for (let d = new Date(reply.from + 'T00:00:00Z'); ; d.setUTCDate(d.getUTCDate() + 1)) {
    const s = d.toISOString().slice(0, 10);
    if (s > reply.to || s > today)
      break;
    days.push(s);
  }
  chart('chart-trend', {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: days.map((s) => s.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', data: days.map((s) => counts[s] || 0), smooth: true,
      itemStyle: { color: '#b42318' }, areaStyle: { color: 'rgba(217, 45, 32, .12)' } }],
    aria: { enabled: true },
  });
}

/* Loads the overdue and warning lists and today's breaches (what live events change). */
async function loadLive() {
  const [overdue, warning] = await Promise.all([
    api('/api/v1/overdue' + query({ limit: 50 })),
    api('/api/v1/overdue' + query({ within_hours: 8, limit: 50 })),
  ]);
  fillOverdue('overdue-table', 'overdue-count', overdue, false);
  fillOverdue('warning-table', 'warning-count', warning, true);
  const today = localDate(overdue.now);
  const breaches = await api('/api/v1/breaches' + query({ period: today, limit: 1 }));
  const byKind = {};
  for (const kv of breaches.by_kind || [])
    byKind[kv.key] = kv.value;
  for (const k of ['sign', 'complete', 'supervision', 'callback'])
    $('today-' + k).textContent = String(byKind[k] || 0);
  return today;
}

/* Loads everything for the period in the form (empty: this month). */
async function loadAll() {
  const period = $('period').value.trim();
  $('load-error').textContent = '';
  try {
    const today = await loadLive();
    const [ranking, breaches] = await Promise.all([
      api('/api/v1/scorecard' + query({ period })),
      api('/api/v1/breaches' + query({ period, limit: 1000 })),
    ]);
    trendChart(breaches, today);
    fillScores(ranking, department);
    if (!department) {
      const [cats, districts] = await Promise.all([
        api('/api/v1/hot' + query({ period, dimension: 'category', limit: 10 })),
        api('/api/v1/hot' + query({ period, dimension: 'district', limit: 10 })),
      ]);
      hotChart('chart-category', cats);
      hotChart('chart-district', districts);
    }
    document.body.dataset.loaded = 'yes';
  } catch (e) {
    if (e.status === 401)
      showLogin('登录已过期，请重新登录');
    else
      $('load-error').textContent = '加载失败：' + e.message;
  }
}

/* Shows the live banner with the newest events first (up to 5, until closed). */
function banner(ev) {
  const what = EVENT_TEXT[ev.kind] || ev.kind;
  const t = ev.ticket || {};
  const dept = t.lead_department ? t.lead_department.name + ' ' : '';
  const line = document.createElement('div');
  line.className = 'banner-line';
  line.textContent = '【实时】' + when(ev.at) + ' ' + dept + '工单 ' + (ev.number || '') + ' ' +
    what + (ev.place ? '：' + ev.place : '');
  const list = $('banner-text');
  if ($('banner').hidden)
    list.replaceChildren();
  list.prepend(line);
  while (list.children.length > 5)
    list.lastChild.remove();
  $('banner').hidden = false;
}

/* Follows the supervisors' feed; EventSource resumes with Last-Event-ID by itself. */
function follow() {
  if (events)
    events.close();
  events = new EventSource('/api/v1/events');
  events.addEventListener('watching', () => { $('live-state').textContent = '已连接'; });
  events.addEventListener('event', (msg) => {
    const ev = JSON.parse(msg.data);
    if (BANNER.has(ev.kind))
      banner(ev);
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => loadLive().catch(() => {}), 100);
    clearTimeout(fullTimer);
    fullTimer = setTimeout(loadAll, 3000);
  });
  events.addEventListener('error', () => {
    $('live-state').textContent = '重新连接中';
  });
}

/* Shows the dashboard for who is logged in. */
function showDashboard(me) {
  $('login').hidden = true;
  $('dashboard').hidden = false;
  department = me.role === 'department';
  const role = { admin: '管理员', supervisor: '督办', department: '承办单位 ' + me.department };
  $('who').textContent = me.principal + '（' + (role[me.role] || me.role) + '）';
  $('title').textContent = department ? '12345 热线 · 本单位工单' : '12345 热线 · 督办考核';
  document.body.dataset.view = department ? 'department' : 'supervision';
  $('dept-panel').hidden = !department;
  $('ranking-panel').hidden = department;
  $('hot-panels').hidden = department;
  follow();
  loadAll();
}

/* Opens a ticket's SLA timeline. */
async function showTimeline(number) {
  let t;
  try {
    t = await api('/api/v1/timeline' + query({ number }));
  } catch (e) {
    $('load-error').textContent = '无法打开工单 ' + number + '：' + e.message;
    return;
  }
  const ticket = t.ticket || {};
  $('timeline-title').textContent = '工单 ' + ticket.number + ' · ' + (ticket.title || '');
  $('timeline-summary').textContent = (ticket.lead_department ? ticket.lead_department.name : '未派单') +
    (t.exempt ? ' · 免考核' : '') + ' · ' + (ticket.category_name || '');
  const dl = $('timeline-deadlines').tBodies[0];
  dl.replaceChildren();
  for (const d of t.deadlines || []) {
    const row = dl.insertRow();
    cell(row, DEADLINE[d.deadline] || d.deadline);
    cell(row, when(d.due_at));
    cell(row, when(d.met_at));
    cell(row, (d.late ? '超时 ' : '按时 ') + Math.abs(d.margin_hours).toFixed(1) + ' 工作小时',
      d.late ? 'late' : '');
  }
  const st = $('timeline-steps').tBodies[0];
  st.replaceChildren();
  for (const s of t.steps || []) {
    const row = st.insertRow();
    cell(row, when(s.at));
    cell(row, s.what);
    cell(row, s.principal || '');
    cell(row, s.department || '');
    cell(row, s.note || '', 'title');
  }
  $('timeline').showModal();
}

/* Wires the page once it is parsed. */
function start() {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      showDashboard(await api('/api/v1/session', {
        principal: $('login-principal').value, token: $('login-token').value }));
      $('login-token').value = '';
    } catch (err) {
      $('login-error').textContent = ERROR_TEXT[err.code] || ('登录失败：' + err.message);
    }
  });
  $('period-form').addEventListener('submit', (e) => { e.preventDefault(); loadAll(); });
  $('logout').addEventListener('click', async () => {
    try { await api('/api/v1/logout', {}); } catch (e) { /* the cookie is cleared anyway */ }
    document.body.dataset.loaded = '';
    showLogin('已退出');
  });
  $('banner-close').addEventListener('click', () => { $('banner').hidden = true; });
  $('timeline-close').addEventListener('click', () => $('timeline').close());
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  api('/api/v1/session').then((me) => (me.logged_in ? showDashboard(me) : showLogin('')),
    (e) => showLogin(e.message));
}

document.addEventListener('DOMContentLoaded', start);
