/*
 * titles.c - the title typer: kam_role_from_title and kam_role_explain.
 *
 * A job title as people type it into a CRM ("Зам. ген. директора по финансам", "HR-директор",
 * "CFO at Acme Ltd", "Начальник отдела закупок ООО «Ромашка», г. Москва") is turned into a
 * KAM_ROLE_* and a confidence in three steps. There is no chain of ifs: everything a title can
 * say lives in two tables below (the abbreviations and the lexicon), and a small engine reads them.
 *
 * 1. Normalise (no locale functions, no allocation):
 *    - decode UTF-8; fold case by table: Latin A-Z, Cyrillic А-Я and Ѐ-Џ, Latin-1 À-Þ; unify
 *      ё/е (and Ё, ѐ); drop soft hyphens, zero-width characters and combining accents;
 *    - split into words on spaces, punctuation, hyphens and dashes; a comma, semicolon, slash,
 *      bar, colon, bracket, dash or spaced hyphen also starts a new *segment* (the part of a
 *      title after "," or "/" is often a company or a second role);
 *    - drop words made only of digits; in a word mixing Cyrillic and Latin letters, read Latin
 *      look-alikes (a c e o p x y k m t h b) as the Cyrillic letters ("дирeктор" with a Latin e);
 *    - drop words inside quotes ("...", «...», “...”, „...“): they are company names, unless the
 *      whole title is quoted;
 *    - expand abbreviations by the abbrev table ("ген" -> "генеральный", "главбух" -> "главный
 *      бухгалтер", "ит" -> "it", "mgr" -> "manager").
 * 2. Match: from left to right, the lexicon entry that matches the most words at that position
 *    wins (then the longest pattern text, then the one with fewer prefix words, then the first
 *    in the table). A pattern is lower-case words separated by one space; a word ending in '*'
 *    matches any word starting with it (Russian endings: "директор*" matches директора,
 *    директору), other words match exactly. Each match has a kind:
 *      title     a whole job title that names its function ("главный бухгалтер", "cfo", "юрист");
 *      function  a word for a function ("финанс*", "закуп*", "procurement", "hr"), usually after
 *                "по"/"of"/"for" or as an adjective ("коммерческий директор");
 *      exec      a generic top title ("генеральный директор", "ceo", "owner", "председатель
 *                правления"): EXECUTIVE unless the title names a function;
 *      rank      a head word ("директор", "manager", "инженер", "аналитик"): gives the title its
 *                shape, and its own weak role only when nothing else is found;
 *      deputy    "заместитель", "deputy", "помощник", "assistant": the weight is a factor that
 *                lowers an EXECUTIVE result (a plain deputy of the general director);
 *      word      connectors and modifiers that carry no role ("по", "of", "отдела", "senior");
 *      noise     dropped ("г" + the next word, city names, legal forms "ООО"/"LLC" with the rest
 *                of the segment and the unknown words before them, "at ..." to the segment end).
 *    Words no entry matches are "unknown"; they lower the confidence through the coverage.
 * 3. Decide: the role comes from the strongest class present: title > function > exec > rank
 *    (so "заместитель генерального директора по персоналу" is HR: the function beats the exec
 *    title). Within the class the highest weight wins, the earliest on a tie. Then
 *
 *        confidence = weight * shape * deputy * ambiguity * coverage
 *
 *      weight     the winning entry's weight (how surely the pattern alone names the role);
 *      shape      1 for title, exec and rank; for a function 0.95 when the title also has a head
 *                 word (rank, deputy, exec or title), 0.75 when the function stands alone
 *                 ("Закупки");
 *      deputy     when the role is EXECUTIVE: the smallest deputy factor present (0.7 for
 *                 "заместитель", 0.4 for "помощник"), else 1;
 *      ambiguity  1 - 0.5 * (r / weight)^2, where r is the best weight of another role in the
 *                 same class ("CFO/COO": 0.5), 1 when no other role competes;
 *      coverage   0.7 + 0.3 * matched words / words (noise excluded).
 *
 *    So an exact whole title ("Финансовый директор": 0.95) beats a function with a head word
 *    ("Директор по финансам": 0.90), which beats a bare function ("Финансы": 0.71) and a generic
 *    head word ("Директор": EXECUTIVE 0.5). With no entry found the role is KAM_ROLE_UNKNOWN with
 *    confidence 0.1 (0 for an empty title); an UNKNOWN result never exceeds 0.2.
 *
 * Extending the lexicon
 *   - Add a line to `lexicon` with the macro of its kind: T(pattern, ROLE, weight) for a title,
 *     F(...) for a function, X(pattern, weight) for a generic executive title, R(...) for a
 *     head word with its fallback role, D(pattern, factor) for a deputy word, W(pattern) for a
 *     connector or modifier, N/NN/NR/NC(pattern) for noise (the word / it and the next word /
 *     the rest of the segment / a legal form: the rest of the segment and the unknown words
 *     before it). ROLE is the KAM_ROLE_ suffix (FINANCE, TECHNICAL, ...).
 *   - Write patterns as the normaliser leaves words: lower case, е for ё, no punctuation, words
 *     split where the normaliser splits them ("hr бизнес партнер*", "r d" for R&D).
 *   - Use a '*' stem for Russian words that inflect, and make it long enough not to catch other
 *     words ("правов*", not "прав*", which would catch "правления").
 *   - Weights: 0.9-1.0 when the words alone name the role, 0.6-0.85 when they usually do,
 *     0.4-0.5 when they only lean. A longer pattern overrides a shorter one at the same place,
 *     so add a multi-word entry to fix a phrase ("техническ* обслуживани*" is OPERATIONS though
 *     "техническ*" is TECHNICAL).
 *   - A new abbreviation goes into `abbrevs` (one exact word -> one or more words).
 *   - Add the titles you meant to fix to tests/test_titles.c; `kam title --explain "..."` shows
 *     how a title was read.
 */
#include <math.h>
#include <string.h>

#include "people/dmu_internal.h"
#include "core/internal.h"

/* ------------------------------------------------------------------------------------------ */
/* The tables                                                                                  */

enum {
  LK_TITLE,
  LK_FUNCTION,
  LK_EXEC,
  LK_RANK,
  LK_DEPUTY,
  LK_WORD,
  LK_NOISE,      /* drop the word(s) */
  LK_NOISE_NEXT, /* drop the word(s) and the next word of the segment */
  LK_NOISE_REST, /* drop to the end of the segment */
  LK_NOISE_LEGAL /* drop to the end of the segment and the unknown words before it in it */
};

static const char *const kind_names[] = {"title", "function", "exec",  "rank",  "deputy",
                                         "word",  "noise",    "noise", "noise", "noise"};

typedef struct lex_entry {
  const char *pattern;
  unsigned char kind;
  unsigned char role; /* a KAM_ROLE_* value (0 .. KAM_ROLE_COUNT - 1) */
  double weight;
} lex_entry;

/* The tables read best one entry (or one row of words) a line. */
/* clang-format off */
#define T(p, r, w) {p, LK_TITLE, KAM_ROLE_##r, w}
#define F(p, r, w) {p, LK_FUNCTION, KAM_ROLE_##r, w}
#define X(p, w) {p, LK_EXEC, KAM_ROLE_EXECUTIVE, w}
#define R(p, r, w) {p, LK_RANK, KAM_ROLE_##r, w}
#define D(p, w) {p, LK_DEPUTY, KAM_ROLE_UNKNOWN, w}
#define W(p) {p, LK_WORD, KAM_ROLE_UNKNOWN, 0.0}
#define N(p) {p, LK_NOISE, KAM_ROLE_UNKNOWN, 0.0}
#define NN(p) {p, LK_NOISE_NEXT, KAM_ROLE_UNKNOWN, 0.0}
#define NR(p) {p, LK_NOISE_REST, KAM_ROLE_UNKNOWN, 0.0}
#define NC(p) {p, LK_NOISE_LEGAL, KAM_ROLE_UNKNOWN, 0.0}

/* Abbreviations: one exact normalised word -> its expansion. */
typedef struct abbrev {
  const char *word, *expansion;
} abbrev;

