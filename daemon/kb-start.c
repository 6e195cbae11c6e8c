/* The knowledge base's background work started and stopped with the daemon: its connection, the owners' notices and re-terming (main.c's only link to them). */
#include "hotlined.h"
#include "kb.h"

/*
 * Starts them when the config has an archive (the kb's database), the
 * domain lexicon of the config in force added to the kb's words first
 * (nothing has made the kb's segmenter yet: every search needs the archive).
 */
void
kb_start(struct event_base *base)
{
	if (!hotlined.cfg->archive.enabled)
		return;
	kb_words_lexicon((const char *const *)hotlined.cfg->routing.lexicon,
	    hotlined.cfg->routing.nlexicon);
	kb_link_start(base);
	kb_notice_start(base);
	kb_reindex_start(base);
}

/* Stops them; the queries still waiting end unanswered. */
void
kb_stop(void)
{
	kb_notice_stop();
	kb_reindex_stop();
	kb_link_stop();
}
