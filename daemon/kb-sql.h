/* The knowledge base's SQL statements (kb-sql.c) and the ranking's constants. */
#ifndef KB_SQL_H
#define KB_SQL_H

/* Ranking (measured on tests/eval/kb/dev.tsv; see make eval-kb). */
#define KB_IDF_MIN "0.5"	/* rarer terms than this find candidates */
#define KB_SEEDS "6"		/* the rarest query terms that find candidates */
#define KB_PER_TERM "200"	/* a seed's best postings read */
#define KB_PARTIAL "1000"	/* best by the seeds, before validity and district */
#define KB_CANDIDATES "30"	/* candidates scored in full */
/* The weights of title, 常见问法 and answer are in 021-kb-postings.sql. */
/*
 * A hit is a good match (KbHit.good, 知识库建议) when it holds this share of
 * the query's weight (coverage), at least two of its terms (or one that is
 * KB_GOOD_ALONE of the question's weight, or the query's only one) and
 * scores at least KB_GOOD_TOP of the best hit's score. Chosen on dev.tsv:
 * 76.7% of the good hits are right (58.1% with coverage 0.35 alone).
 */
#define KB_GOOD_COVERAGE 0.45
#define KB_GOOD_ALONE 0.6
#define KB_GOOD_TOP 0.7
/*
 * A long call mentions much besides its question, so its coverage falls
 * with its length: a hit is good too when the query holds this share of
 * the weight of one of the article's questions (or its title), at least
 * KB_KEY_WORDS words of it (kb_key_coverage). Chosen on dev.tsv and
 * dev-long.tsv (tests/eval/kb/README.md).
 */
#define KB_GOOD_KEY 0.8
#define KB_KEY_WORDS 2

extern const char kb_search_sql[];
extern const char kb_import_sql[];
extern const char kb_export_sql[];
extern const char kb_draft_sql[];
extern const char kb_step_sql[];
extern const char kb_gaps_sql[];
extern const char kb_miss_sql[];
extern const char kb_retire_document_sql[];
#define KB_NOTICE_BATCH "50"	/* notices delivered per round */
extern const char kb_notice_expiring_sql[];
extern const char kb_notice_pending_sql[];
extern const char kb_notice_delivered_sql[];
#define KB_REINDEX_BATCH "200"	/* versions re-termed per statement */
extern const char kb_words_sql[];
extern const char kb_reindex_read_sql[];
extern const char kb_reindex_write_sql[];
extern const char kb_reindex_keys_sql[];
extern const char kb_words_done_sql[];

#endif
