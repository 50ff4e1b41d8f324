/* cli_dmu.c - `kam title` and `kam dmu` (written with the DMU module). */
#include "cli.h"

int kam_cli_title(int argc, char **argv) {
  (void)argc;
  return cli_fail(argv[0], "not built yet");
}

int kam_cli_dmu(int argc, char **argv) {
  (void)argc;
  return cli_fail(argv[0], "not built yet");
}
