/*
 * kam/io.h - CSV in and out, JSON and SVG out, all through caller-supplied callbacks.
 * (DESIGN.md section 6; the full manual is written by the portfolio module.)
 */
#ifndef KAM_IO_H
#define KAM_IO_H

#include "common.h"
#include "portfolio.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { KAM_CSV_NO_FORMULA_GUARD = 1u << 0 };
typedef struct kam_csv_options {
  uint32_t struct_size;
  uint32_t flags;
  char delimiter;
  char decimal_mark;
  uint8_t currency_digits;
} kam_csv_options;
KAM_API void kam_csv_options_init(kam_csv_options *o, size_t struct_size);
KAM_API int kam_portfolio_read_csv(kam_portfolio *p, kam_read_fn read, void *ud, const kam_csv_options *o);
KAM_API int kam_segmentation_write_csv(const kam_segmentation *s, kam_write_fn write, void *ud,
                                       const kam_csv_options *o);
KAM_API int kam_segmentation_write_json(const kam_segmentation *s, kam_write_fn write, void *ud);
KAM_API int kam_segmentation_write_svg(const kam_segmentation *s, kam_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_IO_H */
