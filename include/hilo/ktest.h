/*
 * ktest: hilo's in-kernel self-tests, in the manner of Linux's KUnit.
 *
 *   KTEST(pkmap, reuses_mapped_page)
 *   {
 *           EXPECT_EQ(t, pkmap_count[0], 2);
 *   }
 *
 * A case is registered by its macro into the linker section .ktests (no
 * central list): cases that share a suite name form a suite, in link
 * order.  The results are printed on the serial port in KTAP version 1,
 * exactly as KUnit prints them, and the verdict leaves QEMU through the
 * isa-debug-exit device (see asm/qemu.h).
 *
 * Selection (kernel command line): test=GLOB[,GLOB...]; a glob with a '.'
 * matches "suite.case", one without matches the suite name; test=none
 * runs nothing.  Without test= every ordinary case runs.
 *
 * Two kinds of case run only when a glob names them exactly (no wildcard):
 *   KTEST_EXPECT_PANIC(suite, name, "message"): the case must end in a
 *     panic whose report contains "message".  In a wider run it is listed
 *     as skipped with the command line that runs it; the host runner boots
 *     it on its own and passes it only if that panic happens.
 *   KTEST_MANUAL(suite, name): not listed at all in a wider run (the host
 *     runner's self-check uses these: deliberately broken boots).
 *
 * EXPECT_* record a failure and carry on; ASSERT_* also end the case (they
 * return from the test function, so use them in its body, not in helpers).
 * A failure prints file:line, the expression and both values.
 */
#ifndef HILO_KTEST_H
#define HILO_KTEST_H

#include <hilo/compiler.h>
#include <hilo/types.h>

struct ktest;

enum ktest_kind {
	KTEST_NORMAL,
	KTEST_PANICS,		/* must panic with ->panic_msg */
	KTEST_MANUAL_ONLY,	/* runs only when named exactly */
};

struct ktest_case {
	const char *suite;
	const char *name;
	void (*run)(struct ktest *t);
	enum ktest_kind kind;
	const char *panic_msg;
};

enum ktest_status { KTEST_PASS, KTEST_FAIL, KTEST_SKIP };

/* The state of the case being run. */
struct ktest {
	const struct ktest_case *kcase;
	enum ktest_status status;
	const char *skip_reason;
};

/* A case is named by its second argument alone: KTEST(kmap, reuses_slot)
 * is the case reuses_slot of the suite kmap, selected by
 * test=kmap.reuses_slot.  Its descriptor is named __ktest_<suite>_<case>
 * (__ktest_manual_<suite>_<case> for the manual kind): the host runner
 * reads them from the symbol table to check that a full run reported
 * every case. */
#define __KTEST(suite_, name_, kind_, msg_, sym_)                             \
	static void suite_##_##name_(struct ktest *t);                        \
	static const struct ktest_case sym_##suite_##_##name_                 \
	__used __section(".ktests") __aligned(4) = {                          \
		.suite = #suite_, .name = #name_,                             \
		.run = suite_##_##name_, .kind = kind_, .panic_msg = msg_,    \
	};                                                                    \
	static void suite_##_##name_(struct ktest *t)

#define KTEST(suite, name) __KTEST(suite, name, KTEST_NORMAL, NULL, __ktest_)
#define KTEST_EXPECT_PANIC(suite, name, msg) \
	__KTEST(suite, name, KTEST_PANICS, msg, __ktest_)
#define KTEST_MANUAL(suite, name) \
	__KTEST(suite, name, KTEST_MANUAL_ONLY, NULL, __ktest_manual_)

/* The case currently running, or NULL (panic() reports it). */
extern const struct ktest_case *ktest_current;

/* Run the cases the command line selects; returns the exit verdict. */
int ktest_run_all(const char *selection);

/*
 * ktest_panic_close - called by panic() with its message: when a run's
 * plan is open, print what it still owes so that the KTAP is complete
 * (kernel/ktest.c).  The running case is `ok` when it expected a panic
 * whose message holds its panic_msg, else `not ok`; every case and suite
 * not run is `# SKIP not run: the kernel panicked`.  Once per boot.
 */
