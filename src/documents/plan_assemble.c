/* plan_assemble.c - what a key account plan derives (objective status, white space, coverage,
 * risk exposure), its checks (kam/finding.h), its model (kam_plan_to_value) and rendering.
 * Money is exact: sums in int64 minor units with overflow checks, exposure and shares through
 * kam__round_div (half away from zero). Ratios that are not money (progress) are doubles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents/plan_internal.h"

#define NOT_FOUND ((size_t)-1)
#define STALE_DAYS 90
#define AT_RISK_MARGIN 0.15

enum { OBJ_ACHIEVED, OBJ_OVERDUE, OBJ_AT_RISK, OBJ_ON_TRACK };
static const char *const objective_statuses[] = {"achieved", "overdue", "at_risk", "on_track"};

const char *kam_severity_name(int32_t severity) {
  static const char *const names[] = {"error", "warning", "info"};
  return severity >= 0 && severity < KAM_SEVERITY_COUNT ? names[severity] : NULL;
}

/* ---- lookups and derived figures --------------------------------------------------------- */

static const char *text_of(const kam__rec *r, int i) {
  return KAM__HAS(r, i) ? r->f[i].text : NULL;
}

/* The index of the record of l whose text field i is name, or NOT_FOUND. */
static size_t find(const kam__recs *l, int i, const char *name) {
  size_t k;
  if (!name) return NOT_FOUND;
  for (k = 0; k < l->len; k++)
    if (KAM__HAS(&l->data[k], i) && !strcmp(l->data[k].f[i].text, name)) return k;
  return NOT_FOUND;
}

static bool is_team_member(const kam_plan *plan, const char *name) {
  const char *owner = text_of(&plan->owner, PERSON_NAME);
  return name &&
         ((owner && !strcmp(owner, name)) || find(&plan->team, PERSON_NAME, name) != NOT_FOUND);
}

static size_t find_stakeholder(const kam_plan *plan, const char *name) {
  size_t k;
  if (!name) return NOT_FOUND;
  for (k = 0; k < kam_dmu_count(kam__proposal_dmu(plan->people)); k++) {
    const kam_stakeholder st = kam__proposal_stakeholder(plan->people, k), *s = &st;
    if (s->name && !strcmp(s->name, name)) return k;
  }
  return NOT_FOUND;
}

static double dec_double(const kam__rec *r, int i, double absent) {
  double v;
  if (!KAM__HAS(r, i) || !kam__parse_double(&v, r->f[i].text, strlen(r->f[i].text))) return absent;
  return v;
}

typedef struct objective_state {
  double progress, expected;
  int status;
} objective_state;

static void objective_derive(const kam_plan *plan, const kam__rec *o, objective_state *st) {
  double base = dec_double(o, OBJ_BASELINE, 0), target = dec_double(o, OBJ_TARGET, 0);
  double current = dec_double(o, OBJ_CURRENT, base);
  bool has_due = KAM__HAS(o, OBJ_DUE) != 0;
  kam_date due = o->f[OBJ_DUE].date;
  if (target == base)
    st->progress = current == target ? 1 : 0;
  else
    st->progress = (current - base) / (target - base);
  st->expected = 0;
  if (plan->has_as_of && has_due && KAM__HAS(&plan->period, PERIOD_FROM)) {
    kam_date from = plan->period.f[PERIOD_FROM].date;
    if (due <= from)
      st->expected = plan->as_of >= due ? 1 : 0;
    else
      st->expected = ((double)plan->as_of - from) / ((double)due - from);
    if (st->expected < 0) st->expected = 0;
    if (st->expected > 1) st->expected = 1;
  }
  if (st->progress >= 1)
    st->status = OBJ_ACHIEVED;
  else if (plan->has_as_of && has_due && due < plan->as_of)
    st->status = OBJ_OVERDUE;
  else if (st->progress < st->expected - AT_RISK_MARGIN)
    st->status = OBJ_AT_RISK;
  else
    st->status = OBJ_ON_TRACK;
}

/* The white space: our revenue per unit and offering, totals and counts, and for the heat
 * table the cell of each (unit, offering). */
typedef struct white_space {
  int64_t *unit_ours, *offering_ours;
  size_t *grid; /* units x offerings: a cell index or NOT_FOUND */
  int64_t spend, ours;
  size_t counts[CELL_STATUS_COUNT];
} white_space;

static void white_space_free(kam_ctx *ctx, const kam_plan *plan, white_space *w) {
  if (w->unit_ours) kam__free(ctx, w->unit_ours, plan->units.len * sizeof(int64_t));
  if (w->offering_ours) kam__free(ctx, w->offering_ours, plan->offerings.len * sizeof(int64_t));
  if (w->grid) kam__free(ctx, w->grid, plan->units.len * plan->offerings.len * sizeof(size_t));
}

