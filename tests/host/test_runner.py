#!/usr/bin/env python3
"""Unit tests of tests/host/runner.py and its modules (matrix, ktap, boot,
verdicts, schedule, report) on synthetic serial logs (no QEMU).

Run: python3 -m unittest tests/host/test_runner.py  (from the repository root).
"""

import ast
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_test  # noqa: E402
import verdicts  # noqa: E402
from boot import FAILED, PANIC, PASSED, RESET, TIMEOUT, Boot, Run  # noqa: E402
from ktap import panic_message, parse_ktap  # noqa: E402
from ktap_check import ktap_problems  # noqa: E402
from matrix import MATRIX, Config, MatrixError, read_matrix  # noqa: E402
from schedule import Matrix, guest_mib  # noqa: E402
from verdicts import (KnownNames, case_reason, expected_panic_outcome,  # noqa: E402
                      expected_panics, ktap_outcomes, nm_command, outcomes_of,
                      selfcheck_outcome, stress_class)


def log(text):
    return textwrap.dedent(text).lstrip("\n")


# A run with a failed case and its diagnostic, a case that expects a
# panic, and stray kernel messages.
PRINTK_LOG = log("""
    hilo: booting, 512 MiB
    cmdline: /boot/kernel.elf
    KTAP version 1
    1..2
        KTAP version 1
        # Subtest: printk
        1..3
        ok 1 formats_decimal
        # formats_hex: EXPECTATION FAILED at tests/kernel/printk_test.c:42
        Expected buf == "0x1f", but
            buf == "1f"
            "0x1f" == "0x1f"
        not ok 2 formats_hex
    timer: a stray kernel message
        ok 3 some_case # SKIP expects panic "divide error": boot with test=printk.some_case
    # printk: pass:1 fail:1 skip:1 total:3
    not ok 1 printk
        KTAP version 1
        # Subtest: boot
        1..2
        ok 1 has_pae
        ok 2 high_ram # SKIP no RAM above 4 GiB
    # boot: pass:1 fail:0 skip:1 total:2
    ok 2 boot
    # Totals: pass:2 fail:1 skip:2 total:5
    """)

PASSING_LOG = log("""
    KTAP version 1
    1..2
        KTAP version 1
        # Subtest: kmap
        1..3
        ok 1 maps_highmem
        ok 2 reuses_slot
        ok 3 wraps_around
    ok 1 kmap
        KTAP version 1
        # Subtest: vmap
        1..1
        ok 1 maps_pages
    ok 2 vmap
    """)

# PASSING_LOG cut in the middle of reuses_slot by a panic.
PANIC_LOG = log("""
    KTAP version 1
    1..2
        KTAP version 1
        # Subtest: kmap
        1..3
        ok 1 maps_highmem
    Kernel panic - not syncing: kunmap: page c1000000 is not mapped
    """)


def config(name="kernel-1G", expect="ktap", **kw):
    return Config(name, "kernel", "1G", "max", 60, expect, **kw)


def run(text, status=PASSED, verdict="all tests passed", cfg=None, cmdline="",
        panic_case=None):
    cfg = cfg or config()
    return Run(Boot(cfg, cmdline, f"/logs/{cfg.name}.log", panic_case),
               status, verdict, "", 1.0, text)


def lines(outcomes):
    return [(o.status, o.label, o.reason) for o in outcomes]


