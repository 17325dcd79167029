/*
 * The stress run (mm/stress.c, mm/stress_pages.c): `stress=SECONDS[,seed=N]`
 * on the command line replaces the self-tests with SECONDS of a random mix
 * of every mapping path on every CPU at once, every byte read through any
 * mapping checked against the page's pattern.  See docs/design.md
 * section 5 and README.md ("Stress").
 */
#ifndef HILO_STRESS_H
#define HILO_STRESS_H

/*
 * stress_run - parse the stress= value ("SECONDS" or "SECONDS,seed=N"),
 * run, print the report and return the exit code for qemu_exit():
 * HILO_EXIT_PASS with 0 corruptions and every page given back,
 * HILO_EXIT_FAIL otherwise.  The boot task, after smp_boot_cpus().
 */
int stress_run(const char *arg);

#endif
