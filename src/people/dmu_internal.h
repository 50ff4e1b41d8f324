/*
 * dmu_internal.h - what titles.c (the title typer) and dmu.c (the decision-making unit) share,
 * and the hooks the tests use to look inside the title typer. Nothing here is exported.
 */
#ifndef KAM_DMU_INTERNAL_H
#define KAM_DMU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "kam.h"

/* How much of a title the typer reads: the first KAM__TITLE_MAX_TOKENS words (after splitting)
 * and KAM__TITLE_TEXT_CAP bytes of folded text. The whole input is still checked for UTF-8. */
#define KAM__TITLE_MAX_TOKENS 64
#define KAM__TITLE_TEXT_CAP 2048

/* Writes the normalised words of a title (folded, ё -> е, split, quoted company names dropped,
 * abbreviations expanded; before noise removal) into out, separated by single spaces, always
 * NUL-terminated when cap > 0. Returns the full length (as snprintf does), or (size_t)-1 when
 * the title is not valid UTF-8. For tests of the normaliser. */
size_t kam__title_normalize(char *out, size_t cap, const char *title, size_t len);

/* Number of entries in the lexicon and in the abbreviation table (tests check their shape). */
size_t kam__title_lexicon_size(void);
size_t kam__title_abbrev_size(void);
/* Entry i of the lexicon: pattern, kind name ("title", "function", ...), role and weight.
 * Returns 0 when i is out of range. */
int kam__title_lexicon_entry(size_t i, const char **pattern, const char **kind, int32_t *role,
                             double *weight);

/* The field of a kam_stakeholder that kam__dmu_add found wrong, so that a reader of stakeholders
 * can name its source (the CSV column). The three traits are KAM__DMU_FIELD_TRAIT + 0..2. */
enum {
  KAM__DMU_FIELD_NONE,
  KAM__DMU_FIELD_ROLE,
  KAM__DMU_FIELD_NAME,
  KAM__DMU_FIELD_TITLE,
  KAM__DMU_FIELD_EMAIL,
  KAM__DMU_FIELD_PHONE,
  KAM__DMU_FIELD_INFLUENCE,
  KAM__DMU_FIELD_ATTITUDE,
  KAM__DMU_FIELD_BUYING_ROLES,
  KAM__DMU_FIELD_TRAIT
};

/* kam_dmu_add, which also says in *bad_field (may be NULL) which field failed its checks
 * (KAM__DMU_FIELD_NONE for KAM_ENOMEM, KAM_ELIMIT and struct errors). */
int kam__dmu_add(kam_dmu *d, const kam_stakeholder *s, int *bad_field);
/* Removes the stakeholders from index count on (the undo of a failed read). */
void kam__dmu_truncate(kam_dmu *d, size_t count);
kam_ctx *kam__dmu_ctx(const kam_dmu *d);

#endif /* KAM_DMU_INTERNAL_H */