class ParseKtap(unittest.TestCase):
    def test_no_ktap(self):
        self.assertIsNone(parse_ktap("hilo: booting\nKernel panic\n"))

    def test_structure(self):
        ktap = parse_ktap(PRINTK_LOG)
        self.assertEqual(ktap.plan, 2)
        self.assertEqual([s.name for s in ktap.suites], ["printk", "boot"])
        printk = ktap.suites[0]
        self.assertEqual(printk.plan, 3)
        self.assertEqual([(c.number, c.ok, c.name) for c in printk.cases],
                         [(1, True, "formats_decimal"),
                          (2, False, "formats_hex"),
                          (3, True, "some_case")])
        self.assertFalse(printk.result.ok)
        self.assertTrue(ktap.suites[1].result.ok)
        self.assertFalse(ktap.incomplete())

    def test_diagnostics_belong_to_the_next_result(self):
        hex_case = parse_ktap(PRINTK_LOG).suites[0].cases[1]
        self.assertEqual(hex_case.diagnostics, [[
            "formats_hex: EXPECTATION FAILED at tests/kernel/printk_test.c:42",
            'Expected buf == "0x1f", but', 'buf == "1f"', '"0x1f" == "0x1f"']])
        self.assertEqual(case_reason(hex_case),
                         "EXPECTATION FAILED at tests/kernel/printk_test.c:42: "
                         'Expected buf == "0x1f", but buf == "1f"; "0x1f" == "0x1f"')

    def test_directives(self):
        ktap = parse_ktap(PRINTK_LOG)
        skip = ktap.suites[1].cases[1]
        self.assertTrue(skip.skipped)
        self.assertEqual(skip.directive, "SKIP no RAM above 4 GiB")
        self.assertEqual(expected_panics(ktap),
                         [("printk.some_case", "divide error",
                           "printk.some_case")])

    def test_incomplete(self):
        ktap = parse_ktap(PANIC_LOG)
        self.assertTrue(ktap.incomplete())
        self.assertEqual(ktap.suites[0].missing(), 2)
        self.assertEqual(ktap.missing_suites(), 1)
        self.assertEqual(panic_message(PANIC_LOG),
                         "kunmap: page c1000000 is not mapped")

    def test_crlf_and_garbage(self):
        text = "\x00\x1b[2J" + PASSING_LOG.replace("\n", "\r\n")
        ktap = parse_ktap(text)
        self.assertIsNone(ktap, "a header behind garbage on its line is not KTAP")
        ktap = parse_ktap("garbage\r\n" + PASSING_LOG.replace("\n", "\r\n"))
        self.assertFalse(ktap.incomplete())
        self.assertEqual(len(list(ktap.cases())), 4)