static const abbrev abbrevs[] = {
    /* Russian */
    {"ген", "генеральный"},
    {"генер", "генеральный"},
    {"гендиректор", "генеральный директор"},
    {"гендиректора", "генерального директора"},
    {"гендир", "генеральный директор"},
    {"зам", "заместитель"},
    {"замдиректора", "заместитель директора"},
    {"замдир", "заместитель директора"},
    {"замгендиректора", "заместитель генерального директора"},
    {"замгендира", "заместитель генерального директора"},
    {"замгенерального", "заместитель генерального"},
    {"замглавбуха", "заместитель главного бухгалтера"},
    {"замначальника", "заместитель начальника"},
    {"замруководителя", "заместитель руководителя"},
    {"зампред", "заместитель председателя"},
    {"зампредправления", "заместитель председателя правления"},
    {"главбух", "главный бухгалтер"},
    {"главбуха", "главного бухгалтера"},
    {"главврач", "главный врач"},
    {"главинж", "главный инженер"},
    {"фин", "финансовый"},
    {"финдиректор", "финансовый директор"},
    {"финдир", "финансовый директор"},
    {"тех", "технический"},
    {"техн", "технический"},
    {"техдиректор", "технический директор"},
    {"техдир", "технический директор"},
    {"ком", "коммерческий"},
    {"комм", "коммерческий"},
    {"коммдиректор", "коммерческий директор"},
    {"комдиректор", "коммерческий директор"},
    {"коммдир", "коммерческий директор"},
    {"комдир", "коммерческий директор"},
    {"исп", "исполнительный"},
    {"испдиректор", "исполнительный директор"},
    {"нач", "начальник"},
    {"рук", "руководитель"},
    {"дир", "директор"},
    {"гл", "главный"},
    {"глав", "главный"},
    {"ст", "старший"},
    {"вед", "ведущий"},
    {"спец", "специалист"},
    {"пом", "помощник"},
    {"бух", "бухгалтер"},
    {"юр", "юридический"},
    {"юрдепартамент", "юридический департамент"},
    {"юротдел", "юридический отдел"},
    {"ит", "it"},
    {"айти", "it"},
    {"эйчар", "hr"},
    {"сисадмин", "системный администратор"},
    {"отд", "отдел"},
    {"деп", "департамент"},
    {"упр", "управления"},
    {"пред", "председатель"},
    {"предправления", "председатель правления"},
    {"орг", "организационный"},
    {"произв", "производство"},
    /* English */
    {"mgr", "manager"},
    {"mngr", "manager"},
    {"dir", "director"},
    {"asst", "assistant"},
    {"dept", "department"},
    {"eng", "engineering"},
    {"engg", "engineering"},
    {"ops", "operations"},
    {"mktg", "marketing"},
    {"mkt", "marketing"},
    {"mgmt", "management"},
    {"svp", "vp"},
    {"evp", "vp"},
    {"avp", "vp"},
    {"gvp", "vp"},
    {"bizdev", "business development"},
    {"bd", "business development"},
    {"hrm", "hr manager"},
    {"cofounder", "co founder"},
    {"coowner", "co owner"},
    {"sysadmin", "system administrator"},
    {"procure", "procurement"},
    {"purch", "purchasing"},
    {"fin", "finance"},
};

