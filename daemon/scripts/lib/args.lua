-- args.lua: the one argument convention of every script: named parameters, then, for a script that also takes a list, "--" and the list.
--
-- ARGV is name/value pairs ("now", "1765000000000", "day", "20261207", ...),
-- built by the daemon with store_args_param/store_args_paramf. A script that
-- takes a list as well (a ticket's field/value pairs, the scopes of a count)
-- gets "--" after the pairs, then the list. Only names are looked at for
-- "--": a value may be anything. Scripts read ARGV through these functions
-- only (tests/unit/test-lua-consts.c checks it), so a parameter is found by
-- its name, never by counting positions alike in C and in Lua.

-- Reads the name/value pairs from ARGV[1] on, up to "--" or the end;
-- returns them as a table and the index in ARGV where they stopped.
local function args_pairs()
  local p, i = {}, 1
  while ARGV[i] ~= nil and ARGV[i] ~= '--' do
    if ARGV[i + 1] == nil then
      error('args.lua: parameter "' .. ARGV[i] .. '" has no value')
    end
    p[ARGV[i]] = ARGV[i + 1]
    i = i + 2
  end
  return p, i
end

-- With names (the parameters a script takes), errors unless p has exactly those.
local function args_check(p, names)
  if names == nil then return end
  local known = {}
  for _, n in ipairs(names) do
    if p[n] == nil then error('args.lua: no parameter "' .. n .. '"') end
    known[n] = true
  end
  for n in pairs(p) do
    if not known[n] then error('args.lua: unknown parameter "' .. n .. '"') end
  end
end

-- Returns the parameters (p.now, p.principal, ...) and the list after
-- "--" (a table, possibly empty); an error when there is no "--". names:
-- as for params, or nil to take any.
local function named_args(names)
  local p, i = args_pairs()
  if ARGV[i] ~= '--' then error('args.lua: no "--" after the parameters') end
  args_check(p, names)
  local list = {}
  for j = i + 1, #ARGV do list[#list + 1] = ARGV[j] end
  return p, list
end

-- Returns the parameters of a script that takes no list: all of ARGV is
-- pairs. names lists every parameter the script takes: one missing or one
-- more is an error, so a daemon and a script that disagree fail loudly.
local function params(names)
  local p, i = args_pairs()
  if ARGV[i] ~= nil then error('args.lua: "--" in a script that takes no list') end
  args_check(p, names)
  return p
end
