/* Unit tests of simhash.c: re-registered tickets are close, retellings closer than unrelated tickets, which are far. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "normalize.h"
#include "simhash.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STABLE_STOP_WATER 0x712696a5728b7177ULL
#define STABLE_GAS 0xb80391959e4fb26cULL

/* The same ticket registered twice, the second time with a clause changed. */
static const char *const copies[][2] = {
	{ "鼓楼区五四路12号楼下的烧烤店每天晚上营业到凌晨两点，油烟和噪音很大，严重影响休息，请相关部门处理。",
	  "市民来电反映：鼓楼区五四路12号楼下的烧烤店每天晚上营业到凌晨两点，油烟和噪音很大，严重影响休息，请尽快处理。" },
	{ "台江区万达小区3号楼电梯又坏了，已经停了一个星期，老人上下楼很困难，物业一直说在等配件。",
	  "台江区万达小区3号楼电梯坏了，已经停了一个多星期，老人上下楼很困难，物业一直说在等配件，来电要求尽快修好。" },
	{ "公司拖欠我三个月工资，老板一直推脱说没钱，我们有二十多个工人都没拿到钱。",
	  "公司拖欠三个月工资，老板一直推脱说没钱，我们二十多个工人都没拿到钱，要求人社部门介入。" },
	{ "晋安区新店镇某工地每天晚上十一点后还在打桩，噪音太大，孩子没法睡觉。",
	  "晋安区新店镇某工地每天晚上十一点以后还在打桩施工，噪音太大，孩子没法睡觉，已多次反映。" },
};

/* The same matter told by two callers in their own words. */
static const char *const retellings[][2] = {
	{ "鼓楼区五四路12号楼下的烧烤店每天晚上营业到凌晨两点，油烟和噪音很大，严重影响休息，请相关部门处理。",
	  "五四路12号楼下那家烧烤店天天开到凌晨两点，油烟噪音太大了，根本没法休息，希望有关部门管一管。" },
	{ "台江区万达小区3号楼电梯又坏了，已经停了一个星期，老人上下楼很困难，物业一直说在等配件。",
	  "万达小区3号楼的电梯坏了一个星期了，物业说等配件，楼里老人上下楼太难了。" },
	{ "仓山区金山大道与浦上大道交叉口的红绿灯坏了，早晚高峰很堵，很危险。",
	  "金山大道浦上大道路口红绿灯不亮，高峰期堵得很厉害，容易出事故。" },
	{ "公司拖欠我三个月工资，老板一直推脱说没钱，我们有二十多个工人都没拿到钱。",
	  "我们公司三个月没发工资了，老板总说没钱，二十多个工友都拿不到工资。" },
	{ "家里停水了，从早上八点到现在都没来水，也没有看到停水通知。",
	  "我们小区今天早上八点开始停水，到现在还没来，事先也没有通知。" },
	{ "晋安区新店镇某工地每天晚上十一点后还在打桩，噪音太大，孩子没法睡觉。",
	  "新店镇那个工地半夜还在打桩施工，吵得孩子睡不着，已经好几天了。" },
	{ "我在五一广场附近的奶茶店买的饮料里喝出了虫子，店家不肯退款。",
	  "五一广场旁边奶茶店的饮料里有虫子，找老板退钱不给退。" },
};