/* The lexicon. Order matters only between equally specific patterns (the first wins). */
static const lex_entry lexicon[] = {
    /* ---- EXECUTIVE: generic top titles (a function named elsewhere in the title wins) ---- */
    X("ceo", 1.0),
    X("chief executive officer", 1.0),
    X("chief executive", 0.95),
    X("president", 0.9),
    X("vice president", 0.7),
    X("chairman", 0.9),
    X("chairwoman", 0.9),
    X("chairperson", 0.9),
    X("chair", 0.8),
    X("owner", 0.95),
    X("co owner", 0.9),
    X("business owner", 0.95),
    X("founder", 0.95),
    X("co founder", 0.9),
    X("managing director", 0.9),
    X("general manager", 0.85),
    X("general director", 0.95),
    X("director general", 0.9),
    X("executive director", 0.85),
    X("company director", 0.8),
    X("managing partner", 0.9),
    X("senior partner", 0.8),
    X("partner", 0.6),
    X("board member", 0.7),
    X("member of the board", 0.7),
    X("board of directors", 0.7),
    X("proprietor", 0.9),
    X("entrepreneur", 0.8),
    X("shareholder", 0.8),
    X("md", 0.8),
    X("gm", 0.75),
    X("country manager", 0.8),
    X("country director", 0.8),
    X("chief of staff", 0.6),
    X("chief strategy officer", 0.8),
    X("head of company", 0.8),
    F("strategy", EXECUTIVE, 0.6),
    X("генеральн* директор*", 0.95),
    X("генеральн*", 0.6),
    X("президент*", 0.9),
    X("вице президент*", 0.7),
    X("председател* правлени*", 0.95),
    X("председател* совет* директор*", 0.95),
    X("председател*", 0.7),
    X("член* правлени*", 0.7),
    X("член* совет* директор*", 0.7),
    X("собственник*", 0.95),
    X("совладел*", 0.9),
    X("владел*", 0.95),
    X("учредител*", 0.9),
    X("соучредител*", 0.9),
    X("основател*", 0.9),
    X("сооснователь*", 0.9),
    X("акционер*", 0.8),
    X("партнер*", 0.6),
    X("управляющ* партнер*", 0.9),
    X("управляющ* директор*", 0.9),
    X("управляющ*", 0.6),
    X("исполнительн* директор*", 0.85),
    X("директор* предприяти*", 0.8),
    X("директор* компани*", 0.8),
    X("директор* организаци*", 0.8),
    X("руководител* предприяти*", 0.8),
    X("руководител* компани*", 0.8),
    X("руководител* организаци*", 0.8),
    X("перв* лиц*", 0.9),
    X("ип", 0.7),
    X("индивидуальн* предпринимател*", 0.85),
    X("предпринимател*", 0.8),
    X("ректор*", 0.8),
    X("главн* врач*", 0.8),
    X("руководител* аппарата", 0.6),
    F("стратеги*", EXECUTIVE, 0.6),
    F("стратегическ* развити*", EXECUTIVE, 0.65),

    /* ---- FINANCE ---- */
    T("cfo", FINANCE, 1.0),
    T("chief financial officer", FINANCE, 1.0),
    T("chief finance officer", FINANCE, 0.95),
    T("chief accounting officer", FINANCE, 0.95),
    T("financial controller", FINANCE, 0.95),
    T("finance controller", FINANCE, 0.95),
    T("controller", FINANCE, 0.85),
    T("comptroller", FINANCE, 0.9),
    T("treasurer", FINANCE, 0.95),
    T("accountant", FINANCE, 0.9),
    T("bookkeeper", FINANCE, 0.9),
    T("auditor", FINANCE, 0.85),
    T("economist", FINANCE, 0.85),
    T("actuary", FINANCE, 0.8),
    T("financial analyst", FINANCE, 0.9),
    F("finance", FINANCE, 0.95),
    F("financial", FINANCE, 0.95),
    F("accounting", FINANCE, 0.95),
    F("accounts", FINANCE, 0.8),
    F("accounts payable", FINANCE, 0.9),
    F("accounts receivable", FINANCE, 0.9),
    F("treasury", FINANCE, 0.95),
    F("controlling", FINANCE, 0.9),
    F("tax", FINANCE, 0.85),
    F("taxation", FINANCE, 0.85),
    F("audit", FINANCE, 0.85),
    F("budget*", FINANCE, 0.8),
    F("fp a", FINANCE, 0.95),
    F("fpa", FINANCE, 0.9),
    F("investor relations", FINANCE, 0.8),
    F("investment", FINANCE, 0.7),
    F("investments", FINANCE, 0.7),
    F("risk", FINANCE, 0.6),
    F("risks", FINANCE, 0.6),
    F("credit", FINANCE, 0.6),
    F("payroll", FINANCE, 0.6),
    F("billing", FINANCE, 0.7),
    F("economics", FINANCE, 0.8),
    F("m a", FINANCE, 0.7),
    F("ifrs", FINANCE, 0.85),
    F("gaap", FINANCE, 0.85),
    T("финансов* директор*", FINANCE, 0.95),
    T("главн* бухгалтер*", FINANCE, 0.98),
    T("бухгалтер*", FINANCE, 0.9),
    T("казначе*", FINANCE, 0.95),
    T("экономист*", FINANCE, 0.85),
    T("финансов* контрол*", FINANCE, 0.95),
    T("финансов* аналитик*", FINANCE, 0.9),
    T("аудитор*", FINANCE, 0.85),
    T("кассир*", FINANCE, 0.75),
    F("финанс*", FINANCE, 0.95),
    F("эконом*", FINANCE, 0.85),
    F("бюджет*", FINANCE, 0.8),
    F("налог*", FINANCE, 0.85),
    F("аудит*", FINANCE, 0.85),
    F("контролинг*", FINANCE, 0.9),
    F("контроллинг*", FINANCE, 0.9),
    F("инвестиц*", FINANCE, 0.7),
    F("отчетност*", FINANCE, 0.8),
    F("мсфо", FINANCE, 0.85),
    F("рсбу", FINANCE, 0.85),
    F("пэо", FINANCE, 0.85),
    F("кредит*", FINANCE, 0.6),
    F("риск*", FINANCE, 0.6),
    F("заработн* плат*", FINANCE, 0.6),
    F("учет*", FINANCE, 0.7),
    F("расчет*", FINANCE, 0.6),
    F("ir", FINANCE, 0.8),
    F("планов*", FINANCE, 0.6),
    F("расчет* с поставщик*", FINANCE, 0.85),
    F("расчет* с покупател*", FINANCE, 0.85),
    F("расчет* с контрагент*", FINANCE, 0.85),
    T("finance director", FINANCE, 0.95),
    T("financial director", FINANCE, 0.95),
    F("слияни* и поглощени*", FINANCE, 0.7),
    F("связ* с инвестор*", FINANCE, 0.8),

    /* ---- TECHNICAL ---- */
    T("cto", TECHNICAL, 0.95),
    T("cio", TECHNICAL, 0.9),
    T("ciso", TECHNICAL, 0.9),
    T("cdo", TECHNICAL, 0.75),
    T("cdto", TECHNICAL, 0.85),
    T("chief technology officer", TECHNICAL, 0.95),
    T("chief technical officer", TECHNICAL, 0.95),
    T("chief information officer", TECHNICAL, 0.9),
    T("chief information security officer", TECHNICAL, 0.9),
    T("chief digital officer", TECHNICAL, 0.8),
    T("chief data officer", TECHNICAL, 0.8),
    T("developer", TECHNICAL, 0.9),
    T("programmer", TECHNICAL, 0.9),
    T("devops", TECHNICAL, 0.9),
    T("system administrator", TECHNICAL, 0.95),
    T("systems administrator", TECHNICAL, 0.95),
    T("system admin", TECHNICAL, 0.9),
    T("sys admin", TECHNICAL, 0.9),
    T("network administrator", TECHNICAL, 0.9),
    T("database administrator", TECHNICAL, 0.9),
    T("dba", TECHNICAL, 0.85),
    T("technician", TECHNICAL, 0.7),
    T("data scientist", TECHNICAL, 0.85),
    T("data engineer", TECHNICAL, 0.9),
    T("tech lead", TECHNICAL, 0.85),
    T("technical lead", TECHNICAL, 0.85),
    T("product owner", TECHNICAL, 0.6),
    F("it", TECHNICAL, 0.9),
    F("ict", TECHNICAL, 0.9),
    F("information technology", TECHNICAL, 0.95),
    F("information technologies", TECHNICAL, 0.95),
    F("information systems", TECHNICAL, 0.9),
    F("information security", TECHNICAL, 0.9),
    F("information", TECHNICAL, 0.7),
    F("technology", TECHNICAL, 0.9),
    F("technologies", TECHNICAL, 0.85),
    F("technical", TECHNICAL, 0.9),
    F("tech", TECHNICAL, 0.85),
    F("engineering", TECHNICAL, 0.9),
    F("software", TECHNICAL, 0.9),
    F("hardware", TECHNICAL, 0.85),
    F("infrastructure", TECHNICAL, 0.75),
    F("digital", TECHNICAL, 0.7),
    F("digital transformation", TECHNICAL, 0.85),
    F("data", TECHNICAL, 0.75),
    F("analytics", TECHNICAL, 0.6),
    F("cybersecurity", TECHNICAL, 0.9),
    F("cyber", TECHNICAL, 0.85),
    F("security", TECHNICAL, 0.6),
    F("network", TECHNICAL, 0.8),
    F("networks", TECHNICAL, 0.8),
    F("cloud", TECHNICAL, 0.8),
    F("platform", TECHNICAL, 0.6),
    F("architecture", TECHNICAL, 0.8),
    F("r d", TECHNICAL, 0.85),
    F("rnd", TECHNICAL, 0.85),
    F("research", TECHNICAL, 0.75),
    F("innovation", TECHNICAL, 0.6),
    F("innovations", TECHNICAL, 0.6),
    F("automation", TECHNICAL, 0.8),
    F("systems", TECHNICAL, 0.7),
    F("qa", TECHNICAL, 0.75),
    F("testing", TECHNICAL, 0.75),
    F("erp", TECHNICAL, 0.8),
    F("sap", TECHNICAL, 0.8),
    F("bi", TECHNICAL, 0.7),
    F("telecom*", TECHNICAL, 0.8),
    F("electronics", TECHNICAL, 0.8),
    F("science", TECHNICAL, 0.7),
    F("dev", TECHNICAL, 0.7),
    F("product development", TECHNICAL, 0.6),
    F("software development", TECHNICAL, 0.9),
    T("техническ* директор*", TECHNICAL, 0.95),
    T("главн* инженер*", TECHNICAL, 0.95),
    T("главн* технолог*", TECHNICAL, 0.9),
    T("технолог", TECHNICAL, 0.85),
    T("главн* энергетик*", TECHNICAL, 0.9),
    T("энергетик*", TECHNICAL, 0.85),
    T("главн* механик*", TECHNICAL, 0.9),
    T("механик*", TECHNICAL, 0.8),
    T("главн* конструктор*", TECHNICAL, 0.9),
    T("конструктор*", TECHNICAL, 0.85),
    T("главн* метролог*", TECHNICAL, 0.85),
    T("метролог*", TECHNICAL, 0.8),
    T("программист*", TECHNICAL, 0.9),
    T("разработчик*", TECHNICAL, 0.9),
    T("системн* администратор*", TECHNICAL, 0.95),
    T("системн* аналитик*", TECHNICAL, 0.85),
    T("бизнес аналитик*", TECHNICAL, 0.75),
    T("тимлид*", TECHNICAL, 0.8),
    T("техлид*", TECHNICAL, 0.85),
    T("тестировщик*", TECHNICAL, 0.8),
    T("администратор* баз* данн*", TECHNICAL, 0.9),
    T("электрик*", TECHNICAL, 0.7),
    T("электроник*", TECHNICAL, 0.75),
    T("сервисн* инженер*", TECHNICAL, 0.8),
    F("helpdesk", TECHNICAL, 0.8),
    F("help desk", TECHNICAL, 0.8),
    F("service desk", TECHNICAL, 0.75),
    F("техподдержк*", TECHNICAL, 0.8),
    F("лаборатор*", TECHNICAL, 0.6),
    T("гип", TECHNICAL, 0.85),
    T("главн* инженер* проект*", TECHNICAL, 0.9),
    T("it директор*", TECHNICAL, 0.95),
    T("it director", TECHNICAL, 0.95),
    T("technical director", TECHNICAL, 0.95),
    F("техническ*", TECHNICAL, 0.9),
    F("технолог*", TECHNICAL, 0.85),
    F("информационн* технолог*", TECHNICAL, 0.95),
    F("информационн* безопасн*", TECHNICAL, 0.9),
    F("информационн* систем*", TECHNICAL, 0.9),
    F("информационн*", TECHNICAL, 0.7),
    F("информатизац*", TECHNICAL, 0.85),
    F("цифров*", TECHNICAL, 0.75),
    F("цифровизац*", TECHNICAL, 0.85),
    F("цифров* трансформац*", TECHNICAL, 0.85),
    F("автоматизац*", TECHNICAL, 0.8),
    F("инженерн*", TECHNICAL, 0.85),
    F("разработк*", TECHNICAL, 0.7),
    F("ниокр", TECHNICAL, 0.85),
    F("научн*", TECHNICAL, 0.7),
    F("наук*", TECHNICAL, 0.7),
    F("исследован*", TECHNICAL, 0.7),
    F("инновац*", TECHNICAL, 0.6),
    F("данн*", TECHNICAL, 0.7),
    F("инфраструктур*", TECHNICAL, 0.75),
    F("асу", TECHNICAL, 0.8),
    F("асу тп", TECHNICAL, 0.85),
    F("кипиа", TECHNICAL, 0.7),
    F("пто", TECHNICAL, 0.7),
    F("иб", TECHNICAL, 0.85),
    F("1с", TECHNICAL, 0.8),
    F("1c", TECHNICAL, 0.8),
    F("программн*", TECHNICAL, 0.85),
    F("телеком*", TECHNICAL, 0.8),
    F("проектировани*", TECHNICAL, 0.75),
    F("конструкторск*", TECHNICAL, 0.85),
    F("энергетическ*", TECHNICAL, 0.75),
    F("тестировани*", TECHNICAL, 0.75),
    F("сетев*", TECHNICAL, 0.75),

    /* ---- HR ---- */
    T("chro", HR, 0.95),
    T("chief human resources officer", HR, 0.95),
    T("chief people officer", HR, 0.95),
    T("chief hr officer", HR, 0.95),
    T("hrd", HR, 0.95),
    T("hrbp", HR, 0.9),
    T("hr bp", HR, 0.9),
    T("hr business partner", HR, 0.9),
    T("hr бизнес партнер*", HR, 0.9),
    T("recruiter", HR, 0.9),
    T("hr директор*", HR, 0.95),
    T("hr director", HR, 0.95),
    T("people partner", HR, 0.9),
    F("learning and development", HR, 0.85),
    F("learning development", HR, 0.85),
    F("hr", HR, 0.95),
    F("human resources", HR, 0.95),
    F("human resource", HR, 0.95),
    F("human capital", HR, 0.9),
    F("people", HR, 0.85),
    F("people and culture", HR, 0.9),
    F("personnel", HR, 0.9),
    F("talent*", HR, 0.85),
    F("recruit*", HR, 0.85),
    F("learning", HR, 0.7),
    F("training", HR, 0.7),
    F("l d", HR, 0.8),
    F("compensation", HR, 0.75),
    F("benefits", HR, 0.6),
    F("c b", HR, 0.8),
    F("organizational development", HR, 0.8),
    F("organisational development", HR, 0.8),
    F("culture", HR, 0.6),
    F("employee*", HR, 0.7),
    F("staffing", HR, 0.8),
    F("workforce", HR, 0.7),
    T("кадровик*", HR, 0.9),
    T("рекрутер*", HR, 0.9),
    F("персонал*", HR, 0.95),
    F("кадр*", HR, 0.95),
    F("рекрут*", HR, 0.85),
    F("подбор*", HR, 0.85),
    F("обучени*", HR, 0.75),
    F("развити* персонал*", HR, 0.9),
    F("мотивац*", HR, 0.7),
    F("компенсац*", HR, 0.7),
    F("льгот*", HR, 0.6),
    F("организационн* развити*", HR, 0.8),
    F("корпоративн* культур*", HR, 0.8),
    F("трудов* отношени*", HR, 0.75),
    F("социальн*", HR, 0.6),
    F("внутренн* коммуникац*", HR, 0.7),
    F("т д", HR, 0.6),

    /* ---- PROCUREMENT ---- */
    T("chief procurement officer", PROCUREMENT, 0.95),
    T("buyer", PROCUREMENT, 0.85),
    T("senior buyer", PROCUREMENT, 0.85),
    T("purchaser", PROCUREMENT, 0.9),
    T("category manager", PROCUREMENT, 0.7),
    T("procurement director", PROCUREMENT, 0.95),
    T("закупщик*", PROCUREMENT, 0.95),
    T("снабженец", PROCUREMENT, 0.9),
    T("снабженц*", PROCUREMENT, 0.9),
    T("байер*", PROCUREMENT, 0.85),
    T("категорийн* менеджер*", PROCUREMENT, 0.7),
    F("procurement", PROCUREMENT, 0.95),
    F("purchasing", PROCUREMENT, 0.95),
    F("purchase", PROCUREMENT, 0.9),
    F("purchases", PROCUREMENT, 0.9),
    F("sourcing", PROCUREMENT, 0.85),
    F("supply", PROCUREMENT, 0.6),
    F("vendor*", PROCUREMENT, 0.6),
    F("supplier*", PROCUREMENT, 0.7),
    F("tender*", PROCUREMENT, 0.85),
    F("category management", PROCUREMENT, 0.7),
    F("закуп*", PROCUREMENT, 0.95),
    F("госзакуп*", PROCUREMENT, 0.9),
    F("снабж*", PROCUREMENT, 0.9),
    F("тендер*", PROCUREMENT, 0.85),
    F("мто", PROCUREMENT, 0.85),
    F("омтс", PROCUREMENT, 0.85),
    F("материальн* техническ* обеспечени*", PROCUREMENT, 0.85),
    F("материальн* техническ* снабжени*", PROCUREMENT, 0.9),
    F("контрактн* служб*", PROCUREMENT, 0.85),
    F("контрактн* управляющ*", PROCUREMENT, 0.85),
    F("категори*", PROCUREMENT, 0.6),
    F("категорийн*", PROCUREMENT, 0.7),
    F("поставщик*", PROCUREMENT, 0.7),
    F("работ* с поставщик*", PROCUREMENT, 0.8),
    F("конкурсн*", PROCUREMENT, 0.7),
    F("ассортимент*", PROCUREMENT, 0.6),
    /* ВЭД (foreign trade): on the client's side mostly import contracts and customs */
    F("вэд", PROCUREMENT, 0.5),
    F("внешнеэкономическ*", PROCUREMENT, 0.5),

    /* ---- LEGAL ---- */
    T("general counsel", LEGAL, 0.95),
    T("legal counsel", LEGAL, 0.95),
    T("corporate counsel", LEGAL, 0.95),
    T("counsel", LEGAL, 0.9),
    T("lawyer", LEGAL, 0.95),
    T("attorney", LEGAL, 0.95),
    T("paralegal", LEGAL, 0.85),
    T("solicitor", LEGAL, 0.9),
    T("notary", LEGAL, 0.8),
    T("clo", LEGAL, 0.9),
    T("chief legal officer", LEGAL, 0.95),
    T("legal director", LEGAL, 0.95),
    T("company secretary", LEGAL, 0.7),
    T("corporate secretary", LEGAL, 0.7),
    F("legal", LEGAL, 0.95),
    F("law", LEGAL, 0.85),
    F("compliance", LEGAL, 0.8),
    F("regulatory", LEGAL, 0.6),
    F("contract", LEGAL, 0.6),
    F("contracts", LEGAL, 0.6),
    F("litigation", LEGAL, 0.9),
    F("intellectual property", LEGAL, 0.8),
    F("claims", LEGAL, 0.6),
    F("governance", LEGAL, 0.6),
    F("data protection", LEGAL, 0.8),
    T("dpo", LEGAL, 0.8),
    F("patent*", LEGAL, 0.8),
    F("патент*", LEGAL, 0.8),
    T("юрист*", LEGAL, 0.95),
    T("юрисконсульт*", LEGAL, 0.95),
    T("юристконсульт*", LEGAL, 0.95),
    T("адвокат*", LEGAL, 0.9),
    T("нотариус*", LEGAL, 0.8),
    T("корпоративн* секретар*", LEGAL, 0.7),
    F("юридическ*", LEGAL, 0.95),
    F("правов*", LEGAL, 0.9),
    F("комплаенс*", LEGAL, 0.8),
    F("комплаинс*", LEGAL, 0.8),
    F("договорн*", LEGAL, 0.75),
    F("претензионн*", LEGAL, 0.8),
    F("судебн*", LEGAL, 0.8),
    F("корпоративн* управлени*", LEGAL, 0.6),
    F("корпоративн* прав*", LEGAL, 0.8),
    F("интеллектуальн* собственност*", LEGAL, 0.8),

    /* ---- OPERATIONS ---- */
    T("coo", OPERATIONS, 0.9),
    T("chief operating officer", OPERATIONS, 0.95),
    T("chief operations officer", OPERATIONS, 0.95),
    T("plant manager", OPERATIONS, 0.85),
    T("plant director", OPERATIONS, 0.85),
    T("office manager", OPERATIONS, 0.7),
    T("executive assistant", OPERATIONS, 0.6),
    T("personal assistant", OPERATIONS, 0.6),
    T("secretary", OPERATIONS, 0.6),
    T("dispatcher", OPERATIONS, 0.7),
    T("foreman", OPERATIONS, 0.7),
    T("storekeeper", OPERATIONS, 0.7),
    T("помощник* руководител*", OPERATIONS, 0.6),
    T("помощник* генеральн* директор*", OPERATIONS, 0.6),
    T("помощник* директор*", OPERATIONS, 0.6),
    T("ассистент* руководител*", OPERATIONS, 0.6),
    T("ассистент* генеральн* директор*", OPERATIONS, 0.6),
    T("ассистент* директор*", OPERATIONS, 0.6),
    T("assistant to the ceo", OPERATIONS, 0.6),
    T("assistant to ceo", OPERATIONS, 0.6),
    T("assistant to the president", OPERATIONS, 0.6),
    T("assistant to the managing director", OPERATIONS, 0.6),
    T("operations director", OPERATIONS, 0.95),
    F("site", OPERATIONS, 0.5),
    F("contact center", OPERATIONS, 0.6),
    F("contact centre", OPERATIONS, 0.6),
    F("call center", OPERATIONS, 0.6),
    F("call centre", OPERATIONS, 0.6),
    F("контакт* центр*", OPERATIONS, 0.6),
    F("колл центр*", OPERATIONS, 0.6),
    F("call центр*", OPERATIONS, 0.6),
    F("от и пб", OPERATIONS, 0.8),
    F("отипб", OPERATIONS, 0.8),
    F("operations", OPERATIONS, 0.9),
    F("operating", OPERATIONS, 0.9),
    F("operational", OPERATIONS, 0.9),
    F("production", OPERATIONS, 0.9),
    F("manufacturing", OPERATIONS, 0.9),
    F("plant", OPERATIONS, 0.7),
    F("factory", OPERATIONS, 0.7),
    F("logistic*", OPERATIONS, 0.9),
    F("warehouse*", OPERATIONS, 0.85),
    F("supply chain", OPERATIONS, 0.85),
    F("quality", OPERATIONS, 0.75),
    F("maintenance", OPERATIONS, 0.75),
    F("facilities", OPERATIONS, 0.75),
    F("facility", OPERATIONS, 0.75),
    F("administration", OPERATIONS, 0.65),
    F("administrative", OPERATIONS, 0.65),
    F("admin", OPERATIONS, 0.6),
    F("office", OPERATIONS, 0.6),
    F("hse", OPERATIONS, 0.8),
    F("ehs", OPERATIONS, 0.8),
    F("health and safety", OPERATIONS, 0.8),
    F("safety", OPERATIONS, 0.75),
    F("physical security", OPERATIONS, 0.7),
    F("fleet", OPERATIONS, 0.7),
    F("transport*", OPERATIONS, 0.7),
    F("project", OPERATIONS, 0.45),
    F("projects", OPERATIONS, 0.45),
    F("program management", OPERATIONS, 0.45),
    F("pmo", OPERATIONS, 0.5),
    F("service delivery", OPERATIONS, 0.6),
    F("customer service", OPERATIONS, 0.6),
    F("customer support", OPERATIONS, 0.6),
    F("construction", OPERATIONS, 0.7),
    F("real estate", OPERATIONS, 0.6),
    F("lean", OPERATIONS, 0.6),
    F("continuous improvement", OPERATIONS, 0.6),
    F("s op", OPERATIONS, 0.7),
    F("shared services", OPERATIONS, 0.6),
    T("операцион* директор*", OPERATIONS, 0.95),
    T("офис менеджер*", OPERATIONS, 0.7),
    T("секретар*", OPERATIONS, 0.6),
    T("диспетчер*", OPERATIONS, 0.75),
    T("кладовщик*", OPERATIONS, 0.8),
    T("прораб*", OPERATIONS, 0.8),
    T("бригадир*", OPERATIONS, 0.7),
    T("логист", OPERATIONS, 0.9),
    T("управляющ* делами", OPERATIONS, 0.7),
    T("завхоз*", OPERATIONS, 0.7),
    T("водител*", OPERATIONS, 0.5),
    T("экспедитор*", OPERATIONS, 0.7),
    F("операцион*", OPERATIONS, 0.9),
    F("производств*", OPERATIONS, 0.9),
    F("цех*", OPERATIONS, 0.9),
    F("завод*", OPERATIONS, 0.7),
    F("фабрик*", OPERATIONS, 0.7),
    F("комбинат*", OPERATIONS, 0.6),
    F("логист*", OPERATIONS, 0.9),
    F("склад*", OPERATIONS, 0.85),
    F("складск* учет*", OPERATIONS, 0.85),
    F("транспорт*", OPERATIONS, 0.7),
    F("качеств*", OPERATIONS, 0.75),
    F("отк", OPERATIONS, 0.75),
    F("эксплуатац*", OPERATIONS, 0.8),
    F("техническ* обслуживани*", OPERATIONS, 0.75),
    F("обслуживани*", OPERATIONS, 0.6),
    F("сервис*", OPERATIONS, 0.6),
    F("ремонт*", OPERATIONS, 0.65),
    F("строительств*", OPERATIONS, 0.7),
    F("капитальн* строительств*", OPERATIONS, 0.8),
    F("охран* труд*", OPERATIONS, 0.8),
    F("промышленн* безопасн*", OPERATIONS, 0.8),
    F("безопасн*", OPERATIONS, 0.6),
    F("экономическ* безопасн*", OPERATIONS, 0.75),
    F("эколог*", OPERATIONS, 0.6),
    F("администрат*", OPERATIONS, 0.65),
    F("хозяйствен*", OPERATIONS, 0.7),
    F("ахо", OPERATIONS, 0.75),
    F("ахч", OPERATIONS, 0.75),
    F("общ* вопрос*", OPERATIONS, 0.6),
    F("делопроизводств*", OPERATIONS, 0.6),
    F("документооборот*", OPERATIONS, 0.6),
    F("офис*", OPERATIONS, 0.6),
    F("проект*", OPERATIONS, 0.45),
    F("смен*", OPERATIONS, 0.75),
    F("участк*", OPERATIONS, 0.6),
    F("площадк*", OPERATIONS, 0.6),
    F("недвижимост*", OPERATIONS, 0.6),
    F("цеп* поставок", OPERATIONS, 0.85),
    F("операци*", OPERATIONS, 0.7),

    /* ---- MARKETING: marketing, sales and the commercial function ---- */
    T("cmo", MARKETING, 0.95),
    T("chief marketing officer", MARKETING, 0.95),
    T("cco", MARKETING, 0.8),
    T("chief commercial officer", MARKETING, 0.9),
    T("chief revenue officer", MARKETING, 0.85),
    T("chief sales officer", MARKETING, 0.9),
    T("chief customer officer", MARKETING, 0.8),
    T("account manager", MARKETING, 0.85),
    T("key account manager", MARKETING, 0.9),
    T("account executive", MARKETING, 0.85),
    T("account director", MARKETING, 0.85),
    T("kam", MARKETING, 0.85),
    T("media buyer", MARKETING, 0.8),
    T("marketer", MARKETING, 0.95),
    T("salesperson", MARKETING, 0.85),
    T("salesman", MARKETING, 0.85),
    F("marketing", MARKETING, 0.95),
    F("sales", MARKETING, 0.9),
    F("commercial", MARKETING, 0.85),
    F("brand*", MARKETING, 0.85),
    F("business development", MARKETING, 0.8),
    F("biz dev", MARKETING, 0.8),
    F("communications", MARKETING, 0.75),
    F("communication", MARKETING, 0.75),
    F("corporate communications", MARKETING, 0.8),
    F("public relations", MARKETING, 0.85),
    F("public affairs", MARKETING, 0.7),
    F("corporate affairs", MARKETING, 0.6),
    F("pr", MARKETING, 0.8),
    F("advertising", MARKETING, 0.85),
    F("media", MARKETING, 0.6),
    F("digital marketing", MARKETING, 0.9),
    F("e commerce", MARKETING, 0.75),
    F("ecommerce", MARKETING, 0.75),
    F("revenue", MARKETING, 0.75),
    F("growth", MARKETING, 0.6),
    F("partnership*", MARKETING, 0.6),
    F("alliances", MARKETING, 0.6),
    F("channel*", MARKETING, 0.6),
    F("customer success", MARKETING, 0.7),
    F("customer*", MARKETING, 0.6),
    F("client*", MARKETING, 0.7),
    F("key accounts", MARKETING, 0.85),
    F("key account", MARKETING, 0.85),
    F("account management", MARKETING, 0.85),
    F("merchandising", MARKETING, 0.6),
    F("trade marketing", MARKETING, 0.9),
    F("smm", MARKETING, 0.85),
    F("seo", MARKETING, 0.7),
    F("content", MARKETING, 0.5),
    F("product marketing", MARKETING, 0.9),
    F("product", MARKETING, 0.5),
    F("products", MARKETING, 0.5),
    F("retail", MARKETING, 0.5),
    F("export", MARKETING, 0.6),
    F("distribution", MARKETING, 0.6),
    F("dealer*", MARKETING, 0.6),
    F("franchis*", MARKETING, 0.6),
    F("pricing", MARKETING, 0.6),
    F("promotion*", MARKETING, 0.7),
    F("events", MARKETING, 0.6),
    F("crm", MARKETING, 0.6),
    F("loyalty", MARKETING, 0.7),
    F("market research", MARKETING, 0.8),
    F("consumer insights", MARKETING, 0.8),
    T("маркетолог*", MARKETING, 0.95),
    T("коммерческ* директор*", MARKETING, 0.95),
    T("торгов* директор*", MARKETING, 0.9),
    T("торгов* представител*", MARKETING, 0.9),
    T("продавец*", MARKETING, 0.6),
    T("продавц*", MARKETING, 0.6),
    T("бренд менеджер*", MARKETING, 0.9),
    T("аккаунт менеджер*", MARKETING, 0.85),
    T("медиабайер*", MARKETING, 0.8),
    T("продакт менеджер*", MARKETING, 0.6),
    T("мерчендайзер*", MARKETING, 0.6),
    T("мерчандайзер*", MARKETING, 0.6),
    F("маркетинг*", MARKETING, 0.95),
    F("продаж*", MARKETING, 0.9),
    F("сбыт*", MARKETING, 0.85),
    F("коммерческ*", MARKETING, 0.85),
    F("коммерци*", MARKETING, 0.85),
    F("бренд*", MARKETING, 0.85),
    F("реклам*", MARKETING, 0.85),
    F("пиар*", MARKETING, 0.8),
    F("связ* с общественност*", MARKETING, 0.85),
    F("коммуникац*", MARKETING, 0.75),
    F("внешн* связ*", MARKETING, 0.75),
    F("пресс*", MARKETING, 0.8),
    T("пресс секретар*", MARKETING, 0.85),
    F("gr", MARKETING, 0.6),
    F("government relations", MARKETING, 0.6),
    F("связ* с государствен*", MARKETING, 0.6),
    F("контент*", MARKETING, 0.5),
    F("event*", MARKETING, 0.6),
    F("розниц*", MARKETING, 0.5),
    F("розничн*", MARKETING, 0.5),
    T("арт директор*", MARKETING, 0.75),
    T("art director", MARKETING, 0.75),
    F("creative", MARKETING, 0.6),
    F("креатив*", MARKETING, 0.6),
    F("внешн* коммуникац*", MARKETING, 0.8),
    T("sales director", MARKETING, 0.95),
    T("marketing director", MARKETING, 0.95),
    T("commercial director", MARKETING, 0.95),
    F("развити* бизнес*", MARKETING, 0.8),
    F("развити* продаж*", MARKETING, 0.9),
    F("развити*", MARKETING, 0.45),
    F("клиент*", MARKETING, 0.7),
    F("ключев* клиент*", MARKETING, 0.85),
    F("работ* с клиент*", MARKETING, 0.85),
    F("работ* с ключев* клиент*", MARKETING, 0.9),
    F("работ* с партнер*", MARKETING, 0.8),
    F("работ* с дилер*", MARKETING, 0.8),
    F("аккаунт*", MARKETING, 0.85),
    F("торгов*", MARKETING, 0.8),
    F("дилер*", MARKETING, 0.6),
    F("дистрибуц*", MARKETING, 0.6),
    F("дистрибьют*", MARKETING, 0.6),
    F("экспорт*", MARKETING, 0.6),
    F("продвижени*", MARKETING, 0.75),
    F("интернет маркетинг*", MARKETING, 0.9),
    F("digital маркетинг*", MARKETING, 0.9),
    F("электронн* коммерц*", MARKETING, 0.75),
    F("трейд маркетинг*", MARKETING, 0.9),
    F("продукт*", MARKETING, 0.5),
    F("продакт*", MARKETING, 0.5),
    F("ценообразовани*", MARKETING, 0.6),
    F("франчайз*", MARKETING, 0.6),
    F("партнерск*", MARKETING, 0.6),
    F("мероприяти*", MARKETING, 0.5),
    F("маркетплейс*", MARKETING, 0.7),
    F("лояльност*", MARKETING, 0.7),
    F("маркетингов*", MARKETING, 0.95),

    /* ---- head words (rank): their own role only when nothing else is found ---- */
    R("director", EXECUTIVE, 0.5),
    R("директор*", EXECUTIVE, 0.5),
    R("руководител*", EXECUTIVE, 0.4),
    R("начальник*", EXECUTIVE, 0.3),
    R("глава", EXECUTIVE, 0.5),
    R("главы", EXECUTIVE, 0.5),
    R("head", UNKNOWN, 0.15),
    R("chief", EXECUTIVE, 0.5),
    R("vp", EXECUTIVE, 0.6),
    R("executive", EXECUTIVE, 0.5),
    R("officer", UNKNOWN, 0.1),
    R("manager", UNKNOWN, 0.15),
    R("менеджер*", UNKNOWN, 0.15),
    R("management", UNKNOWN, 0.1),
    R("менеджмент*", UNKNOWN, 0.1),
    R("specialist", UNKNOWN, 0.1),
    R("специалист*", UNKNOWN, 0.1),
    R("expert", UNKNOWN, 0.1),
    R("эксперт*", UNKNOWN, 0.1),
    R("consultant", UNKNOWN, 0.1),
    R("консультант*", UNKNOWN, 0.1),
    R("coordinator", UNKNOWN, 0.1),
    R("координатор*", UNKNOWN, 0.1),
    R("supervisor", UNKNOWN, 0.15),
    R("superintendent", OPERATIONS, 0.5),
    R("inspector", UNKNOWN, 0.1),
    R("инспектор*", UNKNOWN, 0.1),
    R("representative", UNKNOWN, 0.15),
    R("rep", UNKNOWN, 0.1),
    R("представител*", UNKNOWN, 0.15),
    R("agent", UNKNOWN, 0.1),
    R("агент*", UNKNOWN, 0.1),
    R("заведующ*", UNKNOWN, 0.15),
    R("куратор*", UNKNOWN, 0.1),
    R("administrator", OPERATIONS, 0.5),
    R("администратор*", OPERATIONS, 0.5),
    R("analyst", TECHNICAL, 0.55),
    R("аналитик*", TECHNICAL, 0.55),
    R("engineer", TECHNICAL, 0.85),
    R("engineers", TECHNICAL, 0.85),
    R("инженер*", TECHNICAL, 0.85),
    R("architect", TECHNICAL, 0.8),
    R("архитектор*", TECHNICAL, 0.8),
    R("scientist", TECHNICAL, 0.7),
    R("мастер*", OPERATIONS, 0.6),
    R("оператор*", OPERATIONS, 0.5),
    R("planner", OPERATIONS, 0.5),
    R("leader", UNKNOWN, 0.15),
    R("лидер*", UNKNOWN, 0.15),
    R("team lead", UNKNOWN, 0.15),
    R("team leader", UNKNOWN, 0.15),
    R("associate", UNKNOWN, 0.1),
    R("intern", UNKNOWN, 0.1),
    R("trainee", UNKNOWN, 0.1),
    R("стажер*", UNKNOWN, 0.1),
    R("сотрудник*", UNKNOWN, 0.1),
    R("работник*", UNKNOWN, 0.1),

    /* ---- deputies and assistants: a factor on an EXECUTIVE result ---- */
    D("заместител*", 0.7),
    D("deputy", 0.7),
    D("vice", 0.7),
    D("советник*", 0.7),
    D("advisor", 0.7),
    D("adviser", 0.7),
    D("помощник*", 0.4),
    D("ассистент*", 0.4),
    D("assistant", 0.4),
    D("референт*", 0.4),
    D("проректор*", 0.7),

    /* ---- connectors and modifiers ---- */
    W("по"), W("и"), W("с"), W("со"), W("в"), W("во"), W("на"), W("при"), W("для"), W("от"),
    W("за"), W("of"), W("for"), W("and"), W("the"), W("to"), W("in"), W("on"), W("a"),
    W("an"), W("отдел*"), W("департамент*"), W("служб*"), W("управлени*"), W("дирекци*"),
    W("направлени*"), W("подразделени*"), W("сектор*"), W("блок*"), W("групп*"), W("бюро"),
    W("центр*"), W("отделени*"), W("дивизион*"), W("вопрос*"), W("работ*"), W("department"),
    W("division"), W("team"), W("unit"), W("group"), W("function"), W("practice"),
    W("главн*"), W("старш*"), W("ведущ*"), W("младш*"), W("перв*"), W("ответственн*"),
    W("штатн*"), W("регион*"), W("территор*"), W("филиал*"), W("представительств*"),
    W("национальн*"), W("международн*"), W("глобальн*"), W("федеральн*"), W("корпоративн*"),
    W("ключев*"), W("стратегическ*"), W("бизнес*"), W("senior"), W("sr"), W("junior"),
    W("jr"), W("lead"), W("principal"), W("staff"), W("global"), W("regional"),
    W("national"), W("international"), W("area"), W("district"), W("corporate"),
    W("strategic"), W("key"), W("general"), W("interim"), W("acting"), W("first"),
    W("и о"), W("врио"), W("ио"), W("generalist"), W("фз"), W("интернет"), W("исполняющ*"),
    W("обязанност*"), W("временно"), W("emea"), W("apac"), W("cis"), W("latam"), W("dach"),
    W("снг"), W("рф"), W("россия"),
    W("россии"), W("russia"), W("europe"), W("b2b"), W("b2c"), W("b2g"), W("business"),
    W("business partner"), W("совет*"), W("правлени*"), W("board"), W("member"),
    W("affairs"), W("решени*"), W("solution*"), W("enterprise"), W("head office"),
    W("головн*"), W("дочерн*"), W("структур*"), W("целев*"),

    /* ---- noise ---- */
    NN("г"), NN("гор"), NN("город"), N("ль"), N("москва"), N("moscow"), N("санкт"),
    N("петербург"), N("спб"), N("питер"), N("новосибирск"), N("екатеринбург"), N("казань"),
    N("самара"), N("омск"), N("челябинск"), N("ростов"), N("дону"), N("уфа"), N("пермь"),
    N("воронеж"), N("волгоград"), N("краснодар"), N("красноярск"), N("тюмень"),
    N("нижн* новгород"), N("london"), N("st petersburg"), N("холдинг*"), N("holding"),
    NR("at"), NR("@"), NR("в компани*"), NR("компани*"), NR("фирм*"), NR("групп* компани*"),
    NR("гк"), NC("ооо"), NC("оао"), NC("зао"), NC("пао"), NC("ао"), NC("нао"), NC("ано"),
    NC("нко"), NC("гуп"), NC("муп"), NC("фгуп"), NC("фгбу"), NC("гбу"), NC("гбуз"), NC("мбу"),
    NC("мку"), NC("гку"), NC("ltd"), NC("llc"), NC("llp"), NC("inc"), NC("gmbh"), NC("plc"),
    NC("corp"), NC("corporation"), NC("jsc"), NC("pjsc"), NC("ojsc"), NC("cjsc"),
    NC("limited"), NC("company"),
};

