/*
 * ktest: the runner's own selector rules.  Cases are named without their
 * suite (KTEST(kmap, reuses_slot) is kmap.reuses_slot); a selector in the
 * old spelling, suite repeated (kmap.kmap_reuses_slot), is recognised so
 * that the boot stops with the new spelling instead of running nothing.
 */
#include <hilo/ktest.h>
#include <hilo/string.h>

KTEST(ktest, case_name_is_not_prefixed_with_its_suite)
{
	EXPECT_STREQ(t, t->kcase->suite, "ktest");
	EXPECT_STREQ(t, t->kcase->name, "case_name_is_not_prefixed_with_its_suite");
}

KTEST(ktest, old_prefixed_selector_gives_the_new_spelling)
{
	char buf[128] = "";

	EXPECT_TRUE(t, ktest_unprefixed_selector(
		"ktest.ktest_old_prefixed_selector_gives_the_new_spelling", buf, sizeof(buf)));
	EXPECT_STREQ(t, buf, "ktest.old_prefixed_selector_gives_the_new_spelling");
	EXPECT_TRUE(t, ktest_unprefixed_selector("kmap.kmap_double_kunmap_panics",
						 buf, sizeof(buf)));
	EXPECT_STREQ(t, buf, "kmap.double_kunmap_panics");
}

KTEST(ktest, other_selectors_are_not_taken_for_old_ones)
{
	char buf[128];
	static const char *const sels[] = {
		"ktest.old_prefixed_selector_gives_the_new_spelling",	/* the new one */
		"ktest.ktest_no_such_case",		/* no S.rest either */
		"ktest.ktest_old_prefixed_*",		/* a glob: no suggestion */
		"kmap.vmap_double_kunmap_panics",	/* another suite's prefix */
		"ktest",				/* a suite */
		"ktest.ktest",
		"ktest.ktest_",
		"",
	};

	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++)
		if (ktest_unprefixed_selector(sels[i], buf, sizeof(buf)))
			KTEST_FAIL(t, "\"%s\" taken for an old selector of \"%s\"", sels[i], buf);
	/* A buffer too small for the suggestion is no suggestion. */
	EXPECT_FALSE(t, ktest_unprefixed_selector("kmap.kmap_double_kunmap_panics", buf, 5));
}
