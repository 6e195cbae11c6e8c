/* The period report's CSV (季度通报): one header row of Chinese column names and one row per department. */
#include <stddef.h>
#include <stdio.h>

#include "csv.h"
#include "ctl-stats.h"

/* What a column holds. */
enum ctl_column_kind {
	COL_RANK, COL_NAME, COL_SCORE, COL_COUNTER, COL_RATE, COL_AVG_SIGN,
	COL_AVG_COMPLETE, COL_ID, COL_NOTE
};

/* One column: its header and where its value comes from. */
struct ctl_column {
	const char *header;
	enum ctl_column_kind kind;
	size_t offset;			/* COL_COUNTER: in Counters; COL_RATE: in Indicators */
};

#define C(f) COL_COUNTER, offsetof(Hotline__Counters, f)
#define R(f) COL_RATE, offsetof(Hotline__Indicators, f)

/* The report's columns, in order. */
static const struct ctl_column ctl_columns[] = {
	{ "排名", COL_RANK, 0 },
	{ "单位", COL_NAME, 0 },
	{ "得分", COL_SCORE, 0 },
	{ "受理/派单量", C(received) },
	{ "按时签收率", R(response) },
	{ "按时办结率", R(on_time) },
	{ "解决率", R(resolution) },
	{ "满意率", R(satisfaction) },
	{ "退单率", R(returns) },
	{ "重办率", R(reopens) },
	{ "平均签收时长(工作小时)", COL_AVG_SIGN, 0 },
	{ "平均办结时长(工作小时)", COL_AVG_COMPLETE, 0 },
	{ "超期", C(overdue) },
	{ "签收超时", C(sign_overdue) },
	{ "延期", C(extended) },
	{ "免考核", C(exempted) },
	{ "签收", C(signed_) },
	{ "按时签收", C(signed_on_time) },
	{ "办结", C(completed) },
	{ "按时办结", C(completed_on_time) },
	{ "退单", C(returned) },
	{ "重办", C(reopened) },
	{ "黄灯", C(warned) },
	{ "催办", C(urged) },
	{ "督办", C(supervised) },
	{ "督办超时", C(supervision_overdue) },
	{ "回访满意", C(callback_satisfied) },
	{ "回访基本满意", C(callback_basically_satisfied) },
	{ "回访不满意", C(callback_unsatisfied) },
	{ "回访未联系上", C(callback_unreachable) },
	{ "解决", C(solved) },
	{ "单位代码", COL_ID, 0 },
	{ "备注", COL_NOTE, 0 },
};

#undef C
#undef R

#define CTL_NCOLUMNS (sizeof ctl_columns / sizeof ctl_columns[0])

/* Writes a department's counter at offset. */
static void
ctl_csv_counter(struct csv *c, const Hotline__Counters *k, size_t offset)
{
	csv_fieldf(c, "%llu", (unsigned long long)ctl_counter_at(k, offset));
}

/* Writes a department's rate at offset as a percentage with one decimal, empty when undefined. */
static void
ctl_csv_rate(struct csv *c, const Hotline__Indicators *in, size_t offset)
{
	char v[32];

	ctl_format_rate_number(ctl_rate_at(in, offset), v, sizeof v);
	csv_field(c, v);
}

/* Writes an average in working hours with one decimal, empty over no tickets. */
static void
ctl_csv_hours(struct csv *c, const Hotline__DepartmentScore *s, int complete)
{
	const Hotline__Indicators *in = s->indicators;
	uint64_t n = 0;
	char v[32];

	if (s->counters != NULL)
		n = complete ? s->counters->completed : s->counters->signed_;
	ctl_format_hours(in == NULL ? 0 : complete ? in->avg_complete_hours :
	    in->avg_sign_hours, n, "", v, sizeof v);
	csv_field(c, v);
}

/* Writes one cell of a department's row. */
static void
ctl_csv_cell(struct csv *c, const struct ctl_column *col,
    const Hotline__DepartmentScore *s)
{
	const Hotline__Department *d = s->department;

	switch (col->kind) {
	case COL_RANK:
		if (s->too_few)
			csv_field(c, "");
		else
			csv_fieldf(c, "%u", s->rank);
		break;
	case COL_NAME:
		csv_field(c, d == NULL ? "" : d->name[0] != '\0' ? d->name :
		    d->id);
		break;
	case COL_SCORE:
		csv_fieldf(c, "%.1f", s->score);
		break;
	case COL_COUNTER:
		ctl_csv_counter(c, s->counters, col->offset);
		break;
	case COL_RATE:
		ctl_csv_rate(c, s->indicators, col->offset);
		break;
	case COL_AVG_SIGN:
	case COL_AVG_COMPLETE:
		ctl_csv_hours(c, s, col->kind == COL_AVG_COMPLETE);
		break;
	case COL_ID:
		csv_field(c, d != NULL ? d->id : "");
		break;
	case COL_NOTE:
		csv_field(c, s->too_few ? "样本不足，不参与排名" : "");
		break;
	}
}

/*
 * Writes the report's CSV to out: the BOM, the header row, one row per
 * department in the answer's order (ranked, then too few). Returns 0, or
 * -1 if a write failed.
 */
int
ctl_report_csv(FILE *out, const Hotline__ScorecardReply *r)
{
	struct csv c;
	size_t i, j;

	csv_begin(&c, out);
	for (j = 0; j < CTL_NCOLUMNS; j++)
		csv_field(&c, ctl_columns[j].header);
	csv_end_row(&c);
	for (i = 0; i < r->n_departments; i++) {
		for (j = 0; j < CTL_NCOLUMNS; j++)
			ctl_csv_cell(&c, &ctl_columns[j], r->departments[i]);
		csv_end_row(&c);
	}
	if (fflush(out) == EOF)
		return -1;
	return csv_status(&c);
}
