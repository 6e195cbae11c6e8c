-- args.lua: the one argument convention of the scripts that take named parameters (create.lua, transition.lua, clock_set.lua).
--
-- ARGV is name/value pairs of parameters, then "--", then field/value pairs
-- of the ticket. named_args() returns the parameters as a table (p.now,
-- p.principal, ...) and the index in ARGV of the first field name.
local function named_args()
  local p, i = {}, 1
  while ARGV[i] ~= '--' do
    if ARGV[i] == nil then error('args.lua: no "--" after the parameters') end
    p[ARGV[i]] = ARGV[i + 1]
    i = i + 2
  end
  return p, i + 1
end
