/*
 * monitor.h - the kernel monitor: a small command line on the console
 * that `make run` reaches until user mode and /init exist.
 */
#ifndef SYNTHOS_MONITOR_H
#define SYNTHOS_MONITOR_H

/* Reads and runs commands until `poweroff`. */
void monitor_run(void);

#endif
