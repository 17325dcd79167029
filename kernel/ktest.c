/*
 * The ktest runner: selects the cases the command line asks for, runs
 * them suite by suite and prints KTAP version 1 in KUnit's shape:
 *
 *   KTAP version 1
 *   1..<suites>
 *       KTAP version 1
 *       # Subtest: <suite>
 *       1..<cases>
 *       ok 1 <case>
 *       # <case>: EXPECTATION FAILED at <file>:<line>
 *       Expected <a> == <b>, but
 *           <a> == <value>
 *       not ok 2 <case>
 *   # <suite>: pass:1 fail:1 skip:0 total:2
 *   not ok 1 <suite>
 *   # Totals: pass:1 fail:1 skip:0 total:2
 *
 * A panic during the run still ends in complete KTAP: panic() calls
 * ktest_panic_close(), which reports the running case (`not ok`, or `ok`
 * when it expected that very panic), the rest of its suite and every
 * suite still to come as `# SKIP not run: the kernel panicked`, and the
 * suite's and the top level's totals, so every plan gets its count and
 * every subtest its result line.
 *
 * See include/hilo/ktest.h for the selection rules.
 */
#include <asm/qemu.h>
#include <hilo/ktest.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/string.h>

extern const struct ktest_case __start_ktests[], __stop_ktests[];

const struct ktest_case *ktest_current;

#define SEL_GLOB_MAX 128

struct ktest_counts {
	unsigned int pass, fail, skip;
};

enum match { NO_MATCH, MATCH, EXACT_MATCH };

#define PANIC_SKIP "# SKIP not run: the kernel panicked"

/* Where the run is, for ktest_panic_close(). */
static struct {
	const char *sel;		/* the selection; NULL: no plan printed yet */
	unsigned int nsuites, suite_nr;	/* suites planned; the last one begun */
	const char *suite;		/* the open suite, or NULL */
	unsigned int ncases, case_nr;	/* its cases; the last one begun */
	struct ktest_counts *counts;	/* the open suite's counts */
	struct ktest_counts *total;
} ktest_run;

/* How one glob matches a case: "suite.case" globs, or suite-only globs. */
static enum match glob_matches(const char *glob, const struct ktest_case *c)
{
	char full[SEL_GLOB_MAX];
	const char *dot = strchr(glob, '.');

	if (!dot)
		return glob_match(glob, c->suite) ? MATCH : NO_MATCH;
	snprintf(full, sizeof(full), "%s.%s", c->suite, c->name);
	if (!strcmp(glob, full))
		return EXACT_MATCH;
	return glob_match(glob, full) ? MATCH : NO_MATCH;
}

/* The best match of any glob in the comma-separated selection. */
static enum match selection_matches(const char *sel, const struct ktest_case *c)
{
	enum match best = NO_MATCH;
	char glob[SEL_GLOB_MAX];

	while ((sel = glob_list_next(sel, glob, sizeof(glob)))) {
		enum match m = glob_matches(glob, c);

		if (m > best)
			best = m;
	}
	return best;
}

/* Is the case listed in this run's plan? */
static bool ktest_listed(const char *sel, const struct ktest_case *c)
{
	enum match m = selection_matches(sel, c);

	if (c->kind == KTEST_MANUAL_ONLY)
		return m == EXACT_MATCH;
	return m != NO_MATCH;
}

static bool first_of_suite(const struct ktest_case *c)
{
	for (const struct ktest_case *p = __start_ktests; p < c; p++)
		if (!strcmp(p->suite, c->suite))
			return false;
	return true;
}

static unsigned int suite_listed(const char *sel, const char *suite)
{
	unsigned int n = 0;

	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++)
		if (!strcmp(c->suite, suite) && ktest_listed(sel, c))
			n++;
	return n;
}

static void run_case(const char *sel, const struct ktest_case *c,
		     unsigned int nr, struct ktest_counts *counts)
{
	struct ktest t = { .kcase = c, .status = KTEST_PASS };

	ktest_run.case_nr = nr;
	if (c->kind == KTEST_PANICS && selection_matches(sel, c) != EXACT_MATCH) {
		printk("    ok %u %s # SKIP expects panic \"%s\": boot with test=%s.%s\n",
		       nr, c->name, c->panic_msg, c->suite, c->name);
		counts->skip++;
		return;
	}
	if (c->kind == KTEST_PANICS)
		printk("    # %s: expecting panic \"%s\"\n", c->name, c->panic_msg);

	ktest_current = c;
	c->run(&t);
	ktest_current = NULL;

	if (c->kind == KTEST_PANICS && t.status != KTEST_FAIL) {
		printk("    # %s: expected a panic \"%s\", but the case returned\n",
		       c->name, c->panic_msg);
		t.status = KTEST_FAIL;
	}
	switch (t.status) {
	case KTEST_PASS:
		printk("    ok %u %s\n", nr, c->name);
		counts->pass++;
		break;
	case KTEST_SKIP:
		printk("    ok %u %s # SKIP %s\n", nr, c->name, t.skip_reason);
		counts->skip++;
		break;
	case KTEST_FAIL:
		printk("    not ok %u %s\n", nr, c->name);
		counts->fail++;
		break;
	}
}

