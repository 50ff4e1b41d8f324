/*
 * plan_internal.h - what the plan files share: the document layout (plan.c owns it).
 *   plan.c           the document: records described by field tables, JSON in and out
 *   plan_assemble.c  derived figures, the model, checks and rendering
 * Every list part is an array of records of one kind; a record is a row of slots described by
 * a field table (key, kind), so reading, writing and freeing are one loop each.
 */
#ifndef KAM_PLAN_INTERNAL_H
#define KAM_PLAN_INTERNAL_H

#include "documents/proposal_internal.h"

#define KAM__PLAN_SLOTS 10

/* One value of a record: which member is live is the field's kind. */
typedef union kam__slot {
  char *text;    /* F_TEXT; F_DEC: canonical decimal text */
  int64_t minor; /* F_MONEY */
  kam_date date; /* F_DATE */
  int32_t n;     /* F_INT, F_ENUM (index into the names) */
  struct {
    char **items;
    size_t len;
  } list; /* F_LIST: strings */
} kam__slot;

typedef struct kam__rec {
  uint32_t has; /* bit i: slot i is set */
  kam__slot f[KAM__PLAN_SLOTS];
} kam__rec;

typedef struct kam__recs {
  kam__rec *data;
  size_t len, cap;
} kam__recs;

/* Field indices of each kind of record. */
enum { PERSON_NAME, PERSON_POSITION, PERSON_DEPARTMENT, PERSON_PHONE, PERSON_EMAIL };
enum {
  ACC_NAME,
  ACC_ID,
  ACC_GROUP,
  ACC_CONTEXT,
  ACC_REVENUE,
  ACC_SHARE,
  ACC_ABC,
  ACC_XYZ,
  ACC_TREND,
  ACC_MARGIN
};
enum { PERIOD_FROM, PERIOD_TO };
enum { OBJ_TITLE, OBJ_METRIC, OBJ_UNIT, OBJ_BASELINE, OBJ_TARGET, OBJ_CURRENT, OBJ_DUE, OBJ_OWNER };
enum { OFF_ID, OFF_NAME };
enum { UNIT_ID, UNIT_NAME, UNIT_SPEND };
enum { CELL_UNIT, CELL_OFFERING, CELL_STATUS, CELL_OURS, CELL_COMPETITOR };
enum { REL_STAKEHOLDER, REL_TEAM_MEMBER, REL_STRENGTH, REL_LAST_CONTACT };
enum { COMP_NAME, COMP_THREAT, COMP_POSITION, COMP_STRENGTHS, COMP_WEAKNESSES };
enum { SWOT_STRENGTHS, SWOT_WEAKNESSES, SWOT_OPPORTUNITIES, SWOT_THREATS };
enum { RISK_TITLE, RISK_PROBABILITY, RISK_IMPACT, RISK_MITIGATION, RISK_OWNER };
enum { ACT_TITLE, ACT_OWNER, ACT_DUE, ACT_STATUS, ACT_OBJECTIVE };

/* Enumerated names, in slot value order. */
enum {
  CELL_OWNED,
  CELL_PIPELINE,
  CELL_GAP,
  CELL_COMPETITOR_HELD,
  CELL_NOT_APPLICABLE,
  CELL_STATUS_COUNT
};
enum { THREAT_LOW, THREAT_MEDIUM, THREAT_HIGH };
enum { ACTION_OPEN, ACTION_DONE, ACTION_CANCELLED };
extern const char *const kam__plan_cell_statuses[];
extern const char *const kam__plan_threats[];
extern const char *const kam__plan_action_statuses[];

struct kam_plan {
  kam_ctx *ctx;
  bool has_as_of;
  kam_date as_of;
  kam__rec period, account, owner, swot;
  kam__recs team, objectives, offerings, units, cells, relationships, competitors, risks, actions;
  /* The stakeholders are a proposal's (the same reading, writing and DMU typing), and so are
   * lang, currency and digits; while reading JSON it also locates errors (path, line,
   * column). */
  kam_proposal *people;
};

#define KAM__HAS(rec, i) (((rec)->has >> (i)) & 1u)

#endif