class KtapOutcomes(unittest.TestCase):
    def outcomes(self, r, *others):
        return lines(ktap_outcomes(r, KnownNames([r, *others])))

    def test_passing(self):
        self.assertEqual(self.outcomes(run(PASSING_LOG)), [
            ("ok", "kmap.maps_highmem", ""), ("ok", "kmap.reuses_slot", ""),
            ("ok", "kmap.wraps_around", ""), ("ok", "vmap.maps_pages", "")])

    def test_failed_skipped_and_expected_panic(self):
        got = self.outcomes(run(PRINTK_LOG, FAILED, "some tests FAILED"))
        self.assertEqual([g[:2] for g in got], [
            ("ok", "printk.formats_decimal"),
            ("FAIL", "printk.formats_hex"),
            ("ok", "boot.has_pae"),
            ("skip", "boot.high_ram")])
        self.assertEqual(got[3][2], "no RAM above 4 GiB")

    def test_no_ktap(self):
        got = self.outcomes(run("hilo: booting\n", TIMEOUT, "TIMEOUT"))
        self.assertEqual(got, [("FAIL", "(boot)", "no KTAP output (timeout after 60 s)")])

    def test_a_boot_without_cases_fails(self):
        empty = log("""
            KTAP version 1
            1..0
            # Totals: pass:0 fail:0 skip:0 total:0
            """)
        got = self.outcomes(run(empty, cmdline="test=kmpa_local"))
        self.assertEqual(got, [("FAIL", "(ktap)", "the boot ran no test case")])

    def test_registered_case_missing_from_a_full_run_fails(self):
        r = run(PASSING_LOG)
        r.kernel = "/build/debug/kernel.elf"
        registered = frozenset({"kmap_maps_highmem", "kmap_reuses_slot", "kmap_wraps_around",
                                "vmap_maps_pages", "vmap_vanished"})
        saved = verdicts.registered_cases
        verdicts.registered_cases = lambda kernel: registered
        try:
            got = self.outcomes(r)
            selected = lines(ktap_outcomes(run(PASSING_LOG, cmdline="test=kmap,vmap"),
                                                  KnownNames([r])))
        finally:
            verdicts.registered_cases = saved
        self.assertEqual(got[-1], ("FAIL", "vmap_vanished",
                                   "registered in the kernel, missing from its KTAP"))
        self.assertEqual(len(got), 5)
        self.assertTrue(all(o[0] == "ok" for o in selected))

    def test_panic_without_names(self):
        got = self.outcomes(run(PANIC_LOG, PANIC, "KERNEL PANIC"))
        self.assertEqual(got, [
            ("ok", "kmap.maps_highmem", ""),
            ("FAIL", "kmap", "plan incomplete: 1 of 3: kernel panic: "
                             "kunmap: page c1000000 is not mapped"),
            ("FAIL", "(ktap)", "plan incomplete: 1 of 2 suites: not run after kernel "
                               "panic: kunmap: page c1000000 is not mapped in kmap")])

    def test_panic_with_names_from_another_boot(self):
        other = run(PASSING_LOG, cfg=config("kernel-4G"))
        got = self.outcomes(run(PANIC_LOG, PANIC, "KERNEL PANIC"), other)
        cause = "kernel panic: kunmap: page c1000000 is not mapped"
        after = f"not run after {cause} in kmap.reuses_slot"
        self.assertEqual(got, [
            ("ok", "kmap.maps_highmem", ""),
            ("FAIL", "kmap.reuses_slot", cause),
            ("FAIL", "kmap.wraps_around", after),
            ("FAIL", "vmap.maps_pages", after)])

    def test_cases_expecting_panics_are_not_missing_elsewhere(self):
        text = PRINTK_LOG[:PRINTK_LOG.index("    ok 3 some_case")]
        complete = run(PRINTK_LOG, FAILED, cfg=config("kernel-4G"))
        got = self.outcomes(run(text, TIMEOUT, "TIMEOUT"), complete)
        self.assertEqual([g[1] for g in got if g[0] == "FAIL"],
                         ["printk.formats_hex", "boot.has_pae", "boot.high_ram"])
        marked = run(text, TIMEOUT, "TIMEOUT", config("kernel-512M", "ktap+panics"))
        got = self.outcomes(marked, complete)
        self.assertEqual(got[2], ("FAIL", "printk.some_case", "timeout after 60 s"))

    def test_exit_without_results(self):
        text = PASSING_LOG[:PASSING_LOG.index("    ok 3")]
        got = self.outcomes(run(text), run(PASSING_LOG, cfg=config("kernel-4G")))
        self.assertEqual(got[-2][1:], ("kmap.wraps_around",
                                       "no result: the kernel stopped reporting here"))
        self.assertEqual(got[-1][0:2], ("FAIL", "vmap.maps_pages"))

    def test_timeout_after_everything(self):
        got = self.outcomes(run(PASSING_LOG, TIMEOUT, "TIMEOUT"))
        self.assertEqual(got[-1], ("FAIL", "(run)", "timeout after 60 s"))

    def test_failure_status_without_failed_case(self):
        got = self.outcomes(run(PASSING_LOG, FAILED, "some tests FAILED"))
        self.assertEqual(got[-1][:2], ("FAIL", "(run)"))

    def test_suite_not_ok_without_failed_case(self):
        text = PASSING_LOG.replace("ok 2 vmap", "not ok 2 vmap")
        got = self.outcomes(run(text))
        self.assertEqual(got[-1], ("FAIL", "vmap", "the suite reported not ok"))

    def test_required_log_text(self):
        r = run(PASSING_LOG, cfg=config(log_text="RAM above 4 GiB left out"))
        got = lines(outcomes_of(r, KnownNames([r])))
        self.assertEqual(got[-1][:2], ("FAIL", "(log)"))


SELFCHECK_HEAD = log("""
    KTAP version 1
    1..1
        KTAP version 1
        # Subtest: selfcheck
        1..1
    """)