/* clang-format on */

size_t kam__title_lexicon_size(void) { return sizeof lexicon / sizeof lexicon[0]; }
size_t kam__title_abbrev_size(void) { return sizeof abbrevs / sizeof abbrevs[0]; }

int kam__title_lexicon_entry(size_t i, const char **pattern, const char **kind, int32_t *role,
                             double *weight) {
  if (i >= kam__title_lexicon_size()) return 0;
  *pattern = lexicon[i].pattern;
  *kind = kind_names[lexicon[i].kind];
  *role = lexicon[i].role;
  *weight = lexicon[i].weight;
  return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Normalisation                                                                               */

enum { CC_LETTER, CC_SPACE, CC_BREAK, CC_HYPHEN, CC_QUOTE, CC_OPEN, CC_CLOSE, CC_IGNORE, CC_AT };

static int char_class(uint32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      return CC_LETTER;
    switch (c) {
    case ',':
    case ';':
    case '|':
    case '/':
    case '\\':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case ':':
    case '<':
    case '>': return CC_BREAK;
    case '-': return CC_HYPHEN;
    case '"': return CC_QUOTE;
    case '@': return CC_AT;
    default: return CC_SPACE;
    }
  }
  if (c >= 0x300 && c <= 0x36F) return CC_IGNORE; /* combining marks (stress accents) */
  switch (c) {
  case 0x00AD:
  case 0x200B:
  case 0x200C:
  case 0x200D:
  case 0x2060:
  case 0xFEFF: return CC_IGNORE;
  case 0x00AB: return CC_OPEN;  /* « */
  case 0x00BB: return CC_CLOSE; /* » */
  case 0x201C:
  case 0x201D:
  case 0x201E:
  case 0x201F: return CC_QUOTE;
  case 0x2010:
  case 0x2011:
  case 0x2212: return CC_HYPHEN;
  case 0x2012:
  case 0x2013:
  case 0x2014:
  case 0x2015:
  case 0x2022:
  case 0x2023:
  case 0x25CF:
  case 0x00A6:
  case 0xFF0C:
  case 0xFF1B:
  case 0x3001: return CC_BREAK;
  default: break;
  }
  if (c < 0xA0 || (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7) return CC_SPACE;
  if ((c >= 0x2000 && c <= 0x206F) || c == 0x3000 || c == 0x2116 || (c >= 0x2190 && c <= 0x21FF))
    return CC_SPACE;
  return CC_LETTER;
}

/* Case folding by table for the scripts titles are written in; ё/Ё/ѐ -> е. */
static uint32_t fold(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;            /* А-Я */
  if (c >= 0x400 && c <= 0x40F) c += 0x50;                  /* Ѐ-Џ -> ѐ-џ */
  if (c == 0x451 || c == 0x450) return 0x435;               /* ё, ѐ -> е */
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20; /* Latin-1 capitals */
  return c;
}

static int is_cyrillic(uint32_t c) { return c >= 0x430 && c <= 0x45F; }
static int is_latin(uint32_t c) { return c >= 'a' && c <= 'z'; }

/* Latin letters that look like Cyrillic ones (after folding), for mixed-script words. */
static uint32_t homoglyph(uint32_t c) {
  switch (c) {
  case 'a': return 0x430;
  case 'b': return 0x432;
  case 'c': return 0x441;
  case 'e': return 0x435;
  case 'h': return 0x43D;
  case 'k': return 0x43A;
  case 'm': return 0x43C;
  case 'o': return 0x43E;
  case 'p': return 0x440;
  case 't': return 0x442;
  case 'x': return 0x445;
  case 'y': return 0x443;
  default: return c;
  }
}

#define TT_TOKEN_CPS 40

typedef struct tt_token {
  const char *s;
  size_t len;
  unsigned seg;
  unsigned char quoted;
  unsigned char state; /* TS_* */
  short match;         /* index into the match list when matched */
} tt_token;

enum { TS_UNKNOWN, TS_DROPPED, TS_MATCHED };

typedef struct tt_match {
  const lex_entry *e;
  size_t pos, ntok;
} tt_match;

typedef struct tt_state {
  char text[KAM__TITLE_TEXT_CAP];
  size_t text_len;
  tt_token raw[KAM__TITLE_MAX_TOKENS];
  size_t nraw;
  tt_token tok[KAM__TITLE_MAX_TOKENS];
  size_t n;
  tt_match matches[KAM__TITLE_MAX_TOKENS];
  size_t nmatches;
  /* the word being collected */
  uint32_t cps[TT_TOKEN_CPS];
  size_t ncps;
  unsigned seg;
  int quoted, full;
} tt_state;

/* Ends the word being collected: digits-only words are dropped, mixed-script words read as
 * Cyrillic, the rest is encoded into the text buffer. */
static void flush_word(tt_state *st) {
  size_t i, start = st->text_len;
  int cyr = 0, lat = 0, letters = 0;
  if (st->ncps == 0) return;
  for (i = 0; i < st->ncps; i++) {
    if (is_cyrillic(st->cps[i])) cyr = 1;
    if (is_latin(st->cps[i])) lat = 1;
    if (!(st->cps[i] >= '0' && st->cps[i] <= '9')) letters = 1;
  }
  if (!letters || st->full || st->nraw == KAM__TITLE_MAX_TOKENS) {
    if (letters) st->full = 1;
    st->ncps = 0;
    return;
  }
  for (i = 0; i < st->ncps; i++) {
    char enc[4];
    uint32_t c = (cyr && lat) ? homoglyph(st->cps[i]) : st->cps[i];
    size_t k = kam__utf8_encode(c, enc);
    if (st->text_len + k >= KAM__TITLE_TEXT_CAP) {
      st->full = 1;
      st->text_len = start;
      st->ncps = 0;
      return;
    }
    memcpy(st->text + st->text_len, enc, k);
    st->text_len += k;
  }
  st->raw[st->nraw].s = st->text + start;
  st->raw[st->nraw].len = st->text_len - start;
  st->raw[st->nraw].seg = st->seg;
  st->raw[st->nraw].quoted = (unsigned char)(st->quoted != 0);
  st->nraw++;
  st->ncps = 0;
}

static void push_raw_literal(tt_state *st, const char *s) {
  flush_word(st);
  if (st->full || st->nraw == KAM__TITLE_MAX_TOKENS) return;
  st->raw[st->nraw].s = s;
  st->raw[st->nraw].len = strlen(s);
  st->raw[st->nraw].seg = st->seg;
  st->raw[st->nraw].quoted = (unsigned char)(st->quoted != 0);
  st->nraw++;
}

static const abbrev *find_abbrev(const char *s, size_t len) {
  size_t i;
  for (i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
    if (strlen(abbrevs[i].word) == len && memcmp(abbrevs[i].word, s, len) == 0) return &abbrevs[i];
  return NULL;
}

static void push_token(tt_state *st, const char *s, size_t len, unsigned seg) {
  if (st->n == KAM__TITLE_MAX_TOKENS) return;
  st->tok[st->n].s = s;
  st->tok[st->n].len = len;
  st->tok[st->n].seg = seg;
  st->tok[st->n].quoted = 0;
  st->tok[st->n].state = TS_UNKNOWN;
  st->tok[st->n].match = -1;
  st->n++;
}

/* Step 1: title (valid UTF-8) -> st->tok. */
static void normalise(tt_state *st, const char *title, size_t len) {
  size_t i = 0, k;
  int prev_space = 1, angle_depth = 0, toggled = 0, any_unquoted = 0;
  st->text_len = st->nraw = st->n = st->nmatches = st->ncps = 0;
  st->seg = 0;
  st->quoted = st->full = 0;
  while (i < len && !st->full) {
    uint32_t c;
    size_t nb = kam__utf8_decode(title + i, len - i, &c);
    int cls;
    if (nb == 0) break; /* validated before: cannot happen */
    i += nb;
    cls = char_class(c);
    switch (cls) {
    case CC_LETTER:
      if (st->ncps < TT_TOKEN_CPS) {
        uint32_t f = fold(c);
        st->cps[st->ncps++] = f;
      }
      prev_space = 0;
      break;
    case CC_IGNORE: break;
    case CC_SPACE:
      flush_word(st);
      prev_space = 1;
      break;
    case CC_HYPHEN: {
      /* a hyphen between words joins a compound (ИТ-директор: two words, one segment);
       * a spaced one (" - ") separates parts like a comma */
      uint32_t next = ' ';
      if (i < len) {
        if (kam__utf8_decode(title + i, len - i, &next) == 0) next = ' ';
      }
      flush_word(st);
      if (prev_space && char_class(next) == CC_SPACE) st->seg++;
      prev_space = 0;
      break;
    }
    case CC_BREAK:
      flush_word(st);
      st->seg++;
      prev_space = 1;
      break;
    case CC_AT:
      push_raw_literal(st, "@");
      prev_space = 1;
      break;
    case CC_QUOTE:
      flush_word(st);
      toggled = !toggled;
      st->quoted = toggled || angle_depth > 0;
      prev_space = 1;
      break;
    case CC_OPEN:
      flush_word(st);
      angle_depth++;
      st->quoted = 1;
      prev_space = 1;
      break;
    case CC_CLOSE:
      flush_word(st);
      if (angle_depth > 0) angle_depth--;
      st->quoted = toggled || angle_depth > 0;
      prev_space = 1;
      break;
    default: break;
    }
  }
  flush_word(st);
  /* quoted words are a company name, unless the title has nothing else */
  for (k = 0; k < st->nraw; k++)
    if (!st->raw[k].quoted) any_unquoted = 1;
  for (k = 0; k < st->nraw; k++) {
    const tt_token *r = &st->raw[k];
    const abbrev *a;
    if (any_unquoted && r->quoted) continue;
    a = find_abbrev(r->s, r->len);
    if (a) {
      const char *p = a->expansion;
      while (*p) {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        push_token(st, p, wl, r->seg);
        p += wl;
        if (*p == ' ') p++;
      }
    } else {
      push_token(st, r->s, r->len, r->seg);
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Matching                                                                                    */

/* Does entry e match the words at st->tok[pos..]? Returns the number of words (0: no) and the
 * pattern's specificity (letters, exact words). Dropped or matched words never match. */
static size_t match_entry(const tt_state *st, size_t pos, const lex_entry *e, size_t *chars,
                          size_t *exact) {
  const char *p = e->pattern;
  size_t k = 0;
  *chars = *exact = 0;
  while (*p) {
    const char *end = strchr(p, ' ');
    size_t wl = end ? (size_t)(end - p) : strlen(p);
    int star = wl > 0 && p[wl - 1] == '*';
    size_t stem = star ? wl - 1 : wl;
    const tt_token *t;
    if (pos + k >= st->n) return 0;
    t = &st->tok[pos + k];
    if (t->state != TS_UNKNOWN) return 0;
    if (k > 0 && t->seg != st->tok[pos].seg) return 0;
    if (star ? (t->len < stem || memcmp(t->s, p, stem) != 0)
             : (t->len != stem || memcmp(t->s, p, stem) != 0))
      return 0;
    *chars += stem;
    if (!star) (*exact)++;
    k++;
    p += wl;
    if (*p == ' ') p++;
  }
  return k;
}

static const lex_entry *best_entry(const tt_state *st, size_t pos, size_t *ntok) {
  const lex_entry *best = NULL;
  size_t i, bk = 0, bchars = 0, bexact = 0;
  unsigned char first = (unsigned char)st->tok[pos].s[0];
  for (i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
    const lex_entry *e = &lexicon[i];
    size_t k, chars, exact;
    if ((unsigned char)e->pattern[0] != first) continue;
    k = match_entry(st, pos, e, &chars, &exact);
    if (k == 0) continue;
    if (!best || k > bk || (k == bk && (chars > bchars || (chars == bchars && exact > bexact)))) {
      best = e;
      bk = k;
      bchars = chars;
      bexact = exact;
    }
  }
  *ntok = bk;
  return best;
}

static void drop_range(tt_state *st, size_t from, size_t to) {
  size_t j;
  for (j = from; j < to && j < st->n; j++)
    st->tok[j].state = TS_DROPPED;
}

static void match_all(tt_state *st) {
  size_t i = 0;
  while (i < st->n) {
    size_t ntok = 0, j;
    const lex_entry *e = best_entry(st, i, &ntok);
    if (!e) {
      i++;
      continue;
    }
    switch (e->kind) {
    case LK_NOISE: drop_range(st, i, i + ntok); break;
    case LK_NOISE_NEXT:
      drop_range(st, i, i + ntok);
      if (i + ntok < st->n && st->tok[i + ntok].seg == st->tok[i].seg) {
        st->tok[i + ntok].state = TS_DROPPED;
        ntok++;
      }
      break;
    case LK_NOISE_REST:
    case LK_NOISE_LEGAL:
      if (e->kind == LK_NOISE_LEGAL)
        for (j = i; j-- > 0 && st->tok[j].seg == st->tok[i].seg;)
          if (st->tok[j].state == TS_UNKNOWN) st->tok[j].state = TS_DROPPED;
      for (j = i; j < st->n && st->tok[j].seg == st->tok[i].seg; j++)
        st->tok[j].state = TS_DROPPED;
      ntok = j - i;
      break;
    default:
      st->matches[st->nmatches].e = e;
      st->matches[st->nmatches].pos = i;
      st->matches[st->nmatches].ntok = ntok;
      for (j = i; j < i + ntok; j++) {
        st->tok[j].state = TS_MATCHED;
        st->tok[j].match = (short)st->nmatches;
      }
      st->nmatches++;
      break;
    }
    i += ntok;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Deciding                                                                                    */

typedef struct tt_result {
  int32_t role;
  double confidence;
  const tt_match *winner;
  double weight, shape, deputy, ambiguity, coverage;
  size_t words, matched;
} tt_result;

static int class_of(const lex_entry *e) {
  switch (e->kind) {
  case LK_TITLE: return 4;
  case LK_FUNCTION: return 3;
  case LK_EXEC: return 2;
  case LK_RANK: return 1;
  default: return 0;
  }
}

static void decide(const tt_state *st, tt_result *r) {
  size_t i;
  int top = 0, has_head = 0;
  const tt_match *win = NULL;
  double runner = 0.0, deputy = 1.0;
  memset(r, 0, sizeof *r);
  r->deputy = r->ambiguity = r->shape = 1.0;
  for (i = 0; i < st->n; i++) {
    if (st->tok[i].state == TS_DROPPED) continue;
    r->words++;
    if (st->tok[i].state == TS_MATCHED) r->matched++;
  }
  for (i = 0; i < st->nmatches; i++) {
    const lex_entry *e = st->matches[i].e;
    int c = class_of(e);
    if (c > top) top = c;
    if (e->kind == LK_RANK || e->kind == LK_DEPUTY || e->kind == LK_EXEC || e->kind == LK_TITLE)
      has_head = 1;
    if (e->kind == LK_DEPUTY && e->weight < deputy) deputy = e->weight;
  }
  r->role = KAM_ROLE_UNKNOWN;
  if (top == 0) {
    r->confidence = r->words > 0 ? 0.1 : 0.0;
    r->coverage = r->words > 0 ? 0.7 + 0.3 * (double)r->matched / (double)r->words : 0.0;
    return;
  }
  for (i = 0; i < st->nmatches; i++) {
    const tt_match *m = &st->matches[i];
    if (class_of(m->e) != top) continue;
    if (!win || m->e->weight > win->e->weight) win = m;
  }
  if (top > 1) { /* rank words do not compete: their roles are only fallbacks */
    for (i = 0; i < st->nmatches; i++) {
      const tt_match *m = &st->matches[i];
      if (class_of(m->e) == top && m->e->role != win->e->role && m->e->weight > runner)
        runner = m->e->weight;
    }
  }
  r->winner = win;
  r->role = win->e->role;
  r->weight = win->e->weight;
  if (win->e->kind == LK_FUNCTION) r->shape = has_head ? 0.95 : 0.75;
  if (r->role == KAM_ROLE_EXECUTIVE) r->deputy = deputy;
  if (runner > 0.0) r->ambiguity = 1.0 - 0.5 * (runner / r->weight) * (runner / r->weight);
  r->coverage = 0.7 + 0.3 * (double)r->matched / (double)r->words;
  r->confidence = r->weight * r->shape * r->deputy * r->ambiguity * r->coverage;
  if (r->confidence > 1.0) r->confidence = 1.0;
  if (r->confidence < 0.0) r->confidence = 0.0;
  if (r->role == KAM_ROLE_UNKNOWN && r->confidence > 0.2) r->confidence = 0.2;
}

static int run(tt_state *st, tt_result *r, const char *title, size_t len) {
  if (!kam__utf8_valid(title, len, NULL)) return KAM_EPARSE;
  normalise(st, title, len);
  match_all(st);
  decide(st, r);
  return KAM_OK;
}

int kam_role_from_title(int32_t *role, double *confidence, const char *title, size_t len) {
  tt_state st;
  tt_result r;
  int rc;
  if (!role || !confidence || !title) return KAM_EINVAL;
  rc = run(&st, &r, title, len);
  if (rc != KAM_OK) return rc;
  *role = r.role;
  *confidence = r.confidence;
  return KAM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Explaining                                                                                  */

typedef struct out_buf {
  char *buf;
  size_t cap, len;
} out_buf;

static void out_put(out_buf *o, const char *s, size_t n) {
  if (o->len < o->cap) {
    size_t room = o->cap - 1 - o->len, k = n < room ? n : room;
    if (o->cap > 0 && k) memcpy(o->buf + o->len, s, k);
  }
  o->len += n;
}

static void out_puts(out_buf *o, const char *s) { out_put(o, s, strlen(s)); }

static void out_num(out_buf *o, double v) {
  char tmp[32];
  /* two or three decimals, locale-independent: the value is in 0..1 */
  long milli = (long)(v * 1000.0 + 0.5);
  size_t k = 0;
  tmp[k++] = (char)('0' + (milli / 1000) % 10);
  tmp[k++] = '.';
  tmp[k++] = (char)('0' + (milli / 100) % 10);
  tmp[k++] = (char)('0' + (milli / 10) % 10);
  if (milli % 10) tmp[k++] = (char)('0' + milli % 10);
  out_put(o, tmp, k);
}

static void out_words(out_buf *o, const tt_state *st, size_t from, size_t n) {
  size_t j;
  for (j = from; j < from + n; j++) {
    if (j > from) out_puts(o, " ");
    out_put(o, st->tok[j].s, st->tok[j].len);
  }
}

static void out_finish(out_buf *o) {
  if (o->cap == 0) return;
  o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

int kam_role_explain(char *buf, size_t cap, size_t *len, const char *title, size_t title_len) {
  tt_state st;
  tt_result r;
  out_buf o;
  size_t i;
  int rc;
  if (!buf && cap > 0) return KAM_EINVAL;
  if (cap) buf[0] = '\0';
  if (!title) return KAM_EINVAL;
  rc = run(&st, &r, title, title_len);
  if (rc != KAM_OK) return rc;
  o.buf = buf;
  o.cap = cap;
  o.len = 0;
  for (i = 0; i < st.n;) {
    const tt_token *t = &st.tok[i];
    if (i > 0) out_puts(&o, "; ");
    if (t->state == TS_MATCHED) {
      const tt_match *m = &st.matches[t->match];
      out_puts(&o, "\"");
      out_words(&o, &st, m->pos, m->ntok);
      out_puts(&o, "\" ");
      out_puts(&o, kind_names[m->e->kind]);
      if (m->e->kind == LK_DEPUTY) {
        out_puts(&o, " x");
        out_num(&o, m->e->weight);
      } else if (m->e->kind != LK_WORD) {
        out_puts(&o, " ");
        out_puts(&o, kam_role_name(m->e->role));
        out_puts(&o, " ");
        out_num(&o, m->e->weight);
      }
      if (m == r.winner) out_puts(&o, " *");
      i += m->ntok;
    } else {
      size_t j = i;
      while (j < st.n && st.tok[j].state == t->state)
        j++;
      out_puts(&o, "\"");
      out_words(&o, &st, i, j - i);
      out_puts(&o, t->state == TS_DROPPED ? "\" noise" : "\" unknown");
      i = j;
    }
  }
  if (st.n > 0) out_puts(&o, "; ");
  out_puts(&o, "=> ");
  out_puts(&o, kam_role_name(r.role));
  out_puts(&o, " ");
  out_num(&o, r.confidence);
  if (r.winner) {
    out_puts(&o, " (weight ");
    out_num(&o, r.weight);
    out_puts(&o, " x shape ");
    out_num(&o, r.shape);
    out_puts(&o, " x deputy ");
    out_num(&o, r.deputy);
    out_puts(&o, " x ambiguity ");
    out_num(&o, r.ambiguity);
    out_puts(&o, " x coverage ");
    out_num(&o, r.coverage);
    out_puts(&o, ")");
  } else if (r.words > 0) {
    out_puts(&o, " (no word of the title is in the lexicon)");
  } else {
    out_puts(&o, " (empty title)");
  }
  out_finish(&o);
  if (len) *len = o.len;
  if (o.len >= cap) { /* the buffer contract of kam/common.h: no cut text */
    if (cap) buf[0] = '\0';
    return KAM_ELIMIT;
  }
  return KAM_OK;
}

/* ------------------------------------------------------------------------------------------ */

size_t kam__title_normalize(char *out, size_t cap, const char *title, size_t len) {
  tt_state st;
  out_buf o;
  if (!title || !kam__utf8_valid(title, len, NULL)) return (size_t)-1;
  normalise(&st, title, len);
  o.buf = out;
  o.cap = out ? cap : 0;
  o.len = 0;
  out_words(&o, &st, 0, st.n);
  out_finish(&o);
  return o.len;
}
