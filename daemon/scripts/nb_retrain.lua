-- nb_retrain.lua: asks every daemon to rebuild its learned model from the stored examples.
--
-- KEYS[1] ht:nb:examples   KEYS[2] ht:nb:gen
-- Bumps the generation and wakes the daemons: each reads every example
-- again into a fresh model and swaps it in once caught up.
-- Returns the number of examples stored.
-- @include keys.lua
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', KEY.wake, KEYS[1])
return redis.call('XLEN', KEYS[1])
