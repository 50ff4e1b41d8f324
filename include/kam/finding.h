/*
 * kam/finding.h - findings of a document check: what a check reports about a plan
 * (kam_plan_check) or a proposal before it is sent (kam_proposal_check), one finding at a time,
 * through a callback.
 *   code      a stable name of what was found ("uncovered_stakeholder"): match on it, not on
 *             the message
 *   severity  KAM_SEVERITY_ERROR (the document is wrong: a reference to nothing),
 *             KAM_SEVERITY_WARNING (something to act on), KAM_SEVERITY_INFO
 *   path      the JSON path of the part concerned ("relationships[2].stakeholder"; "" for the
 *             whole document)
 *   message   one sentence in the document's language, naming the thing concerned
 * The strings are borrowed: valid only during the callback.
 */
#ifndef KAM_FINDING_H
#define KAM_FINDING_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity of a finding. */
enum {
  KAM_SEVERITY_ERROR = 0,   /**< the document is wrong */
  KAM_SEVERITY_WARNING = 1, /**< something to act on */
  KAM_SEVERITY_INFO = 2,    /**< worth knowing */
  KAM_SEVERITY_COUNT = 3
};

/** One finding. struct_size is sizeof(kam_finding) of the library that reports it; fields are
 *  only ever appended. Every string is UTF-8, NUL-terminated, never NULL, borrowed for the
 *  duration of the callback. */
typedef struct kam_finding {
  uint32_t struct_size;
  int32_t severity;    /**< KAM_SEVERITY_* */
  const char *code;    /**< stable code, e.g. "uncovered_stakeholder" */
  const char *path;    /**< JSON path of the part, "" for the whole document */
  const char *message; /**< in the document's language */
} kam_finding;

/** Receives one finding. Return 0 to go on; anything else stops the check and is returned
 *  unchanged by it. */
typedef int (*kam_finding_fn)(void *ud, const kam_finding *finding);

/** "error", "warning" or "info"; NULL for another value. Static storage. */
KAM_API const char *kam_severity_name(int32_t severity);

#ifdef __cplusplus
}
#endif
#endif /* KAM_FINDING_H */
