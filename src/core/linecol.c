/* linecol.c - byte offset to line and column (linecol_internal.h). */
#include "core/linecol_internal.h"

void kam__linecol(const char *text, size_t pos, size_t *line, size_t *col) {
  size_t i, l = 1, c = 1;
  for (i = 0; i < pos; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch == '\n') {
      l++;
      c = 1;
    } else if ((ch & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}