class SelfCheck(unittest.TestCase):
    def check(self, expect, tail, status, verdict="x"):
        cfg = config("selfcheck", expect)
        r = run(SELFCHECK_HEAD + tail, status, verdict, cfg,
                cmdline=f"test=selfcheck.{expect}")
        return selfcheck_outcome(r)

    def test_each_class(self):
        fails = ("    # selfcheck_fails: EXPECTATION FAILED at x.c:1\n"
                 "    not ok 1 selfcheck_fails\nnot ok 1 selfcheck\n")
        cases = [("failed-case", fails, FAILED, "some tests FAILED"),
                 ("unexpected-panic", "Kernel panic - not syncing: x\n", PANIC, "KERNEL PANIC"),
                 ("timeout", "", TIMEOUT, "TIMEOUT"),
                 ("triple-fault", "", RESET, "TRIPLE FAULT (QEMU log: x)"),
                 ("incomplete-plan", "", PASSED, "all tests passed")]
        for expect, tail, status, verdict in cases:
            with self.subTest(expect):
                self.assertEqual(self.check(expect, tail, status, verdict).status, "ok")

    def test_misclassified(self):
        o = self.check("timeout", "", PASSED)
        self.assertEqual((o.status, o.label), ("FAIL", "selfcheck.timeout"))
        self.assertIn('as "incomplete-plan", expected "timeout"', o.reason)

    def test_never_reached_the_suite(self):
        r = run("hilo: booting\n", TIMEOUT, "TIMEOUT", config("sc", "timeout"))
        self.assertIn("never reached", selfcheck_outcome(r).reason)


# PANIC_LOG as the kernel prints it now: the panic closes the open plans.
CLOSED_PANIC_LOG = PANIC_LOG + log("""
        # reuses_slot: kernel panic: kunmap: page c1000000 is not mapped
        not ok 2 reuses_slot
        ok 3 wraps_around # SKIP not run: the kernel panicked
    # kmap: pass:1 fail:1 skip:1 total:3
    not ok 1 kmap
    ok 2 vmap # SKIP not run: the kernel panicked
    # Totals: pass:1 fail:1 skip:1 total:3
    ---[ end Kernel panic - not syncing: kunmap: page c1000000 is not mapped ]---
    """)


class KtapComplete(unittest.TestCase):
    """tests/host/ktap_check.py: Linux's parser's idea of complete KTAP."""

    def test_passing_log_is_complete(self):
        self.assertEqual(ktap_problems(PASSING_LOG), [])

    def test_panic_that_closes_its_plans_is_complete(self):
        self.assertEqual(ktap_problems(CLOSED_PANIC_LOG), [])

    def test_panic_cut_short_is_not(self):
        self.assertEqual(ktap_problems(PANIC_LOG), [
            "kmap: missing expected subtest 2 of 3",
            "kmap: missing result line",
            "main: missing expected subtest 2 of 2"])

    def test_subtest_without_its_result_line(self):
        text = CLOSED_PANIC_LOG.replace("\nnot ok 1 kmap\n", "\n")
        self.assertNotEqual(text, CLOSED_PANIC_LOG)
        self.assertIn("kmap: closed by the result of 'vmap'", ktap_problems(text))

    def test_numbers_must_follow_the_plan(self):
        text = PASSING_LOG.replace("ok 2 reuses_slot", "ok 3 reuses_slot")
        self.assertEqual(ktap_problems(text), ["kmap.2: numbered 3, expected 2"])

    def test_no_ktap(self):
        self.assertEqual(ktap_problems("hilo: booting\n"), ["no KTAP version line"])

    def test_closed_panic_classifies_as_before(self):
        """The closing lines change no verdict: the boot reads as stopped
        at the panic, its running case failing with the panic message."""
        before = lines(ktap_outcomes(run(PANIC_LOG, PANIC, "KERNEL PANIC"),
                                     KnownNames([run(PASSING_LOG)])))
        after = lines(ktap_outcomes(run(CLOSED_PANIC_LOG, PANIC, "KERNEL PANIC"),
                                    KnownNames([run(PASSING_LOG)])))
        self.assertEqual(after, before)
        self.assertEqual(after[1][0:2], ("FAIL", "kmap.reuses_slot"))
        self.assertIn("kunmap: page c1000000 is not mapped", after[1][2])


STRESS_HEAD = log("""
    hilo: smp: 2 CPUs online
    stress: seed=1234 seconds=20 cpus=2 (replay: SEED=1234)
    stress: sample t=10 slots=3 wraps=0 shootdowns=0 sleeps=0 depth=1,16
    stress: total ops=1000 in 20000 ms: 50 ops/s
    stress: free pages before=10 after=10
    """)
