/*
 * kam/dmu.h - the client's decision-making unit (DMU): roles from job titles, communication
 * styles, the DMU's emphasis and the gaps in it.
 *
 * A proposal for a key client is read by a group. Executives are driven by power and status and
 * like exclusive terms (style AUTHORITY); an HR director trusts references from significant
 * companies with contacts who will recommend (RELATIONAL); finance and technical specialists
 * want figures and the quantified financial result (ANALYTICAL). This module types each person
 * with a *mix* of the three styles, not a label, and says how the DMU as a whole should be
 * addressed (kam_dmu_emphasis) and what is missing (kam_dmu_warnings).
 *
 * The typing is a guide, not a verdict, and it is meant to be explained to the account manager:
 *
 * 1. The role. Given by the caller, or read from the job title by kam_role_from_title (Russian
 *    and English titles as typed into a CRM) with a confidence in 0..1; kam_role_explain shows
 *    which words decided it. Roles are functions, not ranks: "Заместитель генерального директора
 *    по персоналу" is HR; a plain "Заместитель генерального директора" is EXECUTIVE with a lower
 *    confidence. KAM_ROLE_MARKETING is the whole commercial function (marketing, sales, business
 *    development, PR): "Коммерческий директор" and "Head of Sales" are MARKETING.
 *
 * 2. The role prior: each role's default style mix (authority, relational, analytical):
 *
 *        role          authority relational analytical   why
 *        unknown         0.333     0.333     0.333       nothing known
 *        executive       0.70      0.15      0.15        power, status, exclusive terms
 *        finance         0.15      0.10      0.75        figures, the financial result
 *        technical       0.10      0.15      0.75        specifications, evidence
 *        hr              0.15      0.70      0.15        people, references with contacts
 *        procurement     0.20      0.15      0.65        price, terms, comparisons (and the
 *                                                        leverage of the one who buys)
 *        legal           0.20      0.10      0.70        wording, risk, precedent
 *        operations      0.35      0.20      0.45        practical results; run a unit, so
 *                                                        partly authority
 *        marketing       0.40      0.45      0.15        relationships, brand and image
 *
 *    An uncertain role pulls the prior towards the uniform mix (role confidence c, 1 for a
 *    role given by the caller):
 *
 *        prior = c * role_prior + (1 - c) * (1/3, 1/3, 1/3)
 *
 * 3. Observed traits: dominance -> AUTHORITY, people orientation -> RELATIONAL, detail
 *    orientation -> ANALYTICAL, each 0..1 or NaN (not observed). With n the number observed:
 *
 *        w        = 0.25 * n                      (0, 0.25, 0.5, 0.75)
 *        q[k]     = trait[k] if observed, else prior[k]   (what is not seen is assumed typical)
 *        traits   = q / sum(q)                     (uniform if every q is 0)
 *        style    = (1 - w) * prior + w * traits   (sums to 1)
 *
 *    So one observed trait moves the mix a quarter of the way; all three outweigh the role
 *    (w = 0.75 > 0.5): a finance director observed as dominant (1, 0, 0) is typed
 *    0.25 * (0.15, 0.10, 0.75) + 0.75 * (1, 0, 0) = (0.79, 0.03, 0.19): AUTHORITY first.
 *    A trait observed low pushes the style down as much as a high one pushes it up.
 *
 * 4. The primary style is the largest share (ties: AUTHORITY, then RELATIONAL, then ANALYTICAL).
 *    The profile confidence says how much of the mix rests on evidence; a role alone is a
 *    stereotype, worth at most 0.5:
 *
 *        confidence = (1 - w) * 0.5 * c + w        (0 .. 0.875)
 *
 * 5. The emphasis of a DMU is the influence-weighted mean of its members' styles, with an
 *    unknown (NaN) influence counted as 0.5; if every influence is 0, each member counts equally.
 *
 * Everything here is deterministic and locale independent. Functions without a kam_dmu neither
 * allocate nor keep state: they may be called from any thread.
 */
#ifndef KAM_DMU_H
#define KAM_DMU_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Roles (functions) of the people in a client's DMU. kam_role_name gives the names used by the
 *  bindings, the CLI and JSON: "unknown", "executive", "finance", "technical", "hr",
 *  "procurement", "legal", "operations", "marketing". */
enum {
  KAM_ROLE_UNKNOWN = 0,
  KAM_ROLE_EXECUTIVE,
  KAM_ROLE_FINANCE,
  KAM_ROLE_TECHNICAL,
  KAM_ROLE_HR,
  KAM_ROLE_PROCUREMENT,
  KAM_ROLE_LEGAL,
  KAM_ROLE_OPERATIONS,
  KAM_ROLE_MARKETING,
  KAM_ROLE_COUNT /**< the number of roles (roles are 0 .. KAM_ROLE_COUNT - 1) */
};

