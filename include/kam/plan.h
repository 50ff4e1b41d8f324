/*
 * kam/plan.h - the key account plan: how a key account manager grows one client over a year.
 * Objectives with measures, the white space (our offerings against the client's buying units:
 * share of wallet and headroom), relationship coverage of the client's decision-making unit,
 * competitors, SWOT, risks and actions; assembled into a document model and rendered
 * (Markdown, HTML, text, JSON) in Russian and English, and checked (kam/finding.h).
 * The JSON document (every key optional; key order free; same rules as the proposal's: unknown
 * keys are KAM_EPARSE naming the path, "_" keys are comments, errors give path, line, column):
 *   { "lang": "ru" | "en", "currency": "RUB",
 *     "as_of": "2026-12-01",                        the date the plan is read against
 *     "period": {"from": "2026-01-01", "to": "2026-12-31"},
 *     "account": {"name", "id", "group", "context",
 *                 "revenue": "1000.00" (money), "share": 0.12, "abc": "A", "xyz": "X",
 *                 "trend": 0.08, "margin": 0.21},
 *     "owner": {"name", "position", "department", "phone", "email"},   the KAM
 *     "team": [{"name", "position", "department", "phone", "email"}],
 *     "objectives": [{"title", "metric", "unit", "baseline": 10, "target": 20, "current": 14,
 *                     "due": "2026-12-31", "owner"}],
 *     "white_space": {"offerings": [{"id", "name"}],
 *                     "units": [{"id", "name", "spend": "5000000.00"}],
 *                     "cells": [{"unit", "offering", "ours": "100000.00", "competitor",
 *                                "status": "owned|pipeline|gap|competitor|not_applicable"}]},
 *     "stakeholders": [as in kam/proposal.h],
 *     "relationships": [{"stakeholder" (a stakeholder's name), "team_member" (the owner's or
 *                        a team member's name), "strength": 0..3, "last_contact": date}],
 *     "competitors": [{"name", "threat": "low|medium|high", "position", "strengths",
 *                      "weaknesses"}],
 *     "swot": {"strengths": ["..."], "weaknesses": [], "opportunities": [], "threats": []},
 *     "risks": [{"title", "probability": 0.3 (0..1), "impact": "250000.00", "mitigation",
 *                "owner"}],
 *     "actions": [{"title", "owner", "due", "status": "open|done|cancelled",
 *                  "objective" (an objective's title)}] }
 *   Money (revenue, spend, ours, impact) is a decimal string or number in major units with no
 *   more decimals than the currency has, >= 0 (revenue may be negative), kept exactly as int64
 *   minor units. Other numbers are kept as exact decimal text. Dates are "YYYY-MM-DD".
 *   References between parts (names, ids, titles) are not checked when reading: a dangling one
 *   is the error finding "unknown_reference" of kam_plan_check.
 * Derived figures (in kam_plan_to_value)
 *   objective: progress = (current - baseline) / (target - baseline) (a falling target works the
 *     same; target == baseline: 1 when current equals it, else 0; no current: 0);
 *     expected = the share of the time from period.from to due elapsed at as_of (0..1; 0 without
 *     as_of, period.from or due); status "achieved" (progress >= 1), "overdue" (due < as_of),
 *     "at_risk" (progress < expected - 0.15), else "on_track".
 *   white space, exact in minor units: ours and share of wallet (ours / spend) per unit, per
 *     offering (over the total spend) and in total; headroom = spend - ours per unit and in
 *     total; counts of cells per status. Zero spend has no share (null, "—").
 *   coverage per stakeholder: the team members who cover them, the best strength, the last
 *     contact and days since it at as_of.
 *   risk exposure = probability x impact, rounded half away from zero to minor units; risks
 *     are listed by exposure, largest first (ties: document order).
 * Thread rules: as for the owning ctx.
 */
#ifndef KAM_PLAN_H
#define KAM_PLAN_H

#include "common.h"
#include "finding.h"
#include "proposal.h"
#include "template.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A key account plan. Opaque; made by kam_plan_new or kam_plan_from_json. */
typedef struct kam_plan kam_plan;

/** Creates an empty plan: lang "ru", currency "RUB", nothing else set.
 *  @return KAM_OK, KAM_EINVAL (out or ctx NULL), KAM_ENOMEM. On failure *out is NULL. */
KAM_API int kam_plan_new(kam_plan **out, kam_ctx *ctx);

/** Frees a plan and everything it owns. NULL is a no-op. */
KAM_API void kam_plan_free(kam_plan *plan);

/** Reads a plan from its JSON document (see the top of this header); json[0..len) is UTF-8.
 *  @return KAM_OK; KAM_EINVAL (out, ctx NULL, or json NULL with len > 0); KAM_EPARSE (not JSON,
 *  with line and column; or a part of the wrong type, an unknown key, a bad amount, date or
 *  name: the message names the JSON path and its line and column); KAM_EOVERFLOW (an amount
 *  too large for int64 minor units); KAM_ELIMIT (nesting too deep); KAM_ENOMEM. On failure
 *  *out is NULL. Bounds: as kam_proposal_from_json (time linear in len, memory at the peak
 *  under 12 times the text plus the plan). */
