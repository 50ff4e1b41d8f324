/* cli_render.c - `kam render` (written with the template module). */
#include "cli.h"

int kam_cli_render(int argc, char **argv) {
  (void)argc;
  return cli_fail(argv[0], "not built yet");
}