static int white_space_derive(const kam_plan *plan, white_space *w) {
  kam_ctx *ctx = plan->ctx;
  size_t nu = plan->units.len, no = plan->offerings.len, i;
  memset(w, 0, sizeof *w);
  if ((nu && !(w->unit_ours = (int64_t *)kam__alloc_array(ctx, nu, sizeof(int64_t)))) ||
      (no && !(w->offering_ours = (int64_t *)kam__alloc_array(ctx, no, sizeof(int64_t)))) ||
      (nu && no &&
       (no > SIZE_MAX / nu ||
        !(w->grid = (size_t *)kam__alloc_array(ctx, nu * no, sizeof(size_t)))))) {
    white_space_free(ctx, plan, w);
    memset(w, 0, sizeof *w);
    return kam__nomem(ctx);
  }
  if (nu) memset(w->unit_ours, 0, nu * sizeof(int64_t));
  if (no) memset(w->offering_ours, 0, no * sizeof(int64_t));
  for (i = 0; i < nu * no; i++)
    w->grid[i] = NOT_FOUND;
  for (i = 0; i < nu; i++)
    if (kam__add_i64(&w->spend, w->spend, plan->units.data[i].f[UNIT_SPEND].minor))
      return kam__error(ctx, KAM_EOVERFLOW,
                        "white_space.units[%zu].spend: the total spend is too large", i);
  for (i = 0; i < plan->cells.len; i++) {
    const kam__rec *c = &plan->cells.data[i];
    size_t u = find(&plan->units, UNIT_ID, text_of(c, CELL_UNIT));
    size_t o = find(&plan->offerings, OFF_ID, text_of(c, CELL_OFFERING));
    int64_t ours = KAM__HAS(c, CELL_OURS) ? c->f[CELL_OURS].minor : 0;
    if (KAM__HAS(c, CELL_STATUS)) w->counts[c->f[CELL_STATUS].n]++;
    if (u == NOT_FOUND || o == NOT_FOUND) continue;               /* unknown_reference */
    if (!w->grid || !w->unit_ours || !w->offering_ours) continue; /* (allocated when nu, no) */
    if (w->grid[u * no + o] == NOT_FOUND) w->grid[u * no + o] = i;
    if (kam__add_i64(&w->unit_ours[u], w->unit_ours[u], ours) ||
        kam__add_i64(&w->offering_ours[o], w->offering_ours[o], ours) ||
        kam__add_i64(&w->ours, w->ours, ours))
      return kam__error(ctx, KAM_EOVERFLOW, "white_space.cells[%zu].ours: our revenue is too large",
                        i);
  }
  return KAM_OK;
}

/* exposure = round(probability x impact), exact. */
static int risk_exposure(const kam__rec *r, int64_t *out) {
  kam__decimal p = {0, 0};
  kam__i128 den = 1;
  int k;
  *out = 0;
  if (!KAM__HAS(r, RISK_PROBABILITY) || !KAM__HAS(r, RISK_IMPACT)) return KAM_OK;
  if (kam__decimal_parse(&p, r->f[RISK_PROBABILITY].text, strlen(r->f[RISK_PROBABILITY].text)))
    return KAM_EOVERFLOW;
  for (k = 0; k < p.scale; k++)
    den *= 10;
  return kam__round_div(out, (kam__i128)r->f[RISK_IMPACT].minor * p.coef, den);
}

/* ---- checks ------------------------------------------------------------------------------ */

typedef struct checker {
  const kam_plan *plan;
  bool ru;
  kam_finding_fn fn;
  void *ud;
} checker;

static int report(checker *c, int32_t severity, const char *code, const char *path, const char *ru,
                  const char *en, const char *arg) {
  return kam__finding_report(c->fn, c->ud, c->ru, severity, code, path, ru, en, arg ? arg : "—");
}

#define WARN(c, code, path, ru, en, arg) report(c, KAM_SEVERITY_WARNING, code, path, ru, en, arg)

static int check_references(checker *c) {
  const kam_plan *plan = c->plan;
  char path[96];
  size_t i;
  int rc = KAM_OK;
  for (i = 0; !rc && i < plan->relationships.len; i++) {
    const kam__rec *r = &plan->relationships.data[i];
    const char *s = text_of(r, REL_STAKEHOLDER), *m = text_of(r, REL_TEAM_MEMBER);
    if (find_stakeholder(plan, s) == NOT_FOUND) {
      snprintf(path, sizeof path, "relationships[%zu].stakeholder", i);
      rc = report(c, KAM_SEVERITY_ERROR, "unknown_reference", path, "нет участника закупки «%s»",
                  "no stakeholder named '%s'", s);
    }
    if (!rc && !is_team_member(plan, m)) {
      snprintf(path, sizeof path, "relationships[%zu].team_member", i);
      rc = report(c, KAM_SEVERITY_ERROR, "unknown_reference", path, "в команде нет «%s»",
                  "no team member named '%s'", m);
    }
  }
  for (i = 0; !rc && i < plan->cells.len; i++) {
    const kam__rec *r = &plan->cells.data[i];
    const char *u = text_of(r, CELL_UNIT), *o = text_of(r, CELL_OFFERING);
    if (find(&plan->units, UNIT_ID, u) == NOT_FOUND) {
      snprintf(path, sizeof path, "white_space.cells[%zu].unit", i);
      rc = report(c, KAM_SEVERITY_ERROR, "unknown_reference", path, "нет подразделения с id «%s»",
                  "no unit with id '%s'", u);
    }
    if (!rc && find(&plan->offerings, OFF_ID, o) == NOT_FOUND) {
      snprintf(path, sizeof path, "white_space.cells[%zu].offering", i);
      rc = report(c, KAM_SEVERITY_ERROR, "unknown_reference", path, "нет предложения с id «%s»",
                  "no offering with id '%s'", o);
    }
  }
  for (i = 0; !rc && i < plan->actions.len; i++) {
    const char *o = text_of(&plan->actions.data[i], ACT_OBJECTIVE);
    if (o && find(&plan->objectives, OBJ_TITLE, o) == NOT_FOUND) {
      snprintf(path, sizeof path, "actions[%zu].objective", i);
      rc = report(c, KAM_SEVERITY_ERROR, "unknown_reference", path, "нет цели «%s»",
                  "no objective titled '%s'", o);
    }
  }
  return rc;
}

static bool decision_maker(const kam_stakeholder *s) { return s->influence >= 0.5; }

