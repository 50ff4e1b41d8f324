/* cli_proposal.c - `kam proposal` (written with the proposal module). */
#include "cli.h"

int kam_cli_proposal(int argc, char **argv) {
  (void)argc;
  return cli_fail(argv[0], "not built yet");
}