/* Tickets about different matters. */
static const char *const unrelated[] = {
	"鼓楼区五四路12号楼下的烧烤店每天晚上营业到凌晨两点，油烟和噪音很大，严重影响休息，请相关部门处理。",
	"台江区万达小区3号楼电梯又坏了，已经停了一个星期，老人上下楼很困难，物业一直说在等配件。",
	"仓山区金山大道与浦上大道交叉口的红绿灯坏了，早晚高峰很堵，很危险。",
	"公司拖欠我三个月工资，老板一直推脱说没钱，我们有二十多个工人都没拿到钱。",
	"家里停水了，从早上八点到现在都没来水，也没有看到停水通知。",
	"晋安区新店镇某工地每天晚上十一点后还在打桩，噪音太大，孩子没法睡觉。",
	"我在五一广场附近的奶茶店买的饮料里喝出了虫子，店家不肯退款。",
	"孩子今年上小学，户口在晋安区，想咨询一下划片入学需要准备哪些材料。",
	"在药店买到过期的感冒药，找店家退货对方不同意，要求市场监管部门查处。",
	"市民来电反映，马尾区亭江镇某村村干部私自把集体土地租给外人，村务也不公开。",
	"想咨询医保异地就医怎么备案，在外地住院能不能直接结算。",
	"小区门口的路灯坏了半个月了，晚上黑漆漆的，老人出门很不安全。",
	"我们小区的物业费一年涨了两次，业主们都不同意，物业也不公示账目。",
};

/* Returns the SimHash of text after normalisation. */
static uint64_t
hash_of(const char *text)
{
	char *norm = normalize_text(text);
	uint64_t h = simhash_text(norm);

	free(norm);
	return h;
}

/* Returns the distance between two texts' fingerprints. */
static int
distance(const char *a, const char *b)
{
	return simhash_distance(hash_of(a), hash_of(b));
}

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(simhash_distance(0, 0), 0);
	assert_int_equal(simhash_distance(0, UINT64_MAX), 64);
	assert_int_equal(simhash_distance(0x0f, 0xf0), 8);
	assert_int_equal(simhash_distance(1ULL << 63, 0), 1);
	assert_true(simhash_near(0x0f, 0x0e, 1));
	assert_false(simhash_near(0x0f, 0x00, 3));
}

static void
test_empty(void **state)
{
	(void)state;
	assert_true(simhash_text("") == 0);
	assert_true(simhash_text("   ") == 0);
	assert_true(simhash_text("水") != 0);
}

/* Normalisation makes width, punctuation and script variants identical. */
static void
test_same_after_normalising(void **state)
{
	(void)state;
	assert_int_equal(distance("３号楼电梯坏了！！", "3号楼电梯坏了。"), 0);
	assert_int_equal(distance("我家樓上漏水，物業不管。",
	    "我家楼上漏水 物业不管"), 0);
	assert_true(hash_of(copies[0][0]) == hash_of(copies[0][0]));
}

static void
test_copies_are_near(void **state)
{
	size_t i;
	int d;

	(void)state;
	for (i = 0; i < N(copies); i++) {
		d = distance(copies[i][0], copies[i][1]);
		print_message("# copy %zu: %d bits\n", i, d);
		assert_true(d <= SIMHASH_NEAR);
	}
}

/* Returns the smallest distance between two different unrelated tickets. */
static int
closest_unrelated(void)
{
	size_t i, j;
	int d, min = 64;

	for (i = 0; i < N(unrelated); i++)
		for (j = i + 1; j < N(unrelated); j++)
			if ((d = distance(unrelated[i], unrelated[j])) < min)
				min = d;
	return min;
}

static void
test_unrelated_are_far(void **state)
{
	size_t i, j, n = 0;
	int d, sum = 0;

	(void)state;
	for (i = 0; i < N(unrelated); i++)
		for (j = i + 1; j < N(unrelated); j++) {
			d = distance(unrelated[i], unrelated[j]);
			assert_true(d > SIMHASH_NEAR + 4);
			sum += d;
			n++;
		}
	print_message("# unrelated: mean %.1f bits, closest %d\n",
	    (double)sum / (double)n, closest_unrelated());
	assert_true(sum >= 27 * (int)n);	/* about 32 for random bits */
}