/** Communication styles; names "authority", "relational", "analytical". A style mix is a
 *  double[KAM_STYLE_COUNT] indexed by these values that sums to 1. */
enum {
  KAM_STYLE_AUTHORITY = 0,
  KAM_STYLE_RELATIONAL = 1,
  KAM_STYLE_ANALYTICAL = 2,
  KAM_STYLE_COUNT = 3
};

/** Buying influences (Miller Heiman), a bit set in kam_stakeholder.buying_roles; names
 *  "economic" (signs off the money), "user" (will use what is bought), "technical" (screens
 *  the offer against specifications), "coach" (guides us through the sale). */
enum {
  KAM_BUYER_ECONOMIC = 1u << 0,
  KAM_BUYER_USER = 1u << 1,
  KAM_BUYER_TECHNICAL = 1u << 2,
  KAM_BUYER_COACH = 1u << 3
};
/** All KAM_BUYER_* bits. */
#define KAM_BUYER_ALL 0xFu

/* ---------------------------------------------------------------------------------------- */
/* Job titles                                                                                */

/** Reads a role from a job title.
 *
 *  @param role        out: a KAM_ROLE_* value; KAM_ROLE_UNKNOWN when the title cannot be placed.
 *  @param confidence  out: 0..1, how surely the title names the role (below).
 *  @param title       UTF-8 text, title[0..len) (need not be NUL-terminated).
 *  @param len         its length in bytes.
 *
 *  Understands Russian and English titles as typed into a CRM: any case (Cyrillic folded by
 *  table, no locale), ё = е, abbreviations (CEO, CFO, CTO, CIO, COO, CMO, CHRO, HRD, HRBP,
 *  "ген. директор", "зам. ген. директора по финансам", "фин. директор", "главбух"), hyphen and
 *  spacing variants (ИТ-директор, IT директор, HR-директор), deputies and heads of departments
 *  ("по X", "of X", "for X", "отдела X" name the function), and noise: company names in quotes,
 *  legal forms (ООО, АО, ПАО, LLC, Ltd) with the name around them, "г. Москва", "at Acme".
 *  Only the first 64 words are read. The confidence formula, in short:
 *
 *      confidence = weight * shape * deputy * ambiguity * coverage
 *
 *  where weight is how surely the deciding words name the role (0.95-1 for a whole title such
 *  as "финансовый директор" or "CFO"), shape is 0.95 for a function with a head word
 *  ("директор по закупкам") and 0.75 for a bare function ("закупки"), deputy is 0.7 for a plain
 *  deputy of an executive (0.4 for an assistant), ambiguity is 1 - 0.5 (r / weight)^2 when
 *  another role r competes ("CFO/COO"), and coverage is 0.7 + 0.3 * recognised words / words.
 *  An UNKNOWN result has confidence <= 0.2 (0.1 when no word is recognised, 0 for an empty
 *  title).
 *
 *  Bounds: time linear in len (the UTF-8 check) plus a fixed cost for the first 64 words;
 *  no memory beyond a fixed stack frame.
 *  @return KAM_OK; KAM_EINVAL if role, confidence or title is NULL; KAM_EPARSE if the title is
 *          not valid UTF-8 (outputs untouched on error). Pure: no allocation, any thread. */
KAM_API int kam_role_from_title(int32_t *role, double *confidence, const char *title, size_t len);

/** Explains kam_role_from_title: how each word group of the title was read and the factors of
 *  the confidence, as one line of text, e.g.
 *
 *      "заместитель" deputy x0.70; "генерального директора" exec executive 0.95; "по" word;
 *      "персоналу" function hr 0.95 *; => hr 0.903 (weight 0.95 x shape 0.95 x deputy 1.00
 *      x ambiguity 1.00 x coverage 1.00)
 *
 *  (the winning entry is marked '*'). The format is for people and may change between versions.
 *  Text into buf under the buffer contract of kam/common.h: *len receives the whole length,
 *  so a call with cap 0 sizes the buffer. O(len) time, no allocation.
 *  @return KAM_OK; KAM_ELIMIT (cap too small; buf holds ""); KAM_EINVAL (title NULL, or buf
 *          NULL with cap > 0); KAM_EPARSE (bad UTF-8). */
KAM_API int kam_role_explain(char *buf, size_t cap, size_t *len, const char *title,
                             size_t title_len);

