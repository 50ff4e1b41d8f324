/* struct_copy.c - one check and one copy for the struct_size structs callers pass in
 * (struct_copy_internal.h). */
#include <string.h>

#include "core/struct_copy_internal.h"

int kam__struct_size_check(kam_ctx *ctx, size_t size, size_t need, const char *who,
                           const char *type) {
  if (size >= need && size <= KAM__STRUCT_MAX) return KAM_OK;
  if (!ctx) return KAM_EINVAL;
  return kam__error(ctx, KAM_EINVAL,
                    "%s: struct_size %zu is not the size of a %s (set it to sizeof(%s))", who, size,
                    type, type);
}

int kam__struct_copy_in(kam_ctx *ctx, void *local, size_t local_size, const void *in, size_t need,
                        const char *who, const char *type) {
  uint32_t size;
  int rc;
  memcpy(&size, in, sizeof size);
  if ((rc = kam__struct_size_check(ctx, size, need, who, type)) != KAM_OK) return rc;
  memcpy(local, in, size < local_size ? size : local_size);
  return KAM_OK;
}

void kam__struct_init(void *o, size_t struct_size, const void *defaults, size_t size) {
  uint32_t stored;
  if (!o || struct_size < sizeof stored) return;
  memcpy(o, defaults, struct_size < size ? struct_size : size);
  stored = (uint32_t)(struct_size > UINT32_MAX ? UINT32_MAX : struct_size);
  memcpy(o, &stored, sizeof stored);
}