void ktest_panic_close(const char *msg);

/*
 * ktest_unprefixed_selector - the current spelling of an old selector.
 * Cases were once named with their suite as a prefix (kmap.kmap_reuses_slot).
 * Returns true, with "S.rest" in buf, when glob is "S.S_rest" (no
 * wildcard), no case has that name and the case S.rest exists.
 * ktest_run_all() panics with the new spelling on such a glob.
 */
bool ktest_unprefixed_selector(const char *glob, char *buf, size_t size);

/* Print a diagnostic line inside the current case ("    # name: ..."). */
void ktest_log(struct ktest *t, const char *fmt, ...) __printf(2, 3);
void ktest_skip(struct ktest *t, const char *reason);

/* Where a check failed, and whether it was an ASSERT (ends the case). */
struct ktest_loc {
	const char *file;
	int line;
	bool assertion;
};
#define KTEST_LOC(assertion) ((struct ktest_loc){ __FILE__, __LINE__, assertion })

void ktest_fail_cmp(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *op, const char *right,
		    long long lv, long long rv);
void ktest_fail_ptr(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *op, const char *right,
		    const void *lv, const void *rv);
void ktest_fail_str(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *op, const char *right,
		    const char *lv, const char *rv);
void ktest_fail_mem(struct ktest *t, struct ktest_loc loc,
		    const char *left, const char *right,
		    const void *lv, const void *rv, size_t n);
void ktest_fail_msg(struct ktest *t, struct ktest_loc loc,
		    const char *fmt, ...) __printf(3, 4);

/*
 * Integer comparisons: both sides are printed as signed and as hex.  As in
 * KUnit, the comparison follows C's usual conversions, so EXPECT_EQ(t, u,
 * 3) with an unsigned u is fine (-Wsign-compare is off inside the macro).
 */
#define __KTEST_CMP(t, a, op, b, as) ({                                     \
	__typeof__(a) __ka = (a); __typeof__(b) __kb = (b);                   \
	_Pragma("GCC diagnostic push")                                        \
	_Pragma("GCC diagnostic ignored \"-Wsign-compare\"")                  \
	bool __ok = (__ka op __kb);                                           \
	_Pragma("GCC diagnostic pop")                                         \
	if (!__ok)                                                            \
		ktest_fail_cmp(t, KTEST_LOC(as), #a, #op, #b,            \
			       (long long)__ka, (long long)__kb);             \
	__ok; })
#define __KTEST_PTR(t, a, op, b, as) ({                                           \
	const volatile void *__ka = (a), *__kb = (b);                         \
	bool __ok = (__ka op __kb);                                           \
	if (!__ok)                                                            \
		ktest_fail_ptr(t, KTEST_LOC(as), #a, #op, #b,            \
			       (const void *)__ka, (const void *)__kb);       \
	__ok; })
#define __KTEST_STR(t, a, op, b, as) ({                                           \
	const char *__ka = (a), *__kb = (b);                                  \
	bool __ok = (ktest_strcmp(__ka, __kb) op 0);                          \
	if (!__ok)                                                            \
		ktest_fail_str(t, KTEST_LOC(as), #a, #op, #b, __ka, __kb);    \
	__ok; })
#define __KTEST_MEM(t, a, b, n, as) ({                                            \
	const void *__ka = (a), *__kb = (b); size_t __kn = (n);               \
	bool __ok = (ktest_memcmp(__ka, __kb, __kn) == 0);                    \
	if (!__ok)                                                            \
		ktest_fail_mem(t, KTEST_LOC(as), #a, #b, __ka, __kb, __kn);    \
	__ok; })
#define __KTEST_BOOL(t, c, want, as) ({                                           \
	bool __ok = ((!!(c)) == (want));                                        \
	if (!__ok)                                                            \
		ktest_fail_msg(t, KTEST_LOC(as), "Expected %s to be %s",     \
			       #c, (want) ? "true" : "false");                \
	__ok; })