/* Retellings lie between copies and unrelated tickets: on average nearer than the closest unrelated pair. */
static void
test_retellings_between(void **state)
{
	int d, min = closest_unrelated(), sum = 0;
	size_t i;

	(void)state;
	for (i = 0; i < N(retellings); i++) {
		d = distance(retellings[i][0], retellings[i][1]);
		print_message("# retelling %zu: %d bits\n", i, d);
		assert_true(d < 27);
		sum += d;
	}
	assert_true(sum < min * (int)N(retellings));
}

/* Passes exactly len bytes in a heap block, so ASan sees over-reads. */
static uint64_t
hash_bytes(const char *bytes, size_t len)
{
	char *in = malloc(len + 1);
	uint64_t h;

	assert_non_null(in);
	memcpy(in, bytes, len);
	in[len] = '\0';
	h = simhash_text(in);
	free(in);
	return h;
}

/* Malformed bytes (unnormalised input) are features of their own, never over-read. */
static void
test_malformed(void **state)
{
	(void)state;
	assert_true(hash_bytes("\xe4\xb8", 2) != 0);
	assert_true(hash_bytes("\xf0", 1) != 0);
	assert_true(hash_bytes("水\xe4", 4) != 0);
	assert_true(hash_bytes("\xe4\xb8 ", 3) == hash_bytes("\xe4\xb8", 2));
}

/* The feature hash of simhash.c, for the reference below. */
static uint64_t
ref_hash(const unsigned char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

/* Adds weight w of the feature at s to 64 plain vote counters. */
static void
ref_vote(int64_t *votes, const unsigned char *s, size_t len, int w)
{
	uint64_t h = ref_hash(s, len);
	int b;

	for (b = 0; b < 64; b++)
		votes[b] += (h >> b) & 1 ? w : -w;
}

/* SimHash the slow, obvious way (valid UTF-8 without spaces only). */
static uint64_t
ref_simhash(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t pos = 0, prev = 0, n, len = strlen(text);
	int64_t votes[64] = { 0 };
	uint64_t h = 0;
	int b;

	while (pos < len) {
		n = s[pos] < 0x80 ? 1 : s[pos] < 0xe0 ? 2 : s[pos] < 0xf0 ? 3 : 4;
		ref_vote(votes, s + pos, n, SIMHASH_CHAR_WEIGHT);
		if (pos > 0)
			ref_vote(votes, s + prev, pos + n - prev,
			    SIMHASH_PAIR_WEIGHT);
		prev = pos;
		pos += n;
	}
	for (b = 0; b < 64; b++)
		if (votes[b] > 0)
			h |= (uint64_t)1 << b;
	return h;
}

/* The packed counters agree with plain ones, also past many lane flushes. */
static void
test_reference(void **state)
{
	static const char piece[] = "小区楼下烧烤店油烟很大abc";
	char *long_text = malloc(200 * sizeof piece);
	size_t i;

	(void)state;
	assert_non_null(long_text);
	long_text[0] = '\0';
	for (i = 0; i < 200; i++)
		strcat(long_text, piece);
	assert_true(simhash_text("停水") == ref_simhash("停水"));
	assert_true(simhash_text(piece) == ref_simhash(piece));
	assert_true(simhash_text(long_text) == ref_simhash(long_text));
	free(long_text);
}

/*
 * Fingerprints are stored (in Redis) and compared with later ones: the
 * function must not change silently. These values pin it.
 */
static void
test_stable(void **state)
{
	(void)state;
	assert_true(simhash_text("停水") == STABLE_STOP_WATER);
	assert_true(simhash_text("燃气泄漏 快来人") == STABLE_GAS);
}

/* Opens OpenCC for the normalisation of the Traditional samples. */
static int
group_setup(void **state)
{
	char err[256];

	(void)state;
	return normalize_init(err, sizeof err);
}

static int
group_teardown(void **state)
{
	(void)state;
	normalize_free();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_same_after_normalising),
		cmocka_unit_test(test_copies_are_near),
		cmocka_unit_test(test_unrelated_are_far),
		cmocka_unit_test(test_retellings_between),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_stable),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
