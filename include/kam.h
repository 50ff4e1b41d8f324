/*
 * kam.h - libkam, an embeddable C11 library for key account management.
 *
 * Include this one header. It pulls in every module:
 *   kam/common.h     version, status codes, kam_ctx (allocator, errors), I/O callbacks, dates
 *   kam/finance.h    NPV, XNPV, IRR, XIRR, MIRR, payback, CLV, ROI (pure functions)
 *   kam/portfolio.h  accounts, ABC/XYZ segmentation, the 10 % key-customer test, scores
 *   kam/io.h         CSV in/out, JSON and SVG (Pareto chart) out, all through callbacks
 *   kam/dmu.h        stakeholder typing: roles from job titles, communication styles, the DMU
 *   kam/value.h      JSON-like values and the strict JSON parser/writer
 *   kam/template.h   the Mustache engine (spec v1.4.2 with all optional modules)
 *   kam/money.h      money as document text and in words, exact decimal text to minor units
 *   kam/proposal.h   commercial proposals: exact totals, rendering
 */
#ifndef KAM_H
#define KAM_H

#include "kam/common.h"
#include "kam/finance.h"
#include "kam/portfolio.h"
#include "kam/io.h"
#include "kam/partial.h"
#include "kam/dmu.h"
#include "kam/value.h"
#include "kam/template.h"
#include "kam/money.h"
#include "kam/proposal.h"
#include "kam/finding.h"
#include "kam/plan.h"
#include "kam/retention.h"

#endif /* KAM_H */
