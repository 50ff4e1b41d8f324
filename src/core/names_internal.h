/*
 * names_internal.h - the names names.c owns that have no public function. The public ones
 * (kam_role_name, kam_style_name, kam_trait_name, kam_buyer_role_name, kam_dmu_warning_name,
 * kam_key_reason_name) are declared in the public headers and defined in names.c too.
 */
#ifndef KAM_NAMES_INTERNAL_H
#define KAM_NAMES_INTERNAL_H

#include "core/internal.h"

/* A cash-flow period of a proposal ("year", "quarter", "month"), or NULL. */
const char *kam__period_name(int32_t period);

#endif /* KAM_NAMES_INTERNAL_H */
