/* cli_finance.c - `kam npv`, `kam irr`, `kam xirr`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Reads the numbers after "--" (or after the options) into a malloc'd array. */
static int read_values(const char *cmd, int argc, char **argv, int first, double **out, size_t *n) {
  int i;
  double *v;
  if (first >= argc) return cli_fail(cmd, "no cash flows given (run 'kam %s --help')", cmd);
  v = (double *)malloc(sizeof(double) * (size_t)(argc - first));
  if (!v) return cli_fail(cmd, "out of memory");
  for (i = first; i < argc; i++) {
    if (cli_parse_double(argv[i], &v[i - first])) {
      free(v);
      return cli_fail(cmd, "argument %d: '%s' is not a number", i, argv[i]);
    }
  }
  *out = v;
  *n = (size_t)(argc - first);
  return 0;
}

/* Parses options shared by the three commands; returns the index of the first value or a
 * negative exit status. */
static int parse_options(const char *cmd, int argc, char **argv, double *rate, double *guess,
                         int *convention, int need_rate) {
  int i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (!strcmp(a, "--rate") || !strcmp(a, "--guess")) {
      double *dst = !strcmp(a, "--rate") ? rate : guess;
      if (i + 1 >= argc) return -cli_fail(cmd, "%s needs a value", a);
      if (cli_parse_double(argv[++i], dst))
        return -cli_fail(cmd, "%s: '%s' is not a number", a, argv[i]);
    } else if (!strcmp(a, "--t0")) {
      *convention = KAM_NPV_T0;
    } else if (a[0] == '-' && a[1] == '-') {
      return -cli_fail(cmd, "unknown option '%s'", a);
    } else {
      break;
    }
  }
  if (need_rate && isnan(*rate)) return -cli_fail(cmd, "--rate is required");
  return i;
}

int kam_cli_npv(int argc, char **argv) {
  double rate = NAN, guess = 0, result, *v = NULL;
  int convention = KAM_NPV_EXCEL, first, rc;
  size_t n = 0;
  if (cli_wants_help(argc, argv)) {
    printf("usage: kam npv --rate R [--t0] -- V1 V2 ...\n\n"
           "Net present value of the cash flows V1..Vn at the periodic rate R (0.1 = 10 %%).\n"
           "By default V1 is discounted one period, as Excel's NPV does; with --t0 V1 is at\n"
           "t = 0, undiscounted (numpy-financial). Put '--' before negative values.\n\n"
           "example: kam npv --rate 0.1 -- -10000 3000 4200 6800   ->  1188.44\n");
    return 0;
  }
  first = parse_options(argv[0], argc, argv, &rate, &guess, &convention, 1);
  if (first < 0) return -first;
  if ((rc = read_values(argv[0], argc, argv, first, &v, &n)) != 0) return rc;
  rc = kam_npv(&result, rate, v, n, convention);
  free(v);
  if (rc) return cli_fail(argv[0], "%s (the rate must be > -1 and finite)", kam_strerror(rc));
  printf("%.2f\n", result);
  return 0;
}

int kam_cli_irr(int argc, char **argv) {
  double rate = 0, guess = NAN, result, *v = NULL;
  int convention = 0, first, rc;
  size_t n = 0;
  if (cli_wants_help(argc, argv)) {
    printf("usage: kam irr [--guess G] -- V0 V1 ...\n\n"
           "Internal rate of return of periodic cash flows, V0 at t = 0. Needs at least one\n"
           "positive and one negative value. With several roots, the one nearest G (default\n"
           "0.1) is printed.\n\n"
           "example: kam irr -- -70000 12000 15000 18000 21000 26000   ->  0.086631\n");
    return 0;
  }
  first = parse_options(argv[0], argc, argv, &rate, &guess, &convention, 0);
  if (first < 0) return -first;
  if ((rc = read_values(argv[0], argc, argv, first, &v, &n)) != 0) return rc;
  rc = kam_irr(&result, v, n, guess);
  free(v);
  if (rc == KAM_ENOSOLUTION)
    return cli_fail(argv[0], "no rate makes the NPV zero (the flows need a sign change)");
  if (rc) return cli_fail(argv[0], "%s", kam_strerror(rc));
  printf("%.6f\n", result);
  return 0;
}

int kam_cli_xirr(int argc, char **argv) {
  double rate = 0, guess = NAN, result, *v = NULL;
  kam_date *d;
  int convention = 0, first, rc, i;
  size_t n;
  if (cli_wants_help(argc, argv)) {
    printf("usage: kam xirr [--guess G] -- DATE:VALUE DATE:VALUE ...\n\n"
           "Internal rate of return of dated cash flows (Excel XIRR, actual/365), dates as\n"
           "YYYY-MM-DD in any order.\n\n"
           "example: kam xirr -- 2008-01-01:-10000 2008-03-01:2750 2008-10-30:4250 \\\n"
           "                     2009-02-15:3250 2009-04-01:2750   ->  0.373363\n");
    return 0;
  }
  first = parse_options(argv[0], argc, argv, &rate, &guess, &convention, 0);
  if (first < 0) return -first;
  if (first >= argc) return cli_fail(argv[0], "no cash flows given (run 'kam xirr --help')");
  n = (size_t)(argc - first);
  v = (double *)malloc(n * sizeof *v);
  d = (kam_date *)malloc(n * sizeof *d);
  if (!v || !d) {
    free(v);
    free(d);
    return cli_fail(argv[0], "out of memory");
  }
  for (i = first; i < argc; i++) {
    const char *colon = strchr(argv[i], ':');
    if (!colon || kam_date_parse(&d[i - first], argv[i], (size_t)(colon - argv[i])) ||
        cli_parse_double(colon + 1, &v[i - first])) {
      free(v);
      free(d);
      return cli_fail(argv[0], "argument %d: '%s' is not DATE:VALUE (YYYY-MM-DD:number)", i,
                      argv[i]);
    }
  }
  rc = kam_xirr(&result, v, d, n, guess);
  free(v);
  free(d);
  if (rc == KAM_ENOSOLUTION)
    return cli_fail(argv[0], "no rate makes the XNPV zero (the flows need a sign change)");
  if (rc) return cli_fail(argv[0], "%s", kam_strerror(rc));
  printf("%.6f\n", result);
  return 0;
}
