/* unit_internal.h - the unit form for a quantity (unit.c), shared with the proposal's model. */
#ifndef KAM_UNIT_INTERNAL_H
#define KAM_UNIT_INTERNAL_H

#include <stdbool.h>

#include "core/decimal_internal.h"

/* The form of unit that agrees with quantity: a unit of the built-in dictionary (given in any
 * of its forms) in the form for the quantity, in Russian (english false) or English; a unit
 * ending in '.' (an abbreviation), an unknown unit or NULL as given. Static storage or unit. */
const char *kam__unit_form(const char *unit, kam__decimal quantity, bool english);

/* The form of a unit given by its own forms (a price line's "unit": {"one", "few", "many"})
 * that agrees with quantity, by the same rules: Russian one / few / many, a fraction taking
 * few; English one for exactly 1, else many. A missing form falls back (few <-> many, then
 * one); NULL only when all three are NULL. */
const char *kam__unit_form_own(const char *one, const char *few, const char *many,
                               kam__decimal quantity, bool english);

#endif