int ktest_strcmp(const char *a, const char *b);	/* NULL-safe */
int ktest_memcmp(const void *a, const void *b, size_t n);

#define EXPECT_EQ(t, a, b)     ((void)__KTEST_CMP(t, a, ==, b, false))
#define EXPECT_NE(t, a, b)     ((void)__KTEST_CMP(t, a, !=, b, false))
#define EXPECT_LT(t, a, b)     ((void)__KTEST_CMP(t, a, <, b, false))
#define EXPECT_LE(t, a, b)     ((void)__KTEST_CMP(t, a, <=, b, false))
#define EXPECT_GT(t, a, b)     ((void)__KTEST_CMP(t, a, >, b, false))
#define EXPECT_GE(t, a, b)     ((void)__KTEST_CMP(t, a, >=, b, false))
#define EXPECT_TRUE(t, c)      ((void)__KTEST_BOOL(t, c, true, false))
#define EXPECT_FALSE(t, c)     ((void)__KTEST_BOOL(t, c, false, false))
#define EXPECT_PTR_EQ(t, a, b) ((void)__KTEST_PTR(t, a, ==, b, false))
#define EXPECT_PTR_NE(t, a, b) ((void)__KTEST_PTR(t, a, !=, b, false))
#define EXPECT_NULL(t, a)      ((void)__KTEST_PTR(t, a, ==, NULL, false))
#define EXPECT_NOT_NULL(t, a)  ((void)__KTEST_PTR(t, a, !=, NULL, false))
#define EXPECT_STREQ(t, a, b)  ((void)__KTEST_STR(t, a, ==, b, false))
#define EXPECT_STRNE(t, a, b)  ((void)__KTEST_STR(t, a, !=, b, false))
#define EXPECT_MEMEQ(t, a, b, n) ((void)__KTEST_MEM(t, a, b, n, false))

#define __KTEST_ASSERT(check)  do { if (!(check)) return; } while (0)
#define ASSERT_EQ(t, a, b)     __KTEST_ASSERT(__KTEST_CMP(t, a, ==, b, true))
#define ASSERT_NE(t, a, b)     __KTEST_ASSERT(__KTEST_CMP(t, a, !=, b, true))
#define ASSERT_LT(t, a, b)     __KTEST_ASSERT(__KTEST_CMP(t, a, <, b, true))
#define ASSERT_LE(t, a, b)     __KTEST_ASSERT(__KTEST_CMP(t, a, <=, b, true))
#define ASSERT_GT(t, a, b)     __KTEST_ASSERT(__KTEST_CMP(t, a, >, b, true))
#define ASSERT_GE(t, a, b)     __KTEST_ASSERT(__KTEST_CMP(t, a, >=, b, true))
#define ASSERT_TRUE(t, c)      __KTEST_ASSERT(__KTEST_BOOL(t, c, true, true))
#define ASSERT_FALSE(t, c)     __KTEST_ASSERT(__KTEST_BOOL(t, c, false, true))
#define ASSERT_PTR_EQ(t, a, b) __KTEST_ASSERT(__KTEST_PTR(t, a, ==, b, true))
#define ASSERT_NULL(t, a)      __KTEST_ASSERT(__KTEST_PTR(t, a, ==, NULL, true))
#define ASSERT_NOT_NULL(t, a)  __KTEST_ASSERT(__KTEST_PTR(t, a, !=, NULL, true))
#define ASSERT_STREQ(t, a, b)  __KTEST_ASSERT(__KTEST_STR(t, a, ==, b, true))
#define ASSERT_MEMEQ(t, a, b, n) __KTEST_ASSERT(__KTEST_MEM(t, a, b, n, true))

#define KTEST_FAIL(t, fmt, ...) ktest_fail_msg(t, KTEST_LOC(false), fmt, ##__VA_ARGS__)

#endif