static int check_coverage(checker *c) {
  const kam_plan *plan = c->plan;
  const kam_proposal *pp = plan->people;
  const char *only = NULL;
  bool several = false, economic = false, coach = false;
  char path[96];
  size_t i, k;
  int rc = KAM_OK;
  for (i = 0; !rc && i < kam_dmu_count(kam__proposal_dmu(pp)); i++) {
    const kam_stakeholder st = kam__proposal_stakeholder(pp, i), *s = &st;
    bool covered = false;
    economic |= (s->buying_roles & KAM_BUYER_ECONOMIC) != 0;
    coach |= (s->buying_roles & KAM_BUYER_COACH) != 0;
    for (k = 0; s->name && k < plan->relationships.len; k++) {
      const kam__rec *r = &plan->relationships.data[k];
      const char *m = text_of(r, REL_TEAM_MEMBER);
      if (!text_of(r, REL_STAKEHOLDER) || strcmp(text_of(r, REL_STAKEHOLDER), s->name) != 0 ||
          !is_team_member(plan, m))
        continue;
      covered = true;
      if (decision_maker(s)) {
        if (!only)
          only = m;
        else if (strcmp(only, m) != 0)
          several = true;
      }
    }
    if (!covered && decision_maker(s)) {
      snprintf(path, sizeof path, "stakeholders[%zu]", i);
      rc = WARN(c, "uncovered_stakeholder", path,
                "%s (влияние от 0,5) не закреплён ни за кем из команды",
                "%s (influence 0.5 or more) is not covered by anyone on our team", s->name);
    }
  }
  if (!rc && only && !several)
    rc = WARN(c, "single_threaded", "relationships",
              "все лица, принимающие решения, завязаны только на %s",
              "every covered decision-maker is covered by %s alone", only);
  for (i = 0; !rc && plan->has_as_of && i < plan->relationships.len; i++) {
    const kam__rec *r = &plan->relationships.data[i];
    if (KAM__HAS(r, REL_LAST_CONTACT) &&
        (int64_t)plan->as_of - r->f[REL_LAST_CONTACT].date > STALE_DAYS) {
      snprintf(path, sizeof path, "relationships[%zu].last_contact", i);
      rc = WARN(c, "stale_relationship", path, "%s: последний контакт более 90 дней назад",
                "%s: the last contact was more than 90 days ago", text_of(r, REL_STAKEHOLDER));
    }
  }
  if (!rc && !economic)
    rc = WARN(c, "no_economic_buyer", "stakeholders", "не определён экономический покупатель%s",
              "no economic buyer is identified%s", "");
  if (!rc && !coach)
    rc = WARN(c, "no_coach", "stakeholders", "нет коуча (союзника у клиента)%s",
              "no coach (an ally inside the client) is identified%s", "");
  return rc;
}

static int check_work(checker *c) {
  const kam_plan *plan = c->plan;
  char path[96];
  size_t i, k;
  int rc = KAM_OK;
  if (!plan->objectives.len)
    rc = WARN(c, "no_objectives", "objectives", "в плане нет целей%s",
              "the plan has no objectives%s", "");
  for (i = 0; !rc && i < plan->objectives.len; i++) {
    objective_state st;
    const kam__rec *o = &plan->objectives.data[i];
    objective_derive(plan, o, &st);
    if (st.status == OBJ_OVERDUE) {
      snprintf(path, sizeof path, "objectives[%zu].due", i);
      rc = WARN(c, "objective_overdue", path, "цель «%s» просрочена", "objective '%s' is overdue",
                text_of(o, OBJ_TITLE));
    } else if (st.status == OBJ_AT_RISK) {
      snprintf(path, sizeof path, "objectives[%zu]", i);
      rc = WARN(c, "objective_at_risk", path, "цель «%s» отстаёт от графика",
                "objective '%s' is behind schedule", text_of(o, OBJ_TITLE));
    }
  }
  for (i = 0; !rc && i < plan->actions.len; i++) {
    const kam__rec *a = &plan->actions.data[i];
    bool open = !KAM__HAS(a, ACT_STATUS) || a->f[ACT_STATUS].n == ACTION_OPEN;
    if (open && plan->has_as_of && KAM__HAS(a, ACT_DUE) && a->f[ACT_DUE].date < plan->as_of) {
      snprintf(path, sizeof path, "actions[%zu].due", i);
      rc = WARN(c, "action_overdue", path, "действие «%s» просрочено", "action '%s' is overdue",
                text_of(a, ACT_TITLE));
    }
    if (!rc && open && (!text_of(a, ACT_OWNER) || !*text_of(a, ACT_OWNER))) {
      snprintf(path, sizeof path, "actions[%zu].owner", i);
      rc = WARN(c, "action_without_owner", path, "у действия «%s» нет ответственного",
                "action '%s' has no owner", text_of(a, ACT_TITLE));
    }
  }
  for (i = 0; !rc && i < plan->competitors.len; i++) {
    const kam__rec *m = &plan->competitors.data[i];
    const char *name = text_of(m, COMP_NAME);
    bool holds = false;
    if (!name || !KAM__HAS(m, COMP_THREAT) || m->f[COMP_THREAT].n != THREAT_HIGH) continue;
    for (k = 0; !holds && k < plan->cells.len; k++) {
      const kam__rec *cell = &plan->cells.data[k];
      holds = KAM__HAS(cell, CELL_STATUS) && cell->f[CELL_STATUS].n == CELL_COMPETITOR_HELD &&
              text_of(cell, CELL_COMPETITOR) && !strcmp(text_of(cell, CELL_COMPETITOR), name);
    }
    if (holds) {
      snprintf(path, sizeof path, "competitors[%zu]", i);
      rc = WARN(c, "high_threat_competitor", path,
                "%s — высокая угроза и уже занимает часть аккаунта",
                "%s is a high threat and already holds part of the account", name);
    }
  }
  return rc;
}