STRESS_CORRUPT = ("stress: CORRUPTION: 3 corrupted page reads; the first: pfn 0x3ff24 (highmem) "
                  "through kmap_local, byte offset 0: expected 53d37b37, found 16c2561f "
                  "(CPU 0, task stress/0)\n")


class Stress(unittest.TestCase):
    def run_of(self, tail, status, expect="stress", verdict="x"):
        cfg = config("stress-x", expect, cmdline="stress=20", smp=2)
        return run(STRESS_HEAD + tail, status, verdict, cfg, cmdline="stress=20")

    def test_classes(self):
        cases = [("stress: 0 corruptions\nstress: PASSED\n", PASSED, "stress-passed"),
                 ("stress: 0 corruptions\r\n", PASSED, "stress-passed"),
                 ("stress: PASSED\n", PASSED, "no-report"),
                 (STRESS_CORRUPT + "stress: FAILED\n", FAILED, "stress-corruption"),
                 ("stress: 0 corruptions\nstress: FAILED\n", FAILED, "stress-failed"),
                 ("Kernel panic - not syncing: x\n", PANIC, "unexpected-panic"),
                 ("", TIMEOUT, "timeout")]
        for tail, status, want in cases:
            with self.subTest(want=want, tail=tail):
                self.assertEqual(stress_class(self.run_of(tail, status)), want)

    def test_stress_passes_only_with_0_corruptions(self):
        ok = outcomes_of(self.run_of("stress: 0 corruptions\n", PASSED), KnownNames([]))
        self.assertEqual(lines(ok), [("ok", "stress (seed 1234)", "")])
        (bad,) = outcomes_of(self.run_of("stress: PASSED\n", PASSED), KnownNames([]))
        self.assertEqual(bad.status, "FAIL")
        self.assertIn('lacks "stress: 0 corruptions"', bad.reason)
        self.assertIn("make stress SEED=1234", bad.reason)

    def test_a_corruption_fails_the_stress_and_names_the_page(self):
        (o,) = outcomes_of(self.run_of(STRESS_CORRUPT, FAILED), KnownNames([]))
        self.assertEqual(o.status, "FAIL")
        self.assertIn("pfn 0x3ff24", o.reason)

    def test_a_panic_fails_the_stress(self):
        (o,) = outcomes_of(self.run_of("Kernel panic - not syncing: boom\n", PANIC), KnownNames([]))
        self.assertEqual(o.status, "FAIL")
        self.assertIn("boom", o.reason)

    def test_self_check_wants_corruptions_found(self):
        found = self.run_of(STRESS_CORRUPT, FAILED, "stress-corruption")
        self.assertEqual(outcomes_of(found, KnownNames([]))[0].status, "ok")
        for tail, status, seen in (("stress: 0 corruptions\n", PASSED, "stress-passed"),
                                   ("stress: FAILED\n", FAILED, "stress-failed"),
                                   ("Kernel panic - not syncing: x\n", PANIC, "unexpected-panic")):
            with self.subTest(seen):
                (o,) = outcomes_of(self.run_of(tail, status, "stress-corruption"), KnownNames([]))
                self.assertEqual(o.status, "FAIL")
                self.assertIn(f'as "{seen}", expected "stress-corruption"', o.reason)

    def test_required_log_text(self):
        cfg = config("stress-x", "stress", cmdline="stress=20", log_text="hilo: smp: 4 CPUs online")
        r = run(STRESS_HEAD + "stress: 0 corruptions\n", PASSED, "x", cfg, cmdline="stress=20")
        self.assertEqual(lines(outcomes_of(r, KnownNames([])))[-1][:2], ("FAIL", "(log)"))


