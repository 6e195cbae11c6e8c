/* Plain read commands (HGETALL, ...) for code outside the store, sent only while Redis is ready. */
#include "hotlined.h"

/*
 * Sends a read command of argc strings. Returns 0 and later calls cb exactly
 * once (reply NULL if Redis failed or was too slow), or -1 at once, without
 * calling cb, when Redis is not ready. Not for writes: strict mode (WAIT)
 * covers scripts only.
 */
int
store_read(int argc, const char **argv, store_cb cb, void *priv)
{
	if (!store_ready())
		return -1;
	return store_command(argc, argv, NULL, cb, priv);
}