KAM_API int kam_plan_from_json(kam_plan **out, kam_ctx *ctx, const char *json, size_t len);

/** Writes the plan as its JSON document (pretty, keys in the order of the document above, parts
 *  not set left out, comments dropped). Lossless: reading the output gives an equal plan and
 *  writing that again gives the same bytes.
 *  @return KAM_OK, KAM_EINVAL (plan or write NULL), KAM_ENOMEM, or the write callback's nonzero
 *  status unchanged. */
KAM_API int kam_plan_write_json(const kam_plan *plan, kam_write_fn write, void *ud);

/** Language of the rendered plan and of the findings: "ru" or "en" (any case); NULL resets to
 *  "ru". @return KAM_OK, KAM_EINVAL (plan NULL or another language; the plan is unchanged). */
KAM_API int kam_plan_set_lang(kam_plan *plan, const char *lang);

/** The date the plan is read against (JSON "as_of"). @return KAM_OK, KAM_EINVAL (plan NULL). */
KAM_API int kam_plan_set_as_of(kam_plan *plan, kam_date as_of);

/** Assembles the document model the templates render: a new kam_value object (the caller frees
 *  it with kam_value_free), made in the plan's ctx. Money is {"minor", "amount", "text"}, dates
 *  {"iso", "text", "long"} (null when absent), ratios {"value", "text"} ("value" null and
 *  "text" "—" when there is none). Top-level keys:
 *    lang, currency, is_ru, is_en, labels {headings and captions in lang}, title,
 *    as_of, period {from, to}, account {name, id, group, context, revenue, share, abc, xyz,
 *      trend, margin}, owner (person | false), team [person], has_team,
 *    objectives [{n, title, metric, unit, baseline, target, current ({value, text}), due, owner,
 *      progress, expected (ratios), status ("achieved" | "overdue" | "at_risk" | "on_track"),
 *      status_text, is_achieved, is_overdue, is_at_risk, is_on_track}], has_objectives,
 *    white_space {offerings [{id, name, ours, share}], units [{id, name, spend, ours, share,
 *      headroom, cells [{offering, status, status_text, ours, competitor}] (one per offering, in
 *      offering order; status "" where the plan has no cell)}], total {spend, ours, share,
 *      headroom}, counts {owned, pipeline, gap, competitor, not_applicable}, has_units},
 *    stakeholders [{name, title, role, style, influence, attitude, is_economic, is_coach,
 *      is_decision_maker, covered, covered_by [{team_member, strength}], best_strength,
 *      last_contact, days_since}], has_stakeholders,
 *    relationships [{stakeholder, team_member, strength, last_contact, days_since}],
 *    competitors [{name, threat, threat_text, is_high, position, strengths, weaknesses}],
 *    swot {strengths, weaknesses, opportunities, threats (arrays of strings)} | false,
 *    risks (by exposure) [{title, probability, impact, exposure, mitigation, owner}],
 *      risk_exposure (money: the sum),
 *    actions [{n, title, owner, due, status, status_text, objective, is_overdue}],
 *    findings [{code, severity, path, message}] (what kam_plan_check reports), has_findings.
 *  @return KAM_OK, KAM_EINVAL (NULL pointers), KAM_EOVERFLOW (a sum of money does not fit
 *  int64: the message names the part), KAM_ENOMEM. *out is NULL on failure. */
KAM_API int kam_plan_to_value(kam_value **out, const kam_plan *plan);

/** Renders the plan with the built-in template of the format (KAM_FORMAT_* of kam/proposal.h)
 *  in the plan's language; escaping as kam_proposal_render does (HTML escaped, Markdown
 *  backslash-escaped, text without control characters). HTML is one self-contained A4
 *  document with the white space as a heat table.
 *  @return as kam_plan_to_value, plus KAM_EINVAL (unknown format) and the write callback's
 *  nonzero status unchanged. */
KAM_API int kam_plan_render(const kam_plan *plan, int format, kam_write_fn write, void *ud);

/** Renders a user's compiled template over the model of kam_plan_to_value (no partials).
 *  @return as kam_plan_render, plus the template's render errors. */
KAM_API int kam_plan_render_template(const kam_plan *plan, const kam_template *t,
                                     kam_write_fn write, void *ud);

/** Checks the plan and reports each finding (kam/finding.h) to fn, in this order of codes:
 *  unknown_reference (error: a relationship, cell or action naming a stakeholder, team member,
 *  unit, offering or objective that does not exist), uncovered_stakeholder (a stakeholder with
 *  influence >= 0.5 whom nobody covers), single_threaded (every covered stakeholder with
 *  influence >= 0.5 covered by the same one team member), stale_relationship (last contact more
 *  than 90 days before as_of), no_economic_buyer, no_coach, no_objectives, objective_overdue,
 *  objective_at_risk, action_overdue (open and due before as_of), action_without_owner (open,
 *  no owner), high_threat_competitor (threat high and a cell with status competitor naming
 *  it). Severity: error for unknown_reference, warning otherwise. Messages are in the plan's
 *  language.
 *  @return KAM_OK, KAM_EINVAL (plan or fn NULL), KAM_ENOMEM, or fn's nonzero status. */
KAM_API int kam_plan_check(const kam_plan *plan, kam_finding_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_PLAN_H */