/** The name of a role ("unknown", "executive", ...); NULL if role is not a KAM_ROLE_* value.
 *  Static storage. */
KAM_API const char *kam_role_name(int32_t role);

/** The role named name[0..len) (a kam_role_name, ASCII case-insensitive).
 *  @return KAM_OK; KAM_EINVAL (role or name NULL); KAM_ENOTFOUND (no such name; *role
 *          untouched). */
KAM_API int kam_role_from_name(int32_t *role, const char *name, size_t len);

/** The name of a style ("authority", "relational", "analytical"); NULL if style is not a
 *  KAM_STYLE_* value. Static storage. */
KAM_API const char *kam_style_name(int32_t style);

/** The name of an observed trait, by its index in kam_stakeholder.traits: 0 "dominance",
 *  1 "people" (people orientation), 2 "detail" (detail orientation); NULL for any other index.
 *  These are the names the DMU CSV columns and the proposal document use. Static storage. */
KAM_API const char *kam_trait_name(int32_t trait);

/** The style prior of a role (the table at the top of this header) into out[3].
 *  @return KAM_OK; KAM_EINVAL (out NULL or role not a KAM_ROLE_* value). */
KAM_API int kam_role_style_prior(double out[3], int32_t role);

/** The name of one buying influence flag ("economic", "user", "technical", "coach"); NULL if
 *  flag is not exactly one KAM_BUYER_* bit. Static storage. */
KAM_API const char *kam_buyer_role_name(uint32_t flag);

/** Parses a list of buying influence names ("economic;coach", "Economic, User", "technical")
 *  into KAM_BUYER_* bits. Names are ASCII case-insensitive and separated by spaces, commas,
 *  semicolons, '|', '/' or '+'; an empty list is 0.
 *  @return KAM_OK; KAM_EINVAL (out or text NULL); KAM_EPARSE (a word is not a buying influence
 *          name; *out untouched). */
KAM_API int kam_buyer_role_parse(uint32_t *out, const char *text, size_t len);

/* ---------------------------------------------------------------------------------------- */
/* Stakeholders and profiles                                                                 */

/** A person in the DMU, passed to kam_dmu_add. Set struct_size = sizeof(kam_stakeholder); fields
 *  beyond struct_size take their defaults (role UNKNOWN, strings NULL, influence NaN, attitude 0,
 *  buying_roles 0, traits NaN). */
typedef struct kam_stakeholder {
  uint32_t struct_size;
  int32_t role;          /**< KAM_ROLE_*; KAM_ROLE_UNKNOWN: read from the title */
  const char *name;      /**< UTF-8, NUL-terminated, or NULL; copied */
  const char *title;     /**< job title as in the CRM, or NULL; copied */
  const char *email;     /**< or NULL; copied as is (not checked as an address) */
  const char *phone;     /**< or NULL; copied as is */
  double influence;      /**< 0..1 over the decision; NaN: unknown (counted as 0.5) */
  int32_t attitude;      /**< -5 (opponent) .. +5 (supporter) towards us */
  uint32_t buying_roles; /**< KAM_BUYER_* bits */
  double traits[3];      /**< observed dominance, people orientation, detail orientation,
                              0..1 each; NaN: not observed */
} kam_stakeholder;

/** A person's style profile (see the formulas at the top of this header). */
typedef struct kam_profile {
  uint32_t struct_size;   /**< set by the caller to sizeof(kam_profile) */
  int32_t role;           /**< the role given, or read from the title */
  double role_confidence; /**< 1 when given; from kam_role_from_title when read; 0 when unknown */
  double style[3];        /**< mix over KAM_STYLE_*, sums to 1 */
  int32_t primary_style;  /**< the largest share of style */
  double confidence;      /**< (1 - w) * 0.5 * role_confidence + w, w = 0.25 * traits observed */
} kam_profile;

/** Computes a profile without a DMU (what kam_dmu_add does for each person): the style mix of a
 *  role known with role_confidence, moved by traits (NULL: none observed; else 3 values, each
 *  0..1 or NaN). Fills the fields of *out that fit in out->struct_size (which must be at least
 *  sizeof(uint32_t)); out->role is set to role.
 *  @return KAM_OK; KAM_EINVAL (out NULL or struct_size too small, role not a KAM_ROLE_* value,
 *          role_confidence not in 0..1, a trait neither NaN nor in 0..1); *out untouched on
 *          error. Pure: any thread. */
KAM_API int kam_profile_compute(kam_profile *out, int32_t role, double role_confidence,
                              const double traits[3]);

/* ---------------------------------------------------------------------------------------- */
/* The decision-making unit                                                                  */