int kam_plan_check(const kam_plan *plan, kam_finding_fn fn, void *ud) {
  checker c;
  int rc;
  if (!plan || !fn) return KAM_EINVAL;
  c.plan = plan;
  c.ru = strcmp(plan->people->lang, "en") != 0;
  c.fn = fn;
  c.ud = ud;
  if ((rc = check_references(&c)) || (rc = check_coverage(&c)) || (rc = check_work(&c))) return rc;
  return KAM_OK;
}

/* ---- the model --------------------------------------------------------------------------- */

static const char *const labels[][3] = {
    {"plan", "План работы с ключевым клиентом", "Key account plan"},
    {"as_of", "По состоянию на", "As of"},
    {"period", "Период", "Period"},
    {"account", "Клиент", "Account"},
    {"group", "Группа", "Group"},
    {"context", "Досье", "Dossier"},
    {"revenue", "Выручка", "Revenue"},
    {"account_share", "Доля в портфеле", "Share of portfolio"},
    {"trend", "Тренд", "Trend"},
    {"margin", "Маржа", "Margin"},
    {"owner", "Менеджер по ключевому клиенту", "Key account manager"},
    {"team", "Команда", "Team"},
    {"objectives", "Цели", "Objectives"},
    {"objective", "Цель", "Objective"},
    {"metric", "Показатель", "Metric"},
    {"baseline", "База", "Baseline"},
    {"target", "Целевое значение", "Target"},
    {"current", "Текущее", "Current"},
    {"due", "Срок", "Due"},
    {"progress", "Прогресс", "Progress"},
    {"expected", "План на дату", "Expected"},
    {"status", "Статус", "Status"},
    {"responsible", "Ответственный", "Owner"},
    {"white_space", "Белые пятна и доля кошелька", "White space and share of wallet"},
    {"unit", "Подразделение", "Unit"},
    {"spend", "Расходы клиента", "Client spend"},
    {"ours", "Наша выручка", "Our revenue"},
    {"share", "Доля кошелька", "Share of wallet"},
    {"headroom", "Потенциал роста", "Headroom"},
    {"total", "Итого", "Total"},
    {"stakeholders", "Лица, принимающие решения, и покрытие", "Stakeholders and coverage"},
    {"name", "Имя", "Name"},
    {"role", "Роль", "Role"},
    {"influence", "Влияние", "Influence"},
    {"covered_by", "Кто ведёт", "Covered by"},
    {"strength", "Сила связи", "Strength"},
    {"last_contact", "Последний контакт", "Last contact"},
    {"days", "дн. назад", "days ago"},
    {"not_covered", "не закреплён", "not covered"},
    {"competitors", "Конкуренты", "Competitors"},
    {"threat", "Угроза", "Threat"},
    {"position", "Позиция", "Position"},
    {"strengths", "Сильные стороны", "Strengths"},
    {"weaknesses", "Слабые стороны", "Weaknesses"},
    {"opportunities", "Возможности", "Opportunities"},
    {"threats", "Угрозы", "Threats"},
    {"swot", "SWOT-анализ", "SWOT"},
    {"risks", "Риски", "Risks"},
    {"probability", "Вероятность", "Probability"},
    {"impact", "Ущерб", "Impact"},
    {"exposure", "Ожидаемый ущерб", "Exposure"},
    {"mitigation", "Меры", "Mitigation"},
    {"actions", "Действия", "Actions"},
    {"findings", "Замечания", "Findings"},
    {NULL, NULL, NULL}};

static const char *const status_texts[][2] = {{"достигнута", "achieved"},
                                              {"просрочена", "overdue"},
                                              {"под угрозой", "at risk"},
                                              {"по плану", "on track"}};
static const char *const cell_texts[][2] = {{"наше", "owned"},
                                            {"в работе", "pipeline"},
                                            {"пробел", "gap"},
                                            {"у конкурента", "competitor"},
                                            {"неприменимо", "n/a"}};
static const char *const threat_texts[][2] = {
    {"низкая", "low"}, {"средняя", "medium"}, {"высокая", "high"}};
static const char *const action_texts[][2] = {
    {"открыто", "open"}, {"выполнено", "done"}, {"отменено", "cancelled"}};

typedef struct pa {
  kam__vb b;
  const kam_plan *plan;
  bool ru;
} pa;

static kam_value *set(pa *a, kam_value *o, const char *key, kam_value *v) {
  return kam__vb_set(&a->b, o, key, v);
}
static void set_str(pa *a, kam_value *o, const char *key, const char *s) {
  set(a, o, key, kam__vb_str(&a->b, s));
}
static void set_bool(pa *a, kam_value *o, const char *key, bool t) {
  set(a, o, key, kam__vb_bool(&a->b, t));
}
static void set_int(pa *a, kam_value *o, const char *key, int64_t v) {
  set(a, o, key, kam__vb_int(&a->b, v));
}
static kam_value *money(pa *a, int64_t minor) {
  return kam__model_money(&a->b, a->plan->people, minor);
}
static kam_value *date_of(pa *a, const kam__rec *r, int i) {
  return KAM__HAS(r, i) ? kam__model_date(&a->b, a->plan->people, r->f[i].date)
                        : kam__vb_null(&a->b);
}

/* {"value": the exact decimal, "text": localised} or null. */
static kam_value *decimal_of(pa *a, const kam__rec *r, int i) {
  char text[96];
  kam_value *o;
  if (!KAM__HAS(r, i)) return kam__vb_null(&a->b);
  o = kam__vb_obj(&a->b);
  kam__model_localise(text, sizeof text, r->f[i].text, a->ru);
  set(a, o, "value", kam__vb_num_text(&a->b, r->f[i].text));
  set_str(a, o, "text", text);
  return o;
}

