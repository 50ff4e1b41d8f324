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

/* A price line's recurrence (KAM_RECUR_*, its period in months: 0, 1, 3, 12) as "once",
 * "month", "quarter", "year", or NULL; and back (-1 for an unknown name or NULL). */
const char *kam__recur_name(int32_t months);
int32_t kam__recur_from_name(const char *name);

#endif /* KAM_NAMES_INTERNAL_H */