class Panics(unittest.TestCase):
    PANIC_CASE = ("printk.some_case", "divide error")

    def expected(self, text, status=PANIC):
        r = run(text, status, "KERNEL PANIC", panic_case=self.PANIC_CASE)
        return expected_panic_outcome(r)

    # What the kernel prints for test=printk.some_case: its panic closes the plans.
    EXPECTED_PANIC_LOG = log("""
        KTAP version 1
        1..1
            KTAP version 1
            # Subtest: printk
            1..1
            # some_case: expecting panic "divide error"
        Kernel panic - not syncing: divide error at c0101234
        while running test printk.some_case
            # some_case: panicked as expected
            ok 1 some_case
        # printk: pass:1 fail:0 skip:0 total:1
        ok 1 printk
        # Totals: pass:1 fail:0 skip:0 total:1
        ---[ end Kernel panic - not syncing: divide error at c0101234 ]---
        """)

    def test_expected_panic_passes(self):
        self.assertEqual(self.expected(self.EXPECTED_PANIC_LOG).status, "ok")

    def test_expected_panic_with_unclosed_ktap_fails(self):
        text = self.EXPECTED_PANIC_LOG.split("    # some_case: panicked")[0]
        o = self.expected(text)
        self.assertEqual(o.status, "FAIL")
        self.assertIn("the KTAP is incomplete after the panic", o.reason)
        self.assertIn("printk: missing expected subtest 1 of 1", o.reason)

    def test_message_before_the_case_does_not_count(self):
        text = ("divide error\n"
                '    # some_case: expecting panic "divide error"\n'
                "Kernel panic - not syncing: page fault\n")
        o = self.expected(text)
        self.assertEqual(o.status, "FAIL")
        self.assertIn("got: page fault", o.reason)

    def test_no_panic(self):
        text = '    # some_case: expecting panic "divide error"\n'
        o = self.expected(text, PASSED)
        self.assertIn("but the boot ended", o.reason)

    def test_matrix_panic_line(self):
        cfg = config("nopae", "panic", log_text="hilo needs a CPU with PAE")
        ok = run("hilo needs a CPU with PAE\n", PANIC, "KERNEL PANIC", cfg)
        self.assertEqual(outcomes_of(ok, KnownNames([]))[0].status, "ok")
        hang = run("", TIMEOUT, "TIMEOUT", cfg)
        self.assertEqual(outcomes_of(hang, KnownNames([]))[0].status, "FAIL")

    def test_follow_ups_come_from_the_marked_configuration(self):
        matrix = Matrix([], "/b", 1)
        marked = run(PRINTK_LOG, FAILED, cfg=config("kernel-512M", "ktap+panics"))
        boots = matrix.follow_ups(marked)
        self.assertEqual([(b.cmdline, b.log, b.panic_case) for b in boots], [
            ("test=printk.some_case",
             "/b/test-logs/kernel-512M.printk.some_case.log",
             ("printk.some_case", "divide error"))])
        self.assertEqual(matrix.follow_ups(run(PRINTK_LOG, FAILED)), [])


class Scheduling(unittest.TestCase):
    def boot(self, mem, smp=1):
        return Boot(Config(f"kernel-{mem}", "kernel", mem, "max", 60, "ktap", smp=smp),
                    "", "/x.log")

    def test_guest_mib(self):
        self.assertEqual([guest_mib(m) for m in ("32M", "16G", "1024", "2g", "x")],
                         [32, 16384, 1024, 2048, 0])

    def test_memory_bounds_parallel_boots(self):
        matrix = Matrix([], "/b", 2, memory_mib=20 * 1024)
        big1, big2, small = self.boot("16G"), self.boot("16G"), self.boot("1G")
        self.assertEqual(matrix.startable([big1, big2, small], []), [big1, small])
        self.assertEqual(matrix.startable([big2, small], [big1]), [small])
        self.assertEqual(matrix.startable([big2], [small]), [big2])

    def test_too_big_for_the_host_runs_alone(self):
        matrix = Matrix([], "/b", 2, memory_mib=8 * 1024)
        big, small = self.boot("16G"), self.boot("1G")
        self.assertEqual(matrix.startable([big, small], []), [big])
        self.assertEqual(matrix.startable([big], [small]), [])

    def test_jobs_bound_parallel_boots(self):
        matrix = Matrix([], "/b", 2)
        boots = [self.boot("32M") for _ in range(3)]
        self.assertEqual(matrix.startable(boots, []), boots[:2])
        self.assertEqual(matrix.startable(boots[2:], boots[:2]), [])


    def test_a_multi_cpu_boot_takes_a_slot_per_cpu(self):
        matrix = Matrix([], "/b", 2)
        smp2, smp8, one = self.boot("1G", 2), self.boot("2G", 8), self.boot("32M")
        self.assertEqual(matrix.startable([smp2, one], []), [smp2])
        self.assertEqual(matrix.startable([one], [smp2]), [])
        self.assertEqual(matrix.startable([smp8, one], []), [smp8])
        self.assertEqual(matrix.startable([one, smp2], []), [one])