/* A ratio {"value": 0.125, "text": "12,5 %"} from tenths of a percent. */
static kam_value *ratio_permille(pa *a, double value, int64_t permille) {
  char plain[48], text[96];
  kam_value *o = kam__vb_obj(&a->b);
  size_t n;
  int64_t whole = permille / 10, tenth = permille % 10;
  if (tenth < 0) tenth = -tenth;
  if (tenth)
    snprintf(plain, sizeof plain, "%s%lld.%lld", permille < 0 && whole == 0 ? "-" : "",
             (long long)whole, (long long)tenth);
  else
    snprintf(plain, sizeof plain, "%lld", (long long)whole);
  kam__model_localise(text, sizeof text - 8, plain, a->ru);
  n = strlen(text);
  snprintf(text + n, sizeof text - n, "%s", a->ru ? "\xC2\xA0%" : "%");
  set(a, o, "value", kam__vb_double(&a->b, value));
  set_str(a, o, "text", text);
  return o;
}

static kam_value *no_ratio(pa *a) {
  kam_value *o = kam__vb_obj(&a->b);
  set(a, o, "value", kam__vb_null(&a->b));
  set_str(a, o, "text", "—");
  return o;
}

static kam_value *ratio_double(pa *a, double v) {
  double scaled = v * 1000;
  if (!(scaled > -1e15 && scaled < 1e15)) return no_ratio(a);
  return ratio_permille(a, v, (int64_t)(scaled < 0 ? scaled - 0.5 : scaled + 0.5));
}

/* ours / spend exactly to tenths of a percent; no share for zero spend. */
static kam_value *share(pa *a, int64_t ours, int64_t spend) {
  int64_t permille;
  if (spend <= 0 || kam__round_div(&permille, (kam__i128)ours * 1000, spend)) return no_ratio(a);
  return ratio_permille(a, (double)ours / (double)spend, permille);
}

static kam_value *person(pa *a, const kam__rec *r) {
  kam_value *o = kam__vb_obj(&a->b);
  set_str(a, o, "name", text_of(r, PERSON_NAME));
  set_str(a, o, "position", text_of(r, PERSON_POSITION));
  set_str(a, o, "department", text_of(r, PERSON_DEPARTMENT));
  set_str(a, o, "phone", text_of(r, PERSON_PHONE));
  set_str(a, o, "email", text_of(r, PERSON_EMAIL));
  return o;
}

static void account_value(pa *a, kam_value *root) {
  const kam__rec *r = &a->plan->account;
  kam_value *o = set(a, root, "account", kam__vb_obj(&a->b));
  set_str(a, o, "name", text_of(r, ACC_NAME));
  set_str(a, o, "id", text_of(r, ACC_ID));
  set_str(a, o, "group", text_of(r, ACC_GROUP));
  set_str(a, o, "context", text_of(r, ACC_CONTEXT));
  set(a, o, "revenue",
      KAM__HAS(r, ACC_REVENUE) ? money(a, r->f[ACC_REVENUE].minor) : kam__vb_null(&a->b));
  set(a, o, "share",
      KAM__HAS(r, ACC_SHARE) ? ratio_double(a, dec_double(r, ACC_SHARE, 0)) : kam__vb_null(&a->b));
  set_str(a, o, "abc", text_of(r, ACC_ABC));
  set_str(a, o, "xyz", text_of(r, ACC_XYZ));
  set(a, o, "trend",
      KAM__HAS(r, ACC_TREND) ? ratio_double(a, dec_double(r, ACC_TREND, 0)) : kam__vb_null(&a->b));
  set(a, o, "margin",
      KAM__HAS(r, ACC_MARGIN) ? ratio_double(a, dec_double(r, ACC_MARGIN, 0))
                              : kam__vb_null(&a->b));
}

static void objectives_value(pa *a, kam_value *root) {
  const kam_plan *plan = a->plan;
  kam_value *arr = set(a, root, "objectives", kam__vb_arr(&a->b));
  size_t i;
  for (i = 0; i < plan->objectives.len; i++) {
    const kam__rec *r = &plan->objectives.data[i];
    kam_value *o = kam__vb_push(&a->b, arr, kam__vb_obj(&a->b));
    objective_state st;
    objective_derive(plan, r, &st);
    set_int(a, o, "n", (int64_t)i + 1);
    set_str(a, o, "title", text_of(r, OBJ_TITLE));
    set_str(a, o, "metric", text_of(r, OBJ_METRIC));
    set_str(a, o, "unit", text_of(r, OBJ_UNIT));
    set(a, o, "baseline", decimal_of(a, r, OBJ_BASELINE));
    set(a, o, "target", decimal_of(a, r, OBJ_TARGET));
    set(a, o, "current", decimal_of(a, r, OBJ_CURRENT));
    set(a, o, "due", date_of(a, r, OBJ_DUE));
    set_str(a, o, "owner", text_of(r, OBJ_OWNER));
    set(a, o, "progress", ratio_double(a, st.progress));
    set(a, o, "expected", ratio_double(a, st.expected));
    set_str(a, o, "status", objective_statuses[st.status]);
    set_str(a, o, "status_text", status_texts[st.status][a->ru ? 0 : 1]);
    set_bool(a, o, "is_achieved", st.status == OBJ_ACHIEVED);
    set_bool(a, o, "is_overdue", st.status == OBJ_OVERDUE);
    set_bool(a, o, "is_at_risk", st.status == OBJ_AT_RISK);
    set_bool(a, o, "is_on_track", st.status == OBJ_ON_TRACK);
  }
  set_bool(a, root, "has_objectives", plan->objectives.len > 0);
}

