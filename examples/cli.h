/* cli.h - what the kam CLI's subcommands share. Each cli_<command>.c defines
 * int kam_cli_<command>(int argc, char **argv) with argv[0] the subcommand name.
 * Exit status: 0 success, 1 a libkam failure on valid input, 2 bad usage or bad input. */
#ifndef KAM_CLI_H
#define KAM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "kam.h"

/* Prints "kam CMD: message" to stderr and returns 2. */
int cli_fail(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints "kam CMD: <strerror>: <ctx message>" and returns 2 for input errors (EPARSE, EINVAL,
 * EEXIST, ELIMIT, EOVERFLOW, ESTATE, ENOSOLUTION), else 1. */
int cli_status(const char *cmd, int status, const kam_ctx *ctx);
/* True when argv has -h or --help. */
int cli_wants_help(int argc, char **argv);

/* The KAM_FORMAT_* of a --format value (html, markdown/md, text/txt, json), 0 if none. */
int cli_format(const char *name);
/* Parses a whole double argument; 0 on success. */
int cli_parse_double(const char *s, double *out);
/* Reads a whole file (or "-" for stdin) into a malloc'd NUL-terminated buffer; NULL on error
 * (errno set). */
char *cli_read_file(const char *path, size_t *len);
/* Findings printed by cli_print_finding (a kam_finding_fn): "severity<TAB>code<TAB>path:
 * message", one a line, to out, those of severity <= max_severity (KAM_SEVERITY_*); errors
 * counts the errors reported. */
typedef struct cli_findings {
  FILE *out;
  int32_t max_severity;
  int errors;
} cli_findings;
int cli_print_finding(void *ud, const kam_finding *f);
/* kam_write_fn writing to a FILE *. */
int cli_write_file(void *ud, const void *buf, size_t len);
/* kam_read_fn reading from a FILE *. */
int cli_read_stream(void *ud, void *buf, size_t cap, size_t *nread);
/* Makes *ctx and *p and reads the CSV portfolio at path ("-": stdin) into *p. 0 on success;
 * else the exit status, the message printed; the caller frees *p and *ctx either way. */
int cli_read_portfolio(const char *cmd, const char *path, const kam_csv_options *in, kam_ctx **ctx,
                       kam_portfolio **p);

int kam_cli_npv(int argc, char **argv);
int kam_cli_irr(int argc, char **argv);
int kam_cli_xirr(int argc, char **argv);
int kam_cli_segment(int argc, char **argv);
int kam_cli_title(int argc, char **argv);
int kam_cli_dmu(int argc, char **argv);
int kam_cli_render(int argc, char **argv);
int kam_cli_proposal(int argc, char **argv);
int kam_cli_plan(int argc, char **argv);
int kam_cli_retention(int argc, char **argv);

#endif