/** A DMU: an ordered list of stakeholders with their profiles. Opaque; belongs to its ctx. */
typedef struct kam_dmu kam_dmu;

/** Makes an empty DMU in ctx. @return KAM_OK; KAM_EINVAL (out or ctx NULL); KAM_ENOMEM.
 *  *out is NULL on failure. */
KAM_API int kam_dmu_new(kam_dmu **out, kam_ctx *ctx);

/** Frees a DMU and all it copied; NULL is a no-op. Borrowed strings die with it. */
KAM_API void kam_dmu_free(kam_dmu *d);

/** Adds a stakeholder (copied, strings included) and computes its profile: the role is s->role,
 *  or, when that is KAM_ROLE_UNKNOWN and a title is given, the role read from the title with its
 *  confidence.
 *
 *  Checks, in this order, naming the field in the ctx message ("stakeholder 3 (\"Иванова\"):
 *  influence 1.5 is not in 0..1"):
 *  - d and s not NULL, s->struct_size from sizeof(uint32_t) to 64 KiB       else KAM_EINVAL
 *  - role a KAM_ROLE_* value                                                else KAM_EINVAL
 *  - name, title, email, phone: NULL or valid UTF-8                         else KAM_EPARSE
 *  - influence NaN or in 0..1                                               else KAM_EINVAL
 *  - attitude in -5..+5                                                     else KAM_EINVAL
 *  - buying_roles only KAM_BUYER_* bits                                     else KAM_EINVAL
 *  - each trait NaN or in 0..1                                              else KAM_EINVAL
 *  @return KAM_OK, one of the above, or KAM_ENOMEM. A failing call leaves the DMU unchanged. */
KAM_API int kam_dmu_add(kam_dmu *d, const kam_stakeholder *s);

/* Options for kam_dmu_read_csv: kam_csv_options of kam/io.h (include it, or kam.h, to fill one). */
struct kam_csv_options;

/** Reads stakeholders from CSV text and adds them to d, after the people it already has, in the
 *  order of the rows. The same CSV reader as kam_portfolio_read_csv (kam/io.h) does the bytes:
 *  UTF-8 (a BOM is skipped; UTF-16 is an error), line ends CRLF, LF or CR, RFC 4180 quoted
 *  fields (with the delimiter, doubled quotes "" and line breaks inside), a first line "sep=X",
 *  the delimiter o->delimiter or else detected from the header line (';', TAB or ','), blank
 *  lines and lines of only delimiters skipped, spaces (also NBSP) around values dropped. Of the
 *  options only delimiter is used; decimal_mark, currency_digits and flags are ignored.
 *
 *  The first line is the header. Columns are found by name: case-insensitive (ASCII and
 *  Cyrillic; Ё = Е), '_' '-' '.' read as spaces, text from the first ',' or '(' on ignored
 *  ("Влияние (0..1)" is "влияние"). Other columns are ignored; two columns for one field are an
 *  error. A name or a title column is required. Cells and the kam_stakeholder field they fill:
 *  - name (name, full name, contact, имя, фио, контакт, контактное лицо, сотрудник),
 *    title (title, job title, position, должность), email (email, e-mail, почта, электронная
 *    почта), phone (phone, telephone, телефон, тел.): text; empty is NULL.
 *  - role (role, роль): a kam_role_name ("finance"); empty: read from the title.
 *  - influence (influence, влияние) and the traits dominance (dominance, доминантность),
 *    people (people, people orientation, ориентация на людей), detail (detail, detail
 *    orientation, ориентация на детали): a number with '.' or ',' as the decimal mark ("0,8"),
 *    or a percentage ("80 %"); empty is NaN (unknown, not observed).
 *  - attitude (attitude, отношение): a whole number ("+3", "-2"); empty is 0.
 *  - buying_roles (buying roles, buying influences, роли в закупке, роль в покупке, ...): a
 *    list for kam_buyer_role_parse ("economic; coach"); empty is none.
 *  Each row is then added by kam_dmu_add, so the values are checked exactly as there (influence
 *  and traits in 0..1, attitude in -5..+5, the role read from the title).
 *
 *  Errors: the ctx message names the line and the column, as the header writes it:
 *  `line 4, column "influence": stakeholder 3 ("Иванова"): influence 1.5 is not in 0..1`.
 *  Lines are physical lines counted from 1 (line breaks inside quoted fields count).
 *
 *  Atomicity: on any error nothing is added: the people d had before stay as they were.
 *
 *  Bounds: time linear in the input bytes; memory one record (at most 1 MiB, a field at most
 *  65536 bytes, at most 4096 fields: KAM_ELIMIT beyond) plus a 64 KiB read buffer, besides the
 *  stakeholders added (their strings are copied into d, as by kam_dmu_add).
 *
 *  @param d     the DMU to add to.
 *  @param read  called repeatedly for more input until it reports 0 bytes; any chunk size works.
 *  @param ud    passed to read.
 *  @param o     options (kam_csv_options, kam/io.h), or NULL for the defaults.
 *  @return KAM_OK (also for a header without rows: nothing added);
 *    KAM_EINVAL   d or read NULL, bad options (as for kam_portfolio_read_csv), read reported
 *                 more bytes than asked, or a value kam_dmu_add refuses (out of range);
 *    KAM_EPARSE   malformed input: empty, UTF-16, invalid UTF-8, a NUL byte, an unterminated
 *                 quoted field, text after a closing quote, more fields than the header has
 *                 columns (unless empty), no name or title column, two columns for one field,
 *                 a role that is not a role name, a number or list that cannot be read;
 *    KAM_ELIMIT   a limit above;
 *    KAM_ENOMEM;
 *    any nonzero value returned by read, unchanged. */