static void white_space_value(pa *a, kam_value *root, const white_space *w) {
  const kam_plan *plan = a->plan;
  size_t no = plan->offerings.len, i, k;
  int64_t headroom;
  kam_value *ws = set(a, root, "white_space", kam__vb_obj(&a->b));
  kam_value *offerings = set(a, ws, "offerings", kam__vb_arr(&a->b));
  kam_value *units = set(a, ws, "units", kam__vb_arr(&a->b)), *t, *counts;
  for (k = 0; k < no; k++) {
    kam_value *o = kam__vb_push(&a->b, offerings, kam__vb_obj(&a->b));
    set_str(a, o, "id", text_of(&plan->offerings.data[k], OFF_ID));
    set_str(a, o, "name", text_of(&plan->offerings.data[k], OFF_NAME));
    set(a, o, "ours", money(a, w->offering_ours[k]));
    set(a, o, "share", share(a, w->offering_ours[k], w->spend));
  }
  for (i = 0; i < plan->units.len; i++) {
    const kam__rec *r = &plan->units.data[i];
    int64_t spend = r->f[UNIT_SPEND].minor;
    kam_value *u = kam__vb_push(&a->b, units, kam__vb_obj(&a->b)), *cells;
    set_str(a, u, "id", text_of(r, UNIT_ID));
    set_str(a, u, "name", text_of(r, UNIT_NAME));
    set(a, u, "spend", money(a, spend));
    set(a, u, "ours", money(a, w->unit_ours[i]));
    set(a, u, "share", share(a, w->unit_ours[i], spend));
    /* spend and ours are >= 0, so the difference fits */
    set(a, u, "headroom", money(a, spend - w->unit_ours[i]));
    cells = set(a, u, "cells", kam__vb_arr(&a->b));
    for (k = 0; k < no; k++) {
      size_t ci = w->grid[i * no + k];
      const kam__rec *c = ci == NOT_FOUND ? NULL : &plan->cells.data[ci];
      kam_value *o = kam__vb_push(&a->b, cells, kam__vb_obj(&a->b));
      int32_t st = c && KAM__HAS(c, CELL_STATUS) ? c->f[CELL_STATUS].n : -1;
      set_str(a, o, "offering", text_of(&plan->offerings.data[k], OFF_ID));
      set_str(a, o, "status", st < 0 ? "" : kam__plan_cell_statuses[st]);
      set_str(a, o, "status_text", st < 0 ? "" : cell_texts[st][a->ru ? 0 : 1]);
      set(a, o, "ours",
          c && KAM__HAS(c, CELL_OURS) ? money(a, c->f[CELL_OURS].minor) : kam__vb_null(&a->b));
      set_str(a, o, "competitor", c ? text_of(c, CELL_COMPETITOR) : NULL);
    }
  }
  t = set(a, ws, "total", kam__vb_obj(&a->b));
  set(a, t, "spend", money(a, w->spend));
  set(a, t, "ours", money(a, w->ours));
  set(a, t, "share", share(a, w->ours, w->spend));
  if (kam__sub_i64(&headroom, w->spend, w->ours)) headroom = 0; /* both >= 0: cannot happen */
  set(a, t, "headroom", money(a, headroom));
  counts = set(a, ws, "counts", kam__vb_obj(&a->b));
  for (k = 0; k < CELL_STATUS_COUNT; k++)
    set_int(a, counts, kam__plan_cell_statuses[k], (int64_t)w->counts[k]);
  set_bool(a, ws, "has_units", plan->units.len > 0);
}

/* The stakeholders as the proposal's DMU typed them (role read from the title, style). */
static int stakeholders_value(pa *a, kam_value *root) {
  const kam_plan *plan = a->plan;
  const kam_proposal *pp = plan->people;
  const kam_dmu *dmu = kam__proposal_dmu(pp); /* typed as the stakeholders were added */
  kam_value *arr = set(a, root, "stakeholders", kam__vb_arr(&a->b));
  size_t i, k;
  int rc = KAM_OK;
  for (i = 0; !rc && i < kam_dmu_count(dmu); i++) {
    const kam_stakeholder st = kam__proposal_stakeholder(pp, i), *s = &st;
    kam_value *o = kam__vb_push(&a->b, arr, kam__vb_obj(&a->b)), *by;
    kam_profile prof;
    int32_t best = -1;
    bool has_last = false;
    kam_date last = 0;
    prof.struct_size = sizeof prof;
    if ((rc = kam_dmu_profile(&prof, dmu, i))) break;
    set_str(a, o, "name", s->name);
    set_str(a, o, "title", s->title);
    set_str(a, o, "role", kam_role_name(prof.role));
    set_str(a, o, "style", kam_style_name(prof.primary_style));
    set(a, o, "influence",
        s->influence >= 0 ? kam__vb_double(&a->b, s->influence) : kam__vb_null(&a->b));
    set_int(a, o, "attitude", s->attitude);
    set_bool(a, o, "is_economic", (s->buying_roles & KAM_BUYER_ECONOMIC) != 0);
    set_bool(a, o, "is_coach", (s->buying_roles & KAM_BUYER_COACH) != 0);
    set_bool(a, o, "is_decision_maker", s->influence >= 0.5);
    by = set(a, o, "covered_by", kam__vb_arr(&a->b));
    for (k = 0; s->name && k < plan->relationships.len; k++) {
      const kam__rec *r = &plan->relationships.data[k];
      kam_value *c;
      if (!text_of(r, REL_STAKEHOLDER) || strcmp(text_of(r, REL_STAKEHOLDER), s->name) != 0 ||
          !is_team_member(plan, text_of(r, REL_TEAM_MEMBER)))
        continue;
      c = kam__vb_push(&a->b, by, kam__vb_obj(&a->b));
      set_str(a, c, "team_member", text_of(r, REL_TEAM_MEMBER));
      set(a, c, "strength",
          KAM__HAS(r, REL_STRENGTH) ? kam__vb_int(&a->b, r->f[REL_STRENGTH].n)
                                    : kam__vb_null(&a->b));
      if (KAM__HAS(r, REL_STRENGTH) && r->f[REL_STRENGTH].n > best) best = r->f[REL_STRENGTH].n;
      if (KAM__HAS(r, REL_LAST_CONTACT) && (!has_last || r->f[REL_LAST_CONTACT].date > last)) {
        last = r->f[REL_LAST_CONTACT].date;
        has_last = true;
      }
    }
    set_bool(a, o, "covered", kam_value_length(by) > 0);
    set(a, o, "best_strength", best >= 0 ? kam__vb_int(&a->b, best) : kam__vb_null(&a->b));
    set(a, o, "last_contact", has_last ? kam__model_date(&a->b, pp, last) : kam__vb_null(&a->b));
    set(a, o, "days_since",
        has_last && plan->has_as_of ? kam__vb_int(&a->b, (int64_t)plan->as_of - last)
                                    : kam__vb_null(&a->b));
  }
  set_bool(a, root, "has_stakeholders", kam_dmu_count(dmu) > 0);
  return rc;
}