static void run_suite(const char *sel, const char *suite, unsigned int nr,
		      unsigned int ncases, struct ktest_counts *total)
{
	struct ktest_counts counts = { 0 };
	unsigned int i = 0;

	printk("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", suite, ncases);
	ktest_run.suite_nr = nr;
	ktest_run.suite = suite;
	ktest_run.ncases = ncases;
	ktest_run.case_nr = 0;
	ktest_run.counts = &counts;
	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++)
		if (!strcmp(c->suite, suite) && ktest_listed(sel, c))
			run_case(sel, c, ++i, &counts);

	printk("# %s: pass:%u fail:%u skip:%u total:%u\n", suite, counts.pass,
	       counts.fail, counts.skip, ncases);
	printk("%s %u %s%s\n", counts.fail ? "not ok" : "ok", nr, suite,
	       counts.skip == ncases ? " # SKIP" : "");
	ktest_run.suite = NULL;
	total->pass += counts.pass;
	total->fail += counts.fail;
	total->skip += counts.skip;
}

/* Is there a case whose "suite.case" is exactly full? */
static bool case_named(const char *full)
{
	char name[SEL_GLOB_MAX];

	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++) {
		snprintf(name, sizeof(name), "%s.%s", c->suite, c->name);
		if (!strcmp(name, full))
			return true;
	}
	return false;
}

bool ktest_unprefixed_selector(const char *glob, char *buf, size_t size)
{
	const char *dot = strchr(glob, '.');
	size_t slen;

	if (!dot || strchr(glob, '*') || strchr(glob, '?') || case_named(glob))
		return false;
	slen = dot - glob;
	if (strncmp(dot + 1, glob, slen) || dot[1 + slen] != '_')
		return false;
	if (slen + 1 >= size)
		return false;
	memcpy(buf, glob, slen + 1);		/* "S." */
	strlcpy(buf + slen + 1, dot + 2 + slen, size - slen - 1);
	return case_named(buf);
}

/* A selection in the old spelling must not pass as "nothing failed", nor
 * quietly run less than it names: stop the boot with the new spelling. */
static void reject_prefixed_selectors(const char *sel)
{
	char glob[SEL_GLOB_MAX], fixed[SEL_GLOB_MAX];

	for (const char *p = sel; (p = glob_list_next(p, glob, sizeof(glob)));)
		if (ktest_unprefixed_selector(glob, fixed, sizeof(fixed)))
			panic("ktest: no case %s: cases are no longer prefixed with their suite, use test=%s",
			      glob, fixed);
}

/* The suite names, for a selection that matched nothing. */
static void print_suites(void)
{
	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++)
		if (first_of_suite(c))
			printk(" %s", c->suite);
	printk(" (a case is suite.case, e.g. %s.%s)\n",
	       __start_ktests->suite, __start_ktests->name);
}

/**
 * ktest_run_all - run the selected cases and print their KTAP.
 * @selection: the test= value (NULL: every ordinary case).
 * Process context, at boot.  Returns HILO_EXIT_PASS when no case failed,
 * HILO_EXIT_FAIL when one did or when the selection named no case at all
 * (a misspelt test= must not pass as "nothing failed").
 */
int ktest_run_all(const char *selection)
{
	const char *sel = selection ? selection : "*";
	struct ktest_counts total = { 0 };
	unsigned int nsuites = 0, nr = 0;

	reject_prefixed_selectors(sel);
	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++)
		if (first_of_suite(c) && suite_listed(sel, c->suite))
			nsuites++;

	printk("KTAP version 1\n1..%u\n", nsuites);
	ktest_run.sel = sel;
	ktest_run.nsuites = nsuites;
	ktest_run.total = &total;
	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++) {
		unsigned int n;

		if (!first_of_suite(c) || !(n = suite_listed(sel, c->suite)))
			continue;
		run_suite(sel, c->suite, ++nr, n, &total);
	}
	ktest_run.sel = NULL;
	printk("# Totals: pass:%u fail:%u skip:%u total:%u\n", total.pass,
	       total.fail, total.skip, total.pass + total.fail + total.skip);
	if (!nsuites) {
		printk("# ktest: no case matches test=%s; the suites are:", sel);
		print_suites();
		return HILO_EXIT_FAIL;
	}
	return total.fail ? HILO_EXIT_FAIL : HILO_EXIT_PASS;
}

/*
 * ktest_panic_close - see hilo/ktest.h.  What the open plans still owe,
 * in KUnit's shape: the running case's result, the rest of its suite as
 * skipped, the suite's result line, the remaining suites as skipped
 * result lines (a test without subtests), the totals.
 */