KAM_API int kam_dmu_read_csv(kam_dmu *d, kam_read_fn read, void *ud,
                             const struct kam_csv_options *o);

/** Number of stakeholders (0 for NULL). */
KAM_API size_t kam_dmu_count(const kam_dmu *d);

/** The stakeholder at index i (in the order added) as stored: strings are borrowed from the DMU
 *  (NULL where none was given) and valid until the DMU is freed; role is the role *given*
 *  (KAM_ROLE_UNKNOWN if it was read from the title: see kam_dmu_profile). Fills the fields that
 *  fit in out->struct_size.
 *  @return KAM_OK; KAM_EINVAL (d or out NULL, struct_size too small); KAM_ENOTFOUND (i >=
 *          count, with a message). */
KAM_API int kam_dmu_stakeholder(kam_stakeholder *out, const kam_dmu *d, size_t i);

/** The profile of the stakeholder at index i. Fills the fields that fit in out->struct_size
 *  (set it to sizeof(kam_profile)).
 *  @return KAM_OK; KAM_EINVAL (d or out NULL, struct_size too small); KAM_ENOTFOUND (i >= count,
 *          with a message naming the index and the count). */
KAM_API int kam_dmu_profile(kam_profile *out, const kam_dmu *d, size_t i);

/** How the DMU as a whole should be addressed: the influence-weighted mean of the members'
 *  style mixes, out[KAM_STYLE_*], summing to 1. Influence NaN counts as 0.5; if every influence
 *  is 0 each member counts equally. The proposal module orders its arguments by it.
 *  @return KAM_OK; KAM_EINVAL (d or out NULL); KAM_ESTATE for an empty DMU, with out set to the
 *          uniform mix (1/3 each) so a caller that ignores the status still gets a sane mix. */
KAM_API int kam_dmu_emphasis(double out[3], const kam_dmu *d);

/** Warning flags of kam_dmu_warnings; names "empty", "no_economic_buyer", "no_coach",
 *  "influential_opponent". */
enum {
  KAM_DMU_EMPTY = 1u << 0,
  KAM_DMU_NO_ECONOMIC_BUYER = 1u << 1,
  KAM_DMU_NO_COACH = 1u << 2,
  KAM_DMU_INFLUENTIAL_OPPONENT = 1u << 3
};

/** What is missing or dangerous in the DMU, as KAM_DMU_* bits in *out:
 *  - KAM_DMU_EMPTY: nobody has been added (then no other bit is set);
 *  - KAM_DMU_NO_ECONOMIC_BUYER: nobody has KAM_BUYER_ECONOMIC (who signs off the money?);
 *  - KAM_DMU_NO_COACH: nobody has KAM_BUYER_COACH (nobody guides us inside the client);
 *  - KAM_DMU_INFLUENTIAL_OPPONENT: someone has attitude <= -3 and influence >= 0.6.
 *  Buying roles are taken only as given: they are not guessed from job titles.
 *  @return KAM_OK; KAM_EINVAL (out or d NULL). */
KAM_API int kam_dmu_warnings(uint32_t *out, const kam_dmu *d);

/** The name of one warning flag ("empty", "no_economic_buyer", "no_coach",
 *  "influential_opponent"); NULL if flag is not exactly one KAM_DMU_* bit. Static storage. */
KAM_API const char *kam_dmu_warning_name(uint32_t flag);

#ifdef __cplusplus
}
#endif
#endif /* KAM_DMU_H */