class GdbLines(unittest.TestCase):
    """The KTAP of tests/host/gdb_test.py, read by the runner like a boot's."""

    def test_cases_and_reasons(self):
        text = gdb_test.ktap([("a", []), ("b", ["walk 0x1 != pteval 0x2\nPT[3] 0x1"])])
        got = lines(outcomes_of(run(text, FAILED, "1 FAILED", config("gdb-kmap", "gdb")),
                                       KnownNames([])))
        self.assertEqual(got, [("ok", "gdb.a", ""),
                               ("FAIL", "gdb.b", "walk 0x1 != pteval 0x2: PT[3] 0x1")])


class MatrixFile(unittest.TestCase):
    def parse(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".matrix") as f:
            f.write(text)
            f.flush()
            return read_matrix(f.name)

    def test_the_real_matrix(self):
        configs = read_matrix(MATRIX)
        self.assertEqual(sum(c.expect == "ktap+panics" for c in configs), 1)
        nopae = next(c for c in configs if c.name == "nopae")
        self.assertEqual((nopae.expect, nopae.log_text), ("panic", "hilo needs a CPU with PAE"))

    def test_options(self):
        (c,) = self.parse('a iso 1G qemu32,+pse36 9 ktap cmdline="test=x y" # note\n')
        self.assertEqual((c.boot, c.cpu, c.timeout, c.cmdline), ("iso", "qemu32,+pse36", 9, "test=x y"))

    def test_smp_option(self):
        (one, four) = self.parse("a kernel 1G max 9 ktap\nb kernel 4G max 9 ktap smp=4\n")
        self.assertEqual((one.smp, four.smp), (1, 4))

    def test_stress_lines(self):
        (c, d) = self.parse("s kernel 1G max 90 stress smp=2 cmdline=stress=20\n"
                            "t kernel 1G max 90 stress-corruption cmdline='stress=5 x'\n")
        self.assertEqual((c.expect, c.smp, c.cmdline), ("stress", 2, "stress=20"))
        self.assertEqual(d.expect, "stress-corruption")
        with self.assertRaises(MatrixError):
            self.parse("s kernel 1G max 90 stress smp=2\n")

    def test_the_real_matrix_runs_the_stress_and_its_self_check(self):
        kinds = [c.expect for c in read_matrix(MATRIX)]
        self.assertGreaterEqual(kinds.count("stress"), 2)
        self.assertEqual(kinds.count("stress-corruption"), 1)

    def test_gdb_line(self):
        (c,) = self.parse("g kernel 1G max 90 gdb cmdline=test=gdbscenario.x\n")
        self.assertEqual((c.expect, c.kernel, c.cmdline), ("gdb", "debug", "test=gdbscenario.x"))

    def test_errors(self):
        for bad in ("a kernel 1G max 9\n", "a floppy 1G max 9 ktap\n", "a iso 1G max 9 gdb\n",
                    "a kernel 1G max 9s ktap\n", "a kernel 1G max 9 pass\n",
                    "a kernel 1G max 9 ktap smp=0\n", "a kernel 1G max 9 ktap smp=17\n",
                    "a kernel 1G max 9 ktap smp=two\n", "a kernel 1G max 9 ktap cpus=2\n",
                    "a kernel 1G max 9 ktap\na kernel 1G max 9 ktap\n"):
            with self.subTest(bad), self.assertRaises(MatrixError):
                self.parse(bad)


