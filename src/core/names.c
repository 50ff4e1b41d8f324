/*
 * names.c - every name table of the library (names_internal.h): roles, styles, observed
 * traits, buying roles, DMU warnings, key reasons, health reasons and lights and cash-flow
 * periods. The public name functions answer from here, and every other file (the proposal document, the CSV and JSON
 * reports, the CLI and the bindings through the public functions) asks here, so a name is
 * spelled once.
 */
#include <string.h>

#include "core/names_internal.h"

static const char *const role_names[] = {"unknown",   "executive",  "finance",
                                         "technical", "hr",         "procurement",
                                         "legal",     "operations", "marketing"};
static const char *const style_names[] = {"authority", "relational", "analytical"};
static const char *const trait_names[] = {"dominance", "people", "detail"};
static const char *const buyer_names[] = {"economic", "user", "technical", "coach"};
static const char *const warning_names[] = {"empty", "no_economic_buyer", "no_coach",
                                            "influential_opponent"};
static const char *const key_reason_names[] = {"share", "group_share", "strategic", "top_score"};
static const char *const health_reason_names[] = {"trend", "volatility", "retention", "margin",
                                                  "relationship"};
static const char *const period_names[] = {"year", "quarter", "month"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Index of the single bit in flag among the first n bits, or -1. */
static int single_bit(uint32_t flag, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (flag == (1u << i)) return (int)i;
  return -1;
}

const char *kam_role_name(int32_t role) {
  return role >= 0 && (size_t)role < COUNT(role_names) ? role_names[role] : NULL;
}

int kam_role_from_name(int32_t *role, const char *name, size_t len) {
  size_t i;
  if (!role || !name) return KAM_EINVAL;
  for (i = 0; i < COUNT(role_names); i++) {
    if (strlen(role_names[i]) == len && kam__ascii_ieq(name, len, role_names[i])) {
      *role = (int32_t)i;
      return KAM_OK;
    }
  }
  return KAM_ENOTFOUND;
}

const char *kam_style_name(int32_t style) {
  return style >= 0 && (size_t)style < COUNT(style_names) ? style_names[style] : NULL;
}

const char *kam_trait_name(int32_t trait) {
  return trait >= 0 && (size_t)trait < COUNT(trait_names) ? trait_names[trait] : NULL;
}

const char *kam_buyer_role_name(uint32_t flag) {
  int i = single_bit(flag, COUNT(buyer_names));
  return i < 0 ? NULL : buyer_names[i];
}

const char *kam_dmu_warning_name(uint32_t flag) {
  int i = single_bit(flag, COUNT(warning_names));
  return i < 0 ? NULL : warning_names[i];
}

const char *kam_key_reason_name(uint32_t flag) {
  int i = single_bit(flag, COUNT(key_reason_names));
  return i < 0 ? NULL : key_reason_names[i];
}

const char *kam_health_reason_name(uint32_t flag) {
  int i = single_bit(flag, COUNT(health_reason_names));
  return i < 0 ? NULL : health_reason_names[i];
}

const char *kam_health_light_name(int light) {
  return light == 'G' ? "green" : light == 'Y' ? "yellow" : light == 'R' ? "red" : NULL;
}

const char *kam__period_name(int32_t period) {
  return period >= 0 && (size_t)period < COUNT(period_names) ? period_names[period] : NULL;
}

/* A price line's recurrence by its period in months (KAM_RECUR_*): 0 once, 1, 3, 12. */
const char *kam__recur_name(int32_t months) {
  switch (months) {
  case 0: return "once";
  case 1: return "month";
  case 3: return "quarter";
  case 12: return "year";
  default: return NULL;
  }
}

int32_t kam__recur_from_name(const char *name) {
  static const int32_t months[] = {0, 1, 3, 12};
  size_t i;
  for (i = 0; name && i < COUNT(months); i++)
    if (!strcmp(name, kam__recur_name(months[i]))) return months[i];
  return -1;
}

static int is_list_sep(char c) {
  return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '|' || c == '/' || c == '+' ||
         c == '\r' || c == '\n';
}

int kam_buyer_role_parse(uint32_t *out, const char *text, size_t len) {
  uint32_t flags = 0;
  size_t i = 0;
  if (!out || !text) return KAM_EINVAL;
  while (i < len) {
    size_t start, k;
    int found = 0;
    while (i < len && is_list_sep(text[i]))
      i++;
    start = i;
    while (i < len && !is_list_sep(text[i]))
      i++;
    if (i == start) break;
    for (k = 0; k < COUNT(buyer_names); k++) {
      if (kam__ascii_ieq(text + start, i - start, buyer_names[k])) {
        flags |= 1u << k;
        found = 1;
      }
    }
    if (!found) return KAM_EPARSE;
  }
  *out = flags;
  return KAM_OK;
}