/* Sets root[key] to an array of one object per record of l, each filled by fill (i from 0). */
static void recs_value(pa *a, kam_value *root, const char *key, const kam__recs *l,
                       void (*fill)(pa *a, kam_value *o, const kam__rec *r, size_t i)) {
  kam_value *arr = set(a, root, key, kam__vb_arr(&a->b));
  size_t i;
  for (i = 0; i < l->len; i++)
    fill(a, kam__vb_push(&a->b, arr, kam__vb_obj(&a->b)), &l->data[i], i);
}

static void relationship_value(pa *a, kam_value *o, const kam__rec *r, size_t i) {
  const kam_plan *plan = a->plan;
  (void)i;
  set_str(a, o, "stakeholder", text_of(r, REL_STAKEHOLDER));
  set_str(a, o, "team_member", text_of(r, REL_TEAM_MEMBER));
  set(a, o, "strength",
      KAM__HAS(r, REL_STRENGTH) ? kam__vb_int(&a->b, r->f[REL_STRENGTH].n) : kam__vb_null(&a->b));
  set(a, o, "last_contact", date_of(a, r, REL_LAST_CONTACT));
  set(a, o, "days_since",
      KAM__HAS(r, REL_LAST_CONTACT) && plan->has_as_of
          ? kam__vb_int(&a->b, (int64_t)plan->as_of - r->f[REL_LAST_CONTACT].date)
          : kam__vb_null(&a->b));
}

static void competitor_value(pa *a, kam_value *o, const kam__rec *r, size_t i) {
  int32_t th = KAM__HAS(r, COMP_THREAT) ? r->f[COMP_THREAT].n : -1;
  set_str(a, o, "name", text_of(r, COMP_NAME));
  set_str(a, o, "threat", th < 0 ? NULL : kam__plan_threats[th]);
  set_str(a, o, "threat_text", th < 0 ? NULL : threat_texts[th][a->ru ? 0 : 1]);
  set_bool(a, o, "is_high", th == THREAT_HIGH);
  set_str(a, o, "position", text_of(r, COMP_POSITION));
  set_str(a, o, "strengths", text_of(r, COMP_STRENGTHS));
  set_str(a, o, "weaknesses", text_of(r, COMP_WEAKNESSES));
  (void)i;
}

static void competitors_value(pa *a, kam_value *root) {
  const kam_plan *plan = a->plan;
  kam_value *sw;
  size_t k;
  int t;
  recs_value(a, root, "competitors", &plan->competitors, competitor_value);
  if (!plan->swot.has) {
    set_bool(a, root, "swot", false);
    return;
  }
  sw = set(a, root, "swot", kam__vb_obj(&a->b));
  for (t = SWOT_STRENGTHS; t <= SWOT_THREATS; t++) {
    static const char *const keys[] = {"strengths", "weaknesses", "opportunities", "threats"};
    kam_value *l = set(a, sw, keys[t], kam__vb_arr(&a->b));
    for (k = 0; KAM__HAS(&plan->swot, t) && k < plan->swot.f[t].list.len; k++)
      kam__vb_push(&a->b, l, kam__vb_str(&a->b, plan->swot.f[t].list.items[k]));
  }
}

typedef struct ranked {
  int64_t exposure;
  size_t index;
} ranked;

static int by_exposure(const void *x, const void *y) {
  const ranked *p = (const ranked *)x, *q = (const ranked *)y;
  if (p->exposure != q->exposure) return p->exposure > q->exposure ? -1 : 1;
  return p->index < q->index ? -1 : p->index > q->index;
}

static int risks_value(pa *a, kam_value *root) {
  const kam_plan *plan = a->plan;
  size_t n = plan->risks.len, i;
  ranked *order = NULL;
  int64_t total = 0;
  kam_value *arr = set(a, root, "risks", kam__vb_arr(&a->b));
  if (n && !(order = (ranked *)kam__alloc_array(plan->ctx, n, sizeof *order)))
    return kam__nomem(plan->ctx);
  for (i = 0; i < n; i++) {
    order[i].index = i;
    if (risk_exposure(&plan->risks.data[i], &order[i].exposure) ||
        kam__add_i64(&total, total, order[i].exposure)) {
      kam__free(plan->ctx, order, n * sizeof *order);
      return kam__error(plan->ctx, KAM_EOVERFLOW, "risks[%zu]: the exposure is too large", i);
    }
  }
  if (n) qsort(order, n, sizeof *order, by_exposure);
  for (i = 0; i < n; i++) {
    const kam__rec *r = &plan->risks.data[order[i].index];
    kam_value *o = kam__vb_push(&a->b, arr, kam__vb_obj(&a->b));
    set_str(a, o, "title", text_of(r, RISK_TITLE));
    set(a, o, "probability",
        KAM__HAS(r, RISK_PROBABILITY) ? ratio_double(a, dec_double(r, RISK_PROBABILITY, 0))
                                      : kam__vb_null(&a->b));
    set(a, o, "impact", money(a, KAM__HAS(r, RISK_IMPACT) ? r->f[RISK_IMPACT].minor : 0));
    set(a, o, "exposure", money(a, order[i].exposure));
    set_str(a, o, "mitigation", text_of(r, RISK_MITIGATION));
    set_str(a, o, "owner", text_of(r, RISK_OWNER));
  }
  if (order) kam__free(plan->ctx, order, n * sizeof *order);
  set(a, root, "risk_exposure", money(a, total));
  return KAM_OK;
}

