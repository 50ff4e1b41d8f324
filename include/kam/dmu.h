/*
 * kam/dmu.h - the client's decision-making unit: roles from job titles, communication styles.
 * (DESIGN.md section 7; the full manual is written by the DMU module.)
 */
#ifndef KAM_DMU_H
#define KAM_DMU_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { KAM_ROLE_UNKNOWN = 0, KAM_ROLE_EXECUTIVE, KAM_ROLE_FINANCE, KAM_ROLE_TECHNICAL, KAM_ROLE_HR,
       KAM_ROLE_PROCUREMENT, KAM_ROLE_LEGAL, KAM_ROLE_OPERATIONS, KAM_ROLE_MARKETING };
enum { KAM_STYLE_AUTHORITY = 0, KAM_STYLE_RELATIONAL = 1, KAM_STYLE_ANALYTICAL = 2,
       KAM_STYLE_COUNT = 3 };
enum { KAM_BUYER_ECONOMIC = 1u << 0, KAM_BUYER_USER = 1u << 1,
       KAM_BUYER_TECHNICAL = 1u << 2, KAM_BUYER_COACH = 1u << 3 };
KAM_API int kam_role_from_title(int32_t *role, double *confidence, const char *title, size_t len);
KAM_API const char *kam_role_name(int32_t role);
KAM_API const char *kam_style_name(int32_t style);

typedef struct kam_stakeholder {
  uint32_t struct_size;
  int32_t role;
  const char *name, *title, *email, *phone;
  double influence;
  int32_t attitude;
  uint32_t buying_roles;
  double traits[3];
} kam_stakeholder;
typedef struct kam_profile {
  uint32_t struct_size;
  int32_t role;
  double role_confidence;
  double style[3];
  int32_t primary_style;
  double confidence;
} kam_profile;
typedef struct kam_dmu kam_dmu;
KAM_API int kam_dmu_new(kam_dmu **out, kam_ctx *ctx);
KAM_API void kam_dmu_free(kam_dmu *d);
KAM_API int kam_dmu_add(kam_dmu *d, const kam_stakeholder *s);
KAM_API size_t kam_dmu_count(const kam_dmu *d);
KAM_API int kam_dmu_profile(kam_profile *out, const kam_dmu *d, size_t i);
KAM_API int kam_dmu_emphasis(double out[3], const kam_dmu *d);
enum { KAM_DMU_EMPTY = 1u << 0, KAM_DMU_NO_ECONOMIC_BUYER = 1u << 1, KAM_DMU_NO_COACH = 1u << 2,
       KAM_DMU_INFLUENTIAL_OPPONENT = 1u << 3 };
KAM_API int kam_dmu_warnings(uint32_t *out, const kam_dmu *d);

#ifdef __cplusplus
}
#endif
#endif /* KAM_DMU_H */