void ktest_panic_close(const char *msg)
{
	const char *sel = ktest_run.sel;
	const struct ktest_case *c = ktest_current;
	struct ktest_counts *total = ktest_run.total;
	unsigned int nr = 0;

	if (!sel)
		return;			/* no plan printed, or all closed */
	ktest_run.sel = NULL;		/* once: a panic in here gives up anyway */
	ktest_current = NULL;
	if (ktest_run.suite) {
		struct ktest_counts *counts = ktest_run.counts;
		const char *suite = ktest_run.suite;
		unsigned int i = 0;

		if (c && c->kind == KTEST_PANICS && strstr(msg, c->panic_msg)) {
			printk("    # %s: panicked as expected\n", c->name);
			printk("    ok %u %s\n", ktest_run.case_nr, c->name);
			counts->pass++;
		} else if (c) {
			printk("    # %s: kernel panic: %s\n", c->name, msg);
			printk("    not ok %u %s\n", ktest_run.case_nr, c->name);
			counts->fail++;
		}
		for (const struct ktest_case *k = __start_ktests; k < __stop_ktests; k++) {
			if (strcmp(k->suite, suite) || !ktest_listed(sel, k))
				continue;
			if (++i <= ktest_run.case_nr)
				continue;
			printk("    ok %u %s " PANIC_SKIP "\n", i, k->name);
			counts->skip++;
		}
		printk("# %s: pass:%u fail:%u skip:%u total:%u\n", suite, counts->pass,
		       counts->fail, counts->skip, ktest_run.ncases);
		printk("%s %u %s\n", counts->fail ? "not ok" : "ok",
		       ktest_run.suite_nr, suite);
		total->pass += counts->pass;
		total->fail += counts->fail;
		total->skip += counts->skip;
	}
	for (const struct ktest_case *k = __start_ktests; k < __stop_ktests; k++) {
		if (!first_of_suite(k) || !suite_listed(sel, k->suite))
			continue;
		if (++nr <= ktest_run.suite_nr)
			continue;
		printk("ok %u %s " PANIC_SKIP "\n", nr, k->suite);
		total->skip += suite_listed(sel, k->suite);
	}
	printk("# Totals: pass:%u fail:%u skip:%u total:%u\n", total->pass,
	       total->fail, total->skip, total->pass + total->fail + total->skip);
}

/* ---- reporting helpers behind the EXPECT and ASSERT macros ---- */

/* KUnit's first line of a failure report. */
static void fail_header(struct ktest *t, struct ktest_loc loc)
{
	t->status = KTEST_FAIL;
	printk("    # %s: %s FAILED at %s:%d\n", t->kcase->name,
	       loc.assertion ? "ASSERTION" : "EXPECTATION", loc.file, loc.line);
}

void ktest_fail_cmp(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *op, const char *right,
		    long long lv, long long rv)
{
	fail_header(t, loc);
	printk("    Expected %s %s %s, but\n", left, op, right);
	printk("        %s == %lld (0x%llx)\n", left, lv, (unsigned long long)lv);
	printk("        %s == %lld (0x%llx)\n", right, rv, (unsigned long long)rv);
}

void ktest_fail_ptr(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *op, const char *right,
		    const void *lv, const void *rv)
{
	fail_header(t, loc);
	printk("    Expected %s %s %s, but\n", left, op, right);
	printk("        %s == %p\n        %s == %p\n", left, lv, right, rv);
}

void ktest_fail_str(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *op, const char *right,
		    const char *lv, const char *rv)
{
	fail_header(t, loc);
	printk("    Expected %s %s %s, but\n", left, op, right);
	printk("        %s == \"%s\"\n        %s == \"%s\"\n", left, lv, right, rv);
}

static void print_bytes(const char *name, const void *p, size_t n)
{
	const u8 *b = p;

	printk("        %s ==", name);
	for (size_t i = 0; i < n && i < 16; i++)
		printk(" %02x", b[i]);
	printk(n > 16 ? " ...\n" : "\n");
}

void ktest_fail_mem(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *right,
		    const void *lv, const void *rv, size_t n)
{
	size_t first = 0;

	while (first < n && ((const u8 *)lv)[first] == ((const u8 *)rv)[first])
		first++;
	fail_header(t, loc);
	printk("    Expected %s == %s (%zu bytes), but they differ from byte %zu\n",
	       left, right, n, first);
	print_bytes(left, (const u8 *)lv + first, n - first);
	print_bytes(right, (const u8 *)rv + first, n - first);
}

void ktest_fail_msg(struct ktest *t, struct ktest_loc loc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_header(t, loc);
	printk("    %s\n", msg);
}

void ktest_log(struct ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("    # %s: %s\n", t->kcase->name, msg);
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->status = KTEST_SKIP;
	t->skip_reason = reason;
}

int ktest_strcmp(const char *a, const char *b)
{
	if (!a || !b)
		return a == b ? 0 : (a ? 1 : -1);
	return strcmp(a, b);
}

int ktest_memcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}