static void action_value(pa *a, kam_value *o, const kam__rec *r, size_t i) {
  const kam_plan *plan = a->plan;
  int32_t st = KAM__HAS(r, ACT_STATUS) ? r->f[ACT_STATUS].n : ACTION_OPEN;
  set_int(a, o, "n", (int64_t)i + 1);
  set_str(a, o, "title", text_of(r, ACT_TITLE));
  set_str(a, o, "owner", text_of(r, ACT_OWNER));
  set(a, o, "due", date_of(a, r, ACT_DUE));
  set_str(a, o, "status", kam__plan_action_statuses[st]);
  set_str(a, o, "status_text", action_texts[st][a->ru ? 0 : 1]);
  set_str(a, o, "objective", text_of(r, ACT_OBJECTIVE));
  set_bool(a, o, "is_overdue",
           st == ACTION_OPEN && plan->has_as_of && KAM__HAS(r, ACT_DUE) &&
               r->f[ACT_DUE].date < plan->as_of);
}

/* kam_plan_check's findings as model entries. */
typedef struct collect {
  pa *a;
  kam_value *arr;
} collect;

static int collect_finding(void *ud, const kam_finding *f) {
  collect *c = (collect *)ud;
  kam_value *o = kam__vb_push(&c->a->b, c->arr, kam__vb_obj(&c->a->b));
  set_str(c->a, o, "code", f->code);
  set_str(c->a, o, "severity", kam_severity_name(f->severity));
  set_str(c->a, o, "path", f->path);
  set_str(c->a, o, "message", f->message);
  return c->a->b.rc;
}

int kam_plan_to_value(kam_value **out, const kam_plan *plan) {
  pa a;
  white_space w;
  kam_value *root, *labels_obj, *period, *team;
  collect col;
  size_t i;
  int rc;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!plan) return KAM_EINVAL;
  if ((rc = white_space_derive(plan, &w))) {
    white_space_free(plan->ctx, plan, &w);
    return rc;
  }
  a.b.ctx = plan->ctx;
  a.b.rc = KAM_OK;
  a.plan = plan;
  a.ru = strcmp(plan->people->lang, "en") != 0;
  root = kam__vb_obj(&a.b);
  set_str(&a, root, "lang", plan->people->lang);
  set_str(&a, root, "currency", plan->people->currency);
  set_bool(&a, root, "is_ru", a.ru);
  set_bool(&a, root, "is_en", !a.ru);
  labels_obj = set(&a, root, "labels", kam__vb_obj(&a.b));
  for (i = 0; labels[i][0]; i++)
    set_str(&a, labels_obj, labels[i][0], labels[i][a.ru ? 1 : 2]);
  set_str(&a, root, "title", labels[0][a.ru ? 1 : 2]);
  set(&a, root, "as_of",
      plan->has_as_of ? kam__model_date(&a.b, plan->people, plan->as_of) : kam__vb_null(&a.b));
  period = set(&a, root, "period", kam__vb_obj(&a.b));
  set(&a, period, "from", date_of(&a, &plan->period, PERIOD_FROM));
  set(&a, period, "to", date_of(&a, &plan->period, PERIOD_TO));
  account_value(&a, root);
  set(&a, root, "owner", plan->owner.has ? person(&a, &plan->owner) : kam__vb_bool(&a.b, false));
  team = set(&a, root, "team", kam__vb_arr(&a.b));
  for (i = 0; i < plan->team.len; i++)
    kam__vb_push(&a.b, team, person(&a, &plan->team.data[i]));
  set_bool(&a, root, "has_team", plan->team.len > 0);
  objectives_value(&a, root);
  white_space_value(&a, root, &w);
  white_space_free(plan->ctx, plan, &w);
  rc = stakeholders_value(&a, root);
  if (!rc) {
    recs_value(&a, root, "relationships", &plan->relationships, relationship_value);
    competitors_value(&a, root);
    rc = risks_value(&a, root);
  }
  if (!rc) {
    recs_value(&a, root, "actions", &plan->actions, action_value);
    col.a = &a;
    col.arr = set(&a, root, "findings", kam__vb_arr(&a.b));
    rc = a.b.rc ? a.b.rc : kam_plan_check(plan, collect_finding, &col);
    set_bool(&a, root, "has_findings", col.arr && kam_value_length(col.arr) > 0);
  }
  if (!rc) rc = a.b.rc;
  if (rc) {
    kam_value_free(root);
    return rc;
  }
  *out = root;
  return KAM_OK;
}

static int plan_model(kam_value **out, const void *doc) {
  return kam_plan_to_value(out, (const kam_plan *)doc);
}

int kam_plan_render(const kam_plan *plan, int format, kam_write_fn write, void *ud) {
  if (!plan || !write) return KAM_EINVAL;
  return kam__render_document(plan->ctx, "kam_plan_render", format, plan_model, plan, "plan.",
                              plan->people->lang, write, ud);
}

int kam_plan_render_template(const kam_plan *plan, const kam_template *t, kam_write_fn write,
                             void *ud) {
  if (!plan || !t || !write) return KAM_EINVAL;
  return kam__render_document_template(plan_model, plan, t, write, ud);
}