class OldSelector(unittest.TestCase):
    """The matrix boots a selector in the old spelling (suite repeated in the
    case name) and expects the kernel's panic that names the new one."""

    def test_matrix_line(self):
        line = next(c for c in read_matrix(MATRIX) if c.name == "old-selector")
        self.assertEqual(line.expect, "panic")
        self.assertEqual(line.cmdline, "test=kmap.kmap_double_kunmap_panics")
        self.assertIn("use test=kmap.double_kunmap_panics", line.log_text)

    def test_no_selector_of_the_matrix_repeats_its_suite(self):
        for c in read_matrix(MATRIX):
            if c.name == "old-selector":
                continue
            for word in c.cmdline.split():
                for glob in word.partition("test=")[2].split(","):
                    suite, _, case = glob.partition(".")
                    with self.subTest(c.name):
                        self.assertFalse(case and case.startswith(suite + "_"), glob)


class RegisteredCases(unittest.TestCase):
    def test_nm_follows_the_cross_prefix(self):
        self.assertEqual(nm_command({}), "i686-linux-gnu-nm")
        self.assertEqual(nm_command({"CROSS": "x86_64-elf-"}), "x86_64-elf-nm")
        self.assertEqual(nm_command({"CROSS": "x86_64-elf-", "NM": "llvm-nm"}), "llvm-nm")
        self.assertEqual(nm_command({"NM": ""}), "i686-linux-gnu-nm")

    def test_symbols_are_suite_and_case(self):
        """A case reported as kmap.reuses_slot is the symbol
        __ktest_kmap_reuses_slot: a full run that reports it passes."""
        r = run(PASSING_LOG)
        r.kernel = "/build/debug/kernel.elf"
        saved = verdicts.registered_cases
        verdicts.registered_cases = lambda kernel: frozenset(
            {"kmap_maps_highmem", "kmap_reuses_slot", "kmap_wraps_around", "vmap_maps_pages"})
        try:
            got = lines(ktap_outcomes(r, KnownNames([r])))
        finally:
            verdicts.registered_cases = saved
        self.assertTrue(all(o[0] == "ok" for o in got), got)


class Layout(unittest.TestCase):
    """runner.py and the modules it is split into."""
    MODULES = ("runner", "matrix", "ktap", "boot", "verdicts", "stress_verdicts", "schedule",
               "report")

    def test_each_module_states_its_contract_and_stays_small(self):
        here = os.path.dirname(os.path.abspath(__file__))
        for name in self.MODULES:
            with self.subTest(name), open(os.path.join(here, name + ".py")) as f:
                text = f.read()
            self.assertIn("Contract:", __import__(name).__doc__ or "")
            self.assertLessEqual(text.count("\n"), 300)

    def test_entry_point_lists_the_matrix(self):
        """`python3 tests/host/runner.py`, as the Makefile runs it."""
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runner.py")
        out = subprocess.run([sys.executable, script, "--list", "--only", "nopae"],
                             capture_output=True, text=True, check=True).stdout
        self.assertTrue(out.startswith("nopae "), out)


class GdbPackage(unittest.TestCase):
    """tools/gdb/hilo_gdb: its modules import one another without a cycle,
    at the top of each file, and load() reloads them in an order where each
    comes after those it imports."""
    PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "tools", "gdb", "hilo_gdb")

    def imports(self):
        """{module: {package modules it imports}}, and the nested imports."""
        graph, nested = {}, []
        for name in os.listdir(self.PACKAGE):
            if not name.endswith(".py") or name == "__init__.py":
                continue
            with open(os.path.join(self.PACKAGE, name)) as f:
                tree = ast.parse(f.read())
            module = name[:-3]
            graph[module] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 1:
                    graph[module] |= ({node.module} if node.module
                                      else {a.name for a in node.names})
                if isinstance(node, (ast.Import, ast.ImportFrom)) and node not in tree.body:
                    nested.append(f"{module}:{node.lineno}")
        return graph, nested

    def test_no_cycle_and_load_order(self):
        graph, nested = self.imports()
        self.assertEqual(nested, [])
        with open(os.path.join(self.PACKAGE, "__init__.py")) as f:
            tree = ast.parse(f.read())
        order = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                     and any(getattr(t, "id", "") == "MODULES" for t in n.targets))
        self.assertEqual(sorted(order), sorted(graph))
        for i, module in enumerate(order):
            with self.subTest(module):
                self.assertLessEqual(graph[module], set(order[:i]))


if __name__ == "__main__":
    unittest.main()
