/* cli_segment.c - `kam segment` (written with the portfolio module). */
#include "cli.h"

int kam_cli_segment(int argc, char **argv) {
  (void)argc;
  return cli_fail(argv[0], "not built yet");
}
