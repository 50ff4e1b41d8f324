/*
 * template.c - Mustache (spec v1.4.2 with the optional modules: dynamic names, inheritance,
 * lambdas) compiled to a flat node array and rendered through a buffered write callback.
 *
 * Compiling is iterative, in four passes over one array, each linear in the template but the
 * last (n log n):
 *   1. tokenize: text runs and tags (set-delimiter tags take effect as they are met), matching
 *      every close tag with its opener on a bounded stack; delimiters are found in linear time
 *      whatever their length;
 *   2. standalone lines (spec "Standalone" tests): a line holding only whitespace and
 *      non-interpolating tags loses its indentation and line ending; partials and parents keep
 *      the indentation to re-indent their lines;
 *   3. build: drop close/comment/delimiter tokens and what a parent tag ignores, set each
 *      opener's end, and work out the indentation of blocks (spec "~inheritance");
 *   4. index_args: each parent tag's argument blocks sorted by name.
 * Rendering counts its work in a step budget (see budget_spent) so that no step does unbounded
 * work: nodes, section items, and bytes written, escaped, compiled or compared.
 * Rendering recurses only where the template nests (sections, partials, parents, blocks,
 * lambdas), and that depth is capped by KAM_TEMPLATE_MAX_DEPTH. Output goes into a 16 KiB
 * buffer in the render state and reaches the write callback in large chunks; the usual path
 * (text, variables, sections over arrays of objects, cached partials) allocates nothing.
 */
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/linecol_internal.h"
#include "documents/template_internal.h"
#include "documents/value_internal.h"
#include "core/writer_internal.h"

#define MAX_DEPTH KAM_TEMPLATE_MAX_DEPTH
#define PCACHE_MAX 256 /* partials cached per root template; more are compiled per use */

/* ---------------------------------------------------------------------------------------- */
/* Locations and errors                                                                       */

/* 1-based line and column of pos (linecol.c), in the width the messages print. */
static void locate(const char *src, size_t pos, unsigned long *line, unsigned long *col) {
  size_t l, c;
  kam__linecol(src, pos, &l, &c);
  *line = (unsigned long)l;
  *col = (unsigned long)c;
}

/* "<what>: line L, column C: <msg>" into the ctx; returns status. */
static int error_at(kam_ctx *ctx, int status, const kam_template *t, size_t pos, const char *msg,
                    const char *arg, size_t arg_len) {
  unsigned long line, col;
  locate(t->src, pos, &line, &col);
  if (arg_len > 60) arg_len = 60;
  kam__error(ctx, status, "%s%sline %lu, column %lu: %s%.*s%s", t->what, t->what[0] ? ": " : "",
             line, col, msg, (int)arg_len, arg ? arg : "", arg ? "\"" : "");
  return status;
}

/* kam__nomem and kam__error, returning their status where the static analyzer can see it. */
static int nomem(kam_ctx *ctx) {
  kam__nomem(ctx);
  return KAM_ENOMEM;
}

static int too_large(kam_ctx *ctx) {
  kam__error(ctx, KAM_ELIMIT, "template too large");
  return KAM_ELIMIT;
}

/* ---------------------------------------------------------------------------------------- */
/* Compiling                                                                                  */

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void trim(const char *src, size_t *b, size_t *e) {
  while (*b < *e && is_ws(src[*b]))
    (*b)++;
  while (*e > *b && is_ws(src[*e - 1]))
    (*e)--;
}

/* Delimiters up to this long are searched with memchr and memcmp (at most SHORT_DELIM + 1 bytes
 * compared per position of the text); longer ones with KMP. */
#define SHORT_DELIM 16

/* A delimiter to search for. A long one carries its KMP failure function (Knuth, Morris and
 * Pratt 1977), so that finding it is linear in the text: compared naively, text that almost
 * matches a long delimiter would cost the delimiter's length at every position. */
typedef struct matcher {
  const char *p;
  size_t len;
  uint32_t *fail; /* fail[i]: length of the longest proper border of p[0..i] (len > SHORT_DELIM) */
  size_t cap;     /* entries allocated in fail */
} matcher;

static int matcher_set(kam_template *t, matcher *m, const char *p, size_t len) {
  size_t i, k = 0;
  m->p = p;
  m->len = len;
  if (len <= SHORT_DELIM) return KAM_OK;
  if (len > m->cap) {
    uint32_t *f;
    if (len > SIZE_MAX / sizeof *f) return too_large(t->ctx);
    f = (uint32_t *)kam__realloc(t->ctx, m->fail, m->cap * sizeof *f, len * sizeof *f);
    if (!f) return nomem(t->ctx);
    m->fail = f;
    m->cap = len;
  }
  m->fail[0] = 0;
  for (i = 1; i < len; i++) {
    while (k && p[i] != p[k])
      k = m->fail[k - 1];
    if (p[i] == p[k]) k++;
    m->fail[i] = (uint32_t)k;
  }
  t->scan_work += 2 * len;
  return KAM_OK;
}

/* Offset of the first occurrence of (lead, m) at or after from in the source, or SIZE_MAX. lead
 * is an extra first byte ('}' or '=') or 0 for none. Counts the bytes looked at in scan_work. */
static size_t find_delim(kam_template *t, size_t from, char lead, const matcher *m) {
  const char *s = t->src, *needle = m->p;
  size_t len = t->src_len, nlen = m->len, i, j = 0;
  uint64_t work = 0;
  if (nlen <= SHORT_DELIM) {
    size_t total = nlen + (lead ? 1u : 0u), found = SIZE_MAX;
    char first = lead ? lead : needle[0];
    while (from + total <= len) {
      const char *p = (const char *)memchr(s + from, first, len - from - total + 1);
      size_t at;
      if (!p) {
        work += len - from;
        break;
      }
      at = (size_t)(p - s);
      work += at - from + total;
      if (lead ? memcmp(s + at + 1, needle, nlen) == 0 : memcmp(s + at, needle, nlen) == 0) {
        found = at;
        break;
      }
      from = at + 1;
    }
    t->scan_work += work;
    return found;
  }
  /* KMP: every byte of the text is read once; each mismatch falls back along fail, at most as
   * many times in all as there were matching bytes before it. With lead, every occurrence of the
   * delimiter is checked for the lead byte before it. */
  for (i = from; i < len; i++) {
    work++;
    while (j && s[i] != needle[j]) {
      j = m->fail[j - 1];
      work++;
    }
    if (s[i] == needle[j]) j++;
    if (j == nlen) {
      size_t q = i + 1 - nlen;
      if (!lead || (q > from && s[q - 1] == lead)) {
        t->scan_work += work;
        return lead ? q - 1 : q;
      }
      j = m->fail[j - 1];
    }
  }
  t->scan_work += work;
  return SIZE_MAX;
}

/* Doubles a full array of *cap elements of elem bytes (16 the first time) into *grown; *cap
 * is updated only on success. */
static int grow_array(kam_template *t, void *arr, uint32_t *cap, size_t elem, void **grown) {
  uint32_t next = *cap ? *cap * 2 : 16;
  if (*cap >= UINT32_MAX / 4) return too_large(t->ctx);
  *grown = kam__realloc(t->ctx, arr, *cap * elem, next * elem);
  if (!*grown) return nomem(t->ctx);
  *cap = next;
  return KAM_OK;
}

static int push_node(kam_template *t, kam__tnode **out) {
  if (t->n == t->cap) {
    void *p;
    int rc = grow_array(t, t->nodes, &t->cap, sizeof *t->nodes, &p);
    if (rc) return rc;
    t->nodes = (kam__tnode *)p;
  }
  *out = &t->nodes[t->n++];
  memset(*out, 0, sizeof **out);
  return KAM_OK;
}

static int push_part(kam_template *t, uint32_t off, uint32_t len) {
  if (t->nparts == t->parts_cap) {
    void *p;
    int rc = grow_array(t, t->parts, &t->parts_cap, sizeof *t->parts, &p);
    if (rc) return rc;
    t->parts = (kam__tpart *)p;
  }
  t->parts[t->nparts].off = off;
  t->parts[t->nparts].len = len;
  t->nparts++;
  return KAM_OK;
}

/* Splits the dotted name src[b..e) into parts ("." alone: no parts). */
static int split_name(kam_template *t, kam__tnode *nd, size_t b, size_t e) {
  size_t i, start = b;
  int rc;
  nd->part = t->nparts;
  nd->nparts = 0;
  if (e - b == 1 && t->src[b] == '.') return KAM_OK;
  for (i = b; i <= e; i++) {
    if (i == e || t->src[i] == '.') {
      if (i == start)
        return error_at(t->ctx, KAM_EPARSE, t, nd->pos, "empty part in the dotted name \"",
                        t->src + b, e - b);
      if (nd->nparts == UINT16_MAX)
        return error_at(t->ctx, KAM_ELIMIT, t, nd->pos, "too many parts in the name \"", t->src + b,
                        e - b);
      if ((rc = push_part(t, (uint32_t)start, (uint32_t)(i - start))) != KAM_OK) return rc;
      nd->nparts++;
      start = i + 1;
    }
  }
  return KAM_OK;
}

static bool is_opener(int kind) {
  return kind == KAM__N_SECTION || kind == KAM__N_INVERTED || kind == KAM__N_PARENT ||
         kind == KAM__N_BLOCK;
}

static const char *sigil_of(int kind) {
  switch (kind) {
  case KAM__N_SECTION: return "#";
  case KAM__N_INVERTED: return "^";
  case KAM__N_PARENT: return "<";
  case KAM__N_BLOCK: return "$";
  default: return "";
  }
}

typedef struct delims {
  const char *otag, *ctag;
  size_t olen, clen;
} delims;

/* Pass 1: tokens into t->nodes; close tags matched (opener.end = close token index). om and cm
 * search for d's opening and closing delimiters. */
static int tokenize_with(kam_template *t, delims d, matcher *om, matcher *cm) {
  const char *s = t->src;
  size_t len = t->src_len, pos = 0;
  uint32_t stack[MAX_DEPTH];
  int sp = 0, rc;
  kam__tnode *nd;

  while (pos < len) {
    size_t at = find_delim(t, pos, 0, om), p, close, tag_end, nb, ne;
    char c;
    int kind, flags = 0;
    if (at == SIZE_MAX) at = len;
    if (at > pos) {
      if ((rc = push_node(t, &nd)) != KAM_OK) return rc;
      nd->kind = KAM__N_TEXT;
      nd->pos = nd->off = (uint32_t)pos;
      nd->len = (uint32_t)(at - pos);
    }
    if (at == len) break;
    p = at + d.olen;
    c = p < len ? s[p] : '\0';
    switch (c) {
    case '{': kind = KAM__N_VAR; break;
    case '&': kind = KAM__N_VAR; break;
    case '!': kind = KAM__T_COMMENT; break;
    case '=': kind = KAM__T_DELIM; break;
    case '#': kind = KAM__N_SECTION; break;
    case '^': kind = KAM__N_INVERTED; break;
    case '/': kind = KAM__T_CLOSE; break;
    case '>': kind = KAM__N_PARTIAL; break;
    case '<': kind = KAM__N_PARENT; break;
    case '$': kind = KAM__N_BLOCK; break;
    default:
      kind = KAM__N_VAR;
      flags = KAM__F_ESCAPE;
      break;
    }
    if (kind != KAM__N_VAR || c == '{' || c == '&') p++;
    if (c == '{' || c == '=') {
      close = find_delim(t, p, c == '{' ? '}' : '=', cm);
      tag_end = close == SIZE_MAX ? 0 : close + 1 + d.clen;
    } else {
      close = find_delim(t, p, 0, cm);
      tag_end = close == SIZE_MAX ? 0 : close + d.clen;
    }
    if (close == SIZE_MAX) {
      char want[80];
      size_t wl = d.clen < 70 ? d.clen : 70, lead = (c == '{' || c == '=') ? 1 : 0;
      want[0] = c == '{' ? '}' : '=';
      memcpy(want + lead, d.ctag, wl);
      want[wl + lead] = '\0';
      return error_at(t->ctx, KAM_EPARSE, t, at, "unclosed tag: no closing \"", want, strlen(want));
    }
    if ((rc = push_node(t, &nd)) != KAM_OK) return rc;
    nd->kind = (uint8_t)kind;
    nd->flags = (uint8_t)flags;
    nd->pos = (uint32_t)at;
    nb = p;
    ne = close;
    trim(s, &nb, &ne);

    if (kind == KAM__T_COMMENT) {
      pos = tag_end;
      continue;
    }
    if (kind == KAM__T_DELIM) {
      /* Two non-empty delimiters without whitespace or '=', split by whitespace. */
      size_t a = nb, ae, b2, be;
      ae = a;
      while (ae < ne && !is_ws(s[ae]))
        ae++;
      b2 = ae;
      while (b2 < ne && is_ws(s[b2]))
        b2++;
      be = b2;
      while (be < ne && !is_ws(s[be]))
        be++;
      if (ae == a || b2 == be || be != ne || memchr(s + a, '=', ae - a) ||
          memchr(s + b2, '=', be - b2))
        return error_at(t->ctx, KAM_EPARSE, t, at,
                        "bad set-delimiter tag: want two delimiters like {{=<% %>=}}, got \"",
                        s + nb, ne - nb);
      d.otag = s + a;
      d.olen = ae - a;
      d.ctag = s + b2;
      d.clen = be - b2;
      if ((rc = matcher_set(t, om, d.otag, d.olen)) != KAM_OK ||
          (rc = matcher_set(t, cm, d.ctag, d.clen)) != KAM_OK)
        return rc;
      pos = tag_end;
      continue;
    }
    if ((kind == KAM__N_PARTIAL || kind == KAM__N_PARENT) && nb < ne && s[nb] == '*') {
      nd->flags |= KAM__F_DYNAMIC;
      nb++;
      trim(s, &nb, &ne);
    } else if (kind == KAM__T_CLOSE && nb < ne && s[nb] == '*') {
      nd->flags |= KAM__F_DYNAMIC;
      nb++;
      trim(s, &nb, &ne);
    }
    if (nb == ne) return error_at(t->ctx, KAM_EPARSE, t, at, "empty tag name", NULL, 0);
    {
      size_t i;
      for (i = nb; i < ne; i++)
        if (is_ws(s[i]))
          return error_at(t->ctx, KAM_EPARSE, t, at, "whitespace in the tag name \"", s + nb,
                          ne - nb);
    }
    nd->off = (uint32_t)nb;
    nd->len = (uint32_t)(ne - nb);
    if (kind == KAM__N_VAR || kind == KAM__N_SECTION || kind == KAM__N_INVERTED ||
        (nd->flags & KAM__F_DYNAMIC)) {
      if (kind != KAM__T_CLOSE && (rc = split_name(t, nd, nb, ne)) != KAM_OK) return rc;
    }
    if (is_opener(kind)) {
      if (sp == MAX_DEPTH)
        return error_at(t->ctx, KAM_ELIMIT, t, at,
                        "sections nested too deeply (the limit is "
                        "KAM_TEMPLATE_MAX_DEPTH) at \"",
                        s + nb, ne - nb);
      if (kind == KAM__N_BLOCK && sp > 0 && t->nodes[stack[sp - 1]].kind == KAM__N_PARENT)
        nd->flags |= KAM__F_ARG;
      nd->raw_off = (uint32_t)tag_end;
      nd->otag = d.otag;
      nd->otag_len = (uint32_t)d.olen;
      nd->ctag = d.ctag;
      nd->ctag_len = (uint32_t)d.clen;
      stack[sp++] = t->n - 1;
    } else if (kind == KAM__T_CLOSE) {
      kam__tnode *op;
      if (sp == 0)
        return error_at(t->ctx, KAM_EPARSE, t, at, "close tag without an open section: \"", s + nb,
                        ne - nb);
      op = &t->nodes[stack[sp - 1]];
      if (op->len != nd->len || memcmp(s + op->off, s + nd->off, nd->len) != 0 ||
          ((nd->flags & KAM__F_DYNAMIC) && !(op->flags & KAM__F_DYNAMIC))) {
        unsigned long ol, oc;
        unsigned long cl, cc;
        int ow = op->len > 40 ? 40 : (int)op->len, cw = nd->len > 40 ? 40 : (int)nd->len;
        locate(s, op->pos, &ol, &oc);
        locate(s, at, &cl, &cc);
        kam__error(t->ctx, KAM_EPARSE,
                   "%s%sline %lu, column %lu: \"%.*s\" does not close \"%s%.*s\" "
                   "(opened at line %lu, column %lu)",
                   t->what, t->what[0] ? ": " : "", cl, cc, cw, s + nd->off, sigil_of(op->kind), ow,
                   s + op->off, ol, oc);
        return KAM_EPARSE;
      }
      op->end = t->n - 1;
      op->raw_len = (uint32_t)(at - op->raw_off);
      nd->end = stack[sp - 1];
      sp--;
    }
    pos = tag_end;
  }
  if (sp > 0) {
    kam__tnode *op = &t->nodes[stack[sp - 1]];
    return error_at(t->ctx, KAM_EPARSE, t, op->pos, "unclosed section: no close tag for \"",
                    t->src + op->off, op->len);
  }
  return KAM_OK;
}

static int tokenize(kam_template *t, delims d) {
  matcher om, cm;
  int rc;
  memset(&om, 0, sizeof om);
  memset(&cm, 0, sizeof cm);
  if ((rc = matcher_set(t, &om, d.otag, d.olen)) == KAM_OK &&
      (rc = matcher_set(t, &cm, d.ctag, d.clen)) == KAM_OK)
    rc = tokenize_with(t, d, &om, &cm);
  kam__free(t->ctx, om.fail, om.cap * sizeof *om.fail);
  kam__free(t->ctx, cm.fail, cm.cap * sizeof *cm.fail);
  return rc;
}

/* Is token k one whose content renders at its own place (so opening and closing it on one
 * line makes the line inline, not standalone)? */
static bool renders_inline(const kam__tnode *k) {
  return k->kind == KAM__N_SECTION || k->kind == KAM__N_INVERTED ||
         (k->kind == KAM__N_BLOCK && !(k->flags & KAM__F_ARG));
}

typedef struct line_state {
  uint32_t first_tok; /* token holding the line start */
  size_t start;       /* offset of the line start */
  uint32_t ntags;
  uint32_t first_tag, last_tag;
  bool ws_only, ok;
} line_state;

static void line_reset(line_state *ls, uint32_t tok, size_t start) {
  ls->first_tok = tok;
  ls->start = start;
  ls->ntags = 0;
  ls->first_tag = ls->last_tag = 0;
  ls->ws_only = true;
  ls->ok = true;
}

/* Ends the line [ls->start, line_end) whose last token is last_tok: trims it away when it is
 * standalone. line_end includes the line feed. */
static void line_finish(kam_template *t, line_state *ls, uint32_t last_tok, size_t line_end) {
  uint32_t j;
  size_t indent_len;
  if (!ls->ntags || !ls->ws_only || !ls->ok) return;
  indent_len = t->nodes[ls->first_tag].pos - ls->start;
  for (j = ls->first_tag; j <= ls->last_tag; j++) {
    kam__tnode *k = &t->nodes[j];
    if (k->kind == KAM__N_TEXT) continue;
    k->flags |= KAM__F_STANDALONE;
    k->ws_off = (uint32_t)ls->start;
    k->ws_len = (uint32_t)indent_len;
  }
  for (j = ls->first_tok; j <= last_tok && j < t->n; j++) {
    kam__tnode *k = &t->nodes[j];
    size_t b, e, kb, ke;
    if (k->kind != KAM__N_TEXT) continue;
    kb = k->off;
    ke = (size_t)k->off + k->len;
    b = kb > ls->start ? kb : ls->start;
    e = ke < line_end ? ke : line_end;
    if (b >= e) continue;
    if (b == kb && e == ke) {
      k->len = 0;
    } else if (b == kb) {
      k->off = (uint32_t)e;
      k->len = (uint32_t)(ke - e);
    } else {
      k->len = (uint32_t)(b - kb);
    }
  }
}

/* Pass 2: standalone lines. */
static void standalone(kam_template *t) {
  const char *s = t->src;
  line_state ls;
  uint32_t i, n = t->n;
  line_reset(&ls, 0, 0);
  for (i = 0; i < n; i++) {
    kam__tnode *k = &t->nodes[i];
    if (k->kind == KAM__N_TEXT) {
      size_t p = k->off, e = (size_t)k->off + k->len;
      for (; p < e; p++) {
        char c = s[p];
        if (c == '\n') {
          line_finish(t, &ls, i, p + 1);
          line_reset(&ls, i, p + 1);
        } else if (c == ' ' || c == '\t' || (c == '\r' && p + 1 < e && s[p + 1] == '\n')) {
          /* whitespace */
        } else {
          ls.ws_only = false;
        }
      }
      continue;
    }
    if (ls.ntags == 0) {
      ls.first_tag = i;
      if (ls.ws_only) {
        k->flags |= KAM__F_WS_BEFORE;
        k->ws_off = (uint32_t)ls.start;
        k->ws_len = (uint32_t)(k->pos - ls.start);
      }
    }
    ls.ntags++;
    ls.last_tag = i;
    if (k->kind == KAM__N_VAR) ls.ok = false;
    if (k->kind == KAM__T_CLOSE && k->end >= ls.first_tok && renders_inline(&t->nodes[k->end]))
      ls.ok = false;
  }
  line_finish(t, &ls, n ? n - 1 : 0, t->src_len);
}

static bool at_bol(const kam_template *t, uint32_t pos) {
  return pos == 0 || t->src[pos - 1] == '\n';
}

static uint32_t leading_ws(const kam_template *t, const kam__tnode *k) {
  uint32_t i = 0;
  while (i < k->len && (t->src[k->off + i] == ' ' || t->src[k->off + i] == '\t'))
    i++;
  return i;
}

/* The indentation of a block, from its first content node (spec: "Block reindentation",
 * "Intrinsic indentation"): a standalone block is indented like its first content line; an
 * inline one like the whitespace before it. */
static void block_indent(kam_template *t, kam__tnode *b, uint32_t first, uint32_t end) {
  const kam__tnode *f = first < end ? &t->nodes[first] : NULL;
  bool text_first = f && f->kind == KAM__N_TEXT && (f->flags & KAM__F_BOL);
  if (b->flags & KAM__F_ARG) {
    if (b->flags & KAM__F_STANDALONE)
      b->dedent = text_first ? leading_ws(t, f) : 0;
    else
      b->dedent = (b->flags & KAM__F_WS_BEFORE) ? b->ws_len : 0;
    return;
  }
  if (b->flags & KAM__F_STANDALONE) {
    if (text_first) {
      b->ws_off = f->off;
      b->ws_len = leading_ws(t, f);
    } else if (f && (f->flags & KAM__F_BOL) && !(f->flags & KAM__F_STANDALONE)) {
      b->ws_len = 0; /* content starts at column 1 */
    }
    /* else: the tag's own indentation, already in ws_off/ws_len */
  } else if (!(b->flags & KAM__F_WS_BEFORE)) {
    b->ws_len = 0;
  }
}

/* Pass 3: the node array, compacted in place. */
static void build(kam_template *t) {
  uint32_t stack[MAX_DEPTH];
  int sp = 0;
  uint32_t i, w = 0, n = t->n;
  for (i = 0; i < n; i++) {
    kam__tnode k = t->nodes[i];
    bool in_parent = sp > 0 && t->nodes[stack[sp - 1]].kind == KAM__N_PARENT;
    if (k.kind == KAM__T_CLOSE) {
      uint32_t o;
      if (sp == 0) continue; /* cannot happen: tokenize matched every close tag */
      o = stack[--sp];
      t->nodes[o].end = w;
      if (t->nodes[o].kind == KAM__N_BLOCK) block_indent(t, &t->nodes[o], o + 1, w);
      continue;
    }
    if (k.kind == KAM__T_COMMENT || k.kind == KAM__T_DELIM) continue;
    if (in_parent && k.kind != KAM__N_BLOCK) {
      if (is_opener(k.kind)) i = k.end; /* skip the subtree and its close tag */
      continue;
    }
    if (k.kind == KAM__N_TEXT) {
      if (k.len == 0) continue;
      if (t->src[k.off + k.len - 1] == '\n') k.flags |= KAM__F_ENDS_NL;
      if (k.len > 1 && memchr(t->src + k.off, '\n', k.len - 1)) k.flags |= KAM__F_MULTILINE;
      if (at_bol(t, k.off)) k.flags |= KAM__F_BOL;
    } else if (at_bol(t, k.pos)) {
      k.flags |= KAM__F_BOL;
    }
    t->nodes[w] = k;
    if (is_opener(k.kind)) stack[sp++] = w;
    w++;
  }
  t->n = w;
}

/* Orders argument blocks by name: length first, then bytes. */
static int arg_cmp(const kam_template *t, uint32_t a, uint32_t b) {
  const kam__tnode *x = &t->nodes[a], *y = &t->nodes[b];
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return memcmp(t->src + x->off, t->src + y->off, x->len);
}

/* Pass 4: each parent's argument blocks in t->args, sorted by name with a stable bottom-up merge
 * sort (so of equal names the first written comes first: it is the one that counts), for
 * render_block to find by binary search what a linear scan would find in time linear in the
 * number of arguments at every block site. */
static int index_args(kam_template *t) {
  uint32_t i, j, n = 0, *tmp;
  for (i = 0; i < t->n; i++)
    if (t->nodes[i].kind == KAM__N_PARENT)
      for (j = i + 1; j < t->nodes[i].end; j = t->nodes[j].end)
        n++;
  if (n == 0) return KAM_OK;
  t->args = (uint32_t *)kam__alloc_array(t->ctx, n, sizeof *t->args);
  tmp = (uint32_t *)kam__alloc_array(t->ctx, n, sizeof *tmp);
  if (!t->args || !tmp) {
    kam__free(t->ctx, tmp, tmp ? n * sizeof *tmp : 0);
    return nomem(t->ctx);
  }
  t->nargs = n;
  n = 0;
  for (i = 0; i < t->n; i++) {
    kam__tnode *p = &t->nodes[i];
    uint32_t w, *a, *b;
    if (p->kind != KAM__N_PARENT) continue;
    p->args = n;
    for (j = i + 1; j < p->end; j = t->nodes[j].end)
      t->args[n++] = j;
    p->nargs = n - p->args;
    a = t->args + p->args;
    b = tmp;
    for (w = 1; w < p->nargs; w *= 2) {
      uint32_t lo, *x;
      for (lo = 0; lo < p->nargs; lo += 2 * w) {
        uint32_t mid = lo + w < p->nargs ? lo + w : p->nargs;
        uint32_t hi = mid + w < p->nargs ? mid + w : p->nargs, l = lo, r = mid, o = lo;
        while (l < mid && r < hi)
          b[o++] = arg_cmp(t, a[r], a[l]) < 0 ? a[r++] : a[l++];
        while (l < mid)
          b[o++] = a[l++];
        while (r < hi)
          b[o++] = a[r++];
      }
      x = a;
      a = b;
      b = x;
    }
    if (a != t->args + p->args) memcpy(t->args + p->args, a, p->nargs * sizeof *a);
  }
  kam__free(t->ctx, tmp, t->nargs * sizeof *tmp);
  return KAM_OK;
}

static void template_destroy(kam_template *t);

static int compile(kam_template **out, kam_ctx *ctx, const char *src, size_t len, bool copy,
                   const delims *d, const char *what) {
  kam_template *t;
  int rc;
  delims dd = {"{{", "}}", 2, 2};
  *out = NULL;
  if (len >= UINT32_MAX - 1) {
    kam__error(ctx, KAM_ELIMIT, "%s%stemplate larger than 4 GiB", what, what[0] ? ": " : "");
    return KAM_ELIMIT;
  }
  t = (kam_template *)kam__alloc(ctx, sizeof *t);
  if (!t) return nomem(ctx);
  memset(t, 0, sizeof *t);
  t->ctx = ctx;
  t->max_steps = KAM_TEMPLATE_DEFAULT_MAX_STEPS;
  {
    size_t wl = strlen(what);
    if (wl >= sizeof t->what) wl = sizeof t->what - 1;
    memcpy(t->what, what, wl);
    t->what[wl] = '\0';
  }
  if (copy && len) {
    char *p = (char *)kam__alloc(ctx, len);
    if (!p) {
      kam__free(ctx, t, sizeof *t);
      return nomem(ctx);
    }
    memcpy(p, src, len);
    t->src = t->src_owned = p;
    t->src_cap = len;
  } else {
    t->src = len ? src : "";
  }
  t->src_len = len;
  if ((rc = tokenize(t, d ? *d : dd)) != KAM_OK) {
    template_destroy(t);
    return rc;
  }
  standalone(t);
  build(t);
  if ((rc = index_args(t)) != KAM_OK) {
    template_destroy(t);
    return rc;
  }
  if (t->nparts) {
    t->hints = (uint32_t *)kam__alloc_array(ctx, t->nparts, sizeof *t->hints);
    if (!t->hints) {
      template_destroy(t);
      return nomem(ctx);
    }
    memset(t->hints, 0, t->nparts * sizeof *t->hints);
  }
  *out = t;
  return KAM_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* The partial cache                                                                          */

typedef struct pentry {
  char *name; /* name_len + 1 bytes */
  size_t name_len;
  kam_template *tpl; /* NULL: the callback had no such partial */
} pentry;

struct kam__pcache {
  pentry *e;
  uint32_t n, cap;
  int busy; /* a render of the owning template is running */
};

static void pcache_clear(kam_ctx *ctx, kam__pcache *c) {
  uint32_t i;
  for (i = 0; i < c->n; i++) {
    kam__free(ctx, c->e[i].name, c->e[i].name_len + 1);
    template_destroy(c->e[i].tpl);
  }
  kam__free(ctx, c->e, c->cap * sizeof *c->e);
  c->e = NULL;
  c->n = c->cap = 0;
}

static void template_destroy(kam_template *t) {
  if (!t) return;
  if (t->cache) {
    pcache_clear(t->ctx, t->cache);
    kam__free(t->ctx, t->cache, sizeof *t->cache);
  }
  kam__free(t->ctx, t->nodes, t->cap * sizeof *t->nodes);
  kam__free(t->ctx, t->parts, t->parts_cap * sizeof *t->parts);
  kam__free(t->ctx, t->hints, t->nparts * sizeof *t->hints);
  kam__free(t->ctx, t->args, t->nargs * sizeof *t->args);
  kam__free(t->ctx, t->src_owned, t->src_cap);
  kam__free(t->ctx, t, sizeof *t);
}

/* ---------------------------------------------------------------------------------------- */
/* Rendering                                                                                  */

typedef struct rframe { /* the context stack, one frame per pushed value */
  const kam_value *v;
  const struct rframe *up;
} rframe;

typedef struct rover { /* the parents being rendered (their arguments), innermost first */
  const kam_template *t;
  uint32_t parent; /* node index of the parent tag in t */
  const struct rover *outer;
} rover;

typedef struct rscope {
  const kam_template *t;
  const rframe *stack;
  const rover *ov;
  uint32_t dedent; /* whitespace removed from the start of each source line */
} rscope;

typedef struct rstate {
  kam_ctx *ctx;
  kam_partial_fn partial;
  void *pud;
  kam__pcache *cache;
  uint64_t validated[PCACHE_MAX / 64]; /* cache entries checked with the callback this render */
  uint64_t steps_left;                 /* UINT64_MAX: no limit */
  uint64_t max_steps;
  const char *spent; /* what spent the budget, for the message of the node that did it */
  int depth;
  bool pending; /* at a line start that owes the indentation */
  char *ind;    /* the indentation stack: ind[ind_start..ind_end) is current */
  size_t ind_start, ind_end, ind_cap;
  char ind_small[256];
  kam__out out; /* the library's writer; no ctx, so a failing callback's status is returned */
} rstate;

static int render_nodes(rstate *rs, const rscope *sc, uint32_t begin, uint32_t end);

static int out_flush(rstate *rs) { return kam__out_flush(&rs->out); }

/* The step budget (kam_template_set_max_steps): one step per node and per section item, plus
 * one per byte written, compiled or compared, so that no step does unbounded work. A charge
 * the budget cannot cover fails with KAM_ELIMIT; render_nodes then writes the message naming
 * the node and `spent`. */
static int budget_spent(rstate *rs, const char *what) {
  rs->spent = what;
  return KAM_ELIMIT;
}

static inline int charge(rstate *rs, size_t n, const char *what) {
  if (n >= rs->steps_left) return budget_spent(rs, what);
  rs->steps_left -= n;
  return 0;
}

/* For work already done and bounded by a constant times n (name lookups, indentation): the
 * next step stops the render when this spends the budget. */
static inline void charge_after(rstate *rs, uint64_t n) {
  rs->steps_left = n < rs->steps_left ? rs->steps_left - n : 1;
}

static inline int out_put(rstate *rs, const char *p, size_t n) {
  if (n >= rs->steps_left) return budget_spent(rs, "writing the output");
  rs->steps_left -= n;
  return kam__out_put(&rs->out, p, n);
}

/* HTML escaping: & < > " ' (the set mustache.js and the spec's reference escape). */
static const unsigned char esc_class[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
static const char *const esc_text[6] = {"", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
static const unsigned char esc_len[6] = {0, 5, 4, 4, 6, 5};

/* Index of the first byte of p[i..n) that needs escaping, or n. Most text has none, so this
 * scans 16 bytes at a time with SSE2 where available (8 with portable SWAR otherwise). */
static inline size_t scan_escape(const char *p, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot))),
                     _mm_cmpeq_epi8(v, apos));
    int mask = _mm_movemask_epi8(hit);
    if (mask) return i + (size_t)__builtin_ctz((unsigned)mask);
    i += 16;
  }
#endif
  {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (i + 8 <= n) {
      uint64_t w, x1, x3;
      memcpy(&w, p + i, 8);
      /* w|1 maps & ' to 0x27 and " to 0x23; w|3 maps < > to 0x3F (# = ? are false hits, sorted
       * out by the table below). */
      x1 = w | ones;
      x3 = w | (ones * 3u);
#define KAM__ZERO(x) ((((x)-ones) & ~(x)&highs) != 0)
      if (KAM__ZERO(x1 ^ (ones * 0x27u)) || KAM__ZERO(x1 ^ (ones * 0x23u)) ||
          KAM__ZERO(x3 ^ (ones * 0x3Fu)))
        break;
#undef KAM__ZERO
      i += 8;
    }
  }
  while (i < n && !esc_class[(unsigned char)p[i]])
    i++;
  return i;
}

/* Charges n for the scan, then out_put charges what it writes. */
static int out_escaped(rstate *rs, const char *p, size_t n) {
  size_t i = 0, start = 0;
  int rc = charge(rs, n, "escaping the output");
  if (rc) return rc;
  while ((i = scan_escape(p, i, n)) < n) {
    unsigned char c = esc_class[(unsigned char)p[i]];
    if (i > start && (rc = out_put(rs, p + start, i - start)) != 0) return rc;
    if ((rc = out_put(rs, esc_text[c], esc_len[c])) != 0) return rc;
    start = ++i;
  }
  return n > start ? out_put(rs, p + start, n - start) : 0;
}

static int put_indent(rstate *rs) {
  rs->pending = false;
  return rs->ind_end > rs->ind_start
             ? out_put(rs, rs->ind + rs->ind_start, rs->ind_end - rs->ind_start)
             : 0;
}

/* Appends s[0..n) to the current indentation (the caller restores ind_end afterwards). */
static int indent_push(rstate *rs, const char *s, size_t n) {
  if (rs->ind_end + n > rs->ind_cap) {
    size_t cap = rs->ind_cap * 2;
    char *p;
    while (cap < rs->ind_end + n)
      cap *= 2;
    if (rs->ind == rs->ind_small) {
      p = (char *)kam__alloc(rs->ctx, cap);
      if (p) memcpy(p, rs->ind, rs->ind_end);
    } else {
      p = (char *)kam__realloc(rs->ctx, rs->ind, rs->ind_cap, cap);
    }
    if (!p) return nomem(rs->ctx);
    rs->ind = p;
    rs->ind_cap = cap;
  }
  memcpy(rs->ind + rs->ind_end, s, n);
  rs->ind_end += n;
  charge_after(rs, n);
  return KAM_OK;
}

static int depth_error(rstate *rs, const rscope *sc, const kam__tnode *nd) {
  return error_at(rs->ctx, KAM_ELIMIT, sc->t, nd->pos,
                  "templates nested deeper than KAM_TEMPLATE_MAX_DEPTH (recursive partial?) at \"",
                  sc->t->src + nd->off, nd->len);
}

/* The budget ran out at nd: "render stopped after N steps (...) writing the output of
 * \"name\"". */
static int steps_error(rstate *rs, const rscope *sc, const kam__tnode *nd) {
  unsigned long line, col;
  bool tag = nd->kind != KAM__N_TEXT;
  locate(sc->t->src, nd->pos, &line, &col);
  kam__error(rs->ctx, KAM_ELIMIT,
             "%s%sline %lu, column %lu: render stopped after %llu steps (the limit set by "
             "kam_template_set_max_steps; a step is a node, a section item or a byte written, "
             "escaped, compiled or compared)%s%s%s%.*s%s",
             sc->t->what, sc->t->what[0] ? ": " : "", line, col, (unsigned long long)rs->max_steps,
             rs->spent ? " " : "", rs->spent ? rs->spent : "", tag ? " at \"" : "",
             tag ? (int)(nd->len > 40 ? 40 : nd->len) : 0, tag ? sc->t->src + nd->off : "",
             tag ? "\"" : "");
  rs->spent = NULL;
  return KAM_ELIMIT;
}

/* Whether n-byte keys a and k agree in their first and last w bytes (w 4 or 8, w <= n <= 2w,
 * so the two loads cover every byte). Inlined with a constant w, the copies are plain loads. */
static inline bool ends_equal(const char *a, const char *k, size_t n, size_t w) {
  uint64_t x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  memcpy(&x0, a, w);
  memcpy(&y0, k, w);
  memcpy(&x1, a + n - w, w);
  memcpy(&y1, k + n - w, w);
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

/* Short keys compared with two overlapping loads instead of a call to memcmp. */
static inline bool key_is(const kam__member *m, const char *k, size_t n) {
  const char *a = m->key;
  if (m->key_len != n) return false;
  if (n >= 8 && n <= 16) return ends_equal(a, k, n, 8);
  if (n >= 4 && n < 8) return ends_equal(a, k, n, 4);
  if (n < 4) return n == 0 || (a[0] == k[0] && a[n / 2] == k[n / 2] && a[n - 1] == k[n - 1]);
  return memcmp(a, k, n) == 0;
}

/* Member of an object by key; NULL if v is not an object or has no such key. *hint is the
 * index to try first and is updated to where the key was found. Objects of up to 32 members
 * are scanned (cheaper than hashing the key); bigger ones use their hash index. */
static inline const kam_value *member(const kam_value *v, const char *k, size_t n, uint32_t *hint) {
  const kam__member *m;
  size_t i, len;
  if (!v || v->type != KAM_VALUE_OBJECT) return NULL;
  m = v->u.m;
  len = kam__vlen(v);
  if (*hint < len && key_is(&m[*hint], k, n)) return m[*hint].val;
  if (len <= 32 || !kam__obj_index(v)) {
    for (i = 0; i < len; i++) {
      if (key_is(&m[i], k, n)) {
        *hint = (uint32_t)i;
        return m[i].val;
      }
    }
    return NULL;
  }
  i = kam__object_find(v, k, n);
  if (i == SIZE_MAX) return NULL;
  if (i < UINT32_MAX) *hint = (uint32_t)i;
  return m[i].val;
}

/* A later part of a dotted name: a member, or an item of an array by decimal index. */
static const kam_value *child(const kam_value *v, const char *k, size_t n, uint32_t *hint) {
  size_t i, idx = 0;
  if (!v) return NULL;
  if (v->type == KAM_VALUE_OBJECT) return member(v, k, n, hint);
  if (v->type != KAM_VALUE_ARRAY || n == 0 || n > 9) return NULL;
  for (i = 0; i < n; i++) {
    if (!kam__is_digit(k[i])) return NULL;
    idx = idx * 10 + (size_t)(k[i] - '0');
  }
  return idx < kam__vlen(v) ? kam__items(v)[idx] : NULL;
}

/* Name resolution (spec interpolation.json overview): "." is the top of the stack; the first
 * part is looked up from the top of the stack down, the rest only in the result before it.
 * *found is false when the name does not resolve (a context miss). */
static const kam_value *resolve(rstate *rs, const rscope *sc, const kam__tnode *nd, bool *found) {
  const kam__tpart *part;
  uint32_t *hint;
  const char *src = sc->t->src;
  const kam_value *v = NULL;
  const rframe *f;
  uint64_t frames = 1, cost;
  uint16_t i;
  if (nd->nparts == 0) {
    *found = true;
    return sc->stack->v;
  }
  part = &sc->t->parts[nd->part];
  hint = &sc->t->hints[nd->part];
  for (f = sc->stack; f; f = f->up, frames++) {
    if ((v = member(f->v, src + part->off, part->len, hint)) != NULL) break;
  }
  /* An object costs at most 33 comparisons of the name (or a hash of it): charge its length per
   * object searched. */
  cost = frames * part->len;
  for (i = 1; v && i < nd->nparts; i++) {
    v = child(v, src + part[i].off, part[i].len, &hint[i]);
    cost += part[i].len;
  }
  charge_after(rs, cost);
  *found = v != NULL;
  return v;
}

/* Falsey: null (and a missing name), false, the empty array. Everything else is truthy,
 * 0 and "" included (spec sections.json; documented in template.h). */
static inline bool truthy(const kam_value *v) {
  if (!v) return false;
  switch (v->type) {
  case KAM_VALUE_NULL: return false;
  case KAM_VALUE_BOOL: return v->u.b != 0;
  case KAM_VALUE_ARRAY: return kam__vlen(v) != 0;
  default: return true;
  }
}

/* A write callback that appends to a kam__buf and remembers a failure. */
typedef struct collector {
  kam__buf buf;
  int failed;
} collector;

static int collect_write(void *ud, const void *p, size_t n) {
  collector *c = (collector *)ud;
  int rc = kam__buf_put(&c->buf, p, n);
  if (rc) c->failed = rc;
  return rc;
}

/* Writes through rs, escaped or not (for kam_json_write of arrays and objects). */
typedef struct json_pipe {
  rstate *rs;
  bool escape;
} json_pipe;

static int json_pipe_write(void *ud, const void *p, size_t n) {
  json_pipe *jp = (json_pipe *)ud;
  return jp->escape ? out_escaped(jp->rs, (const char *)p, n) : out_put(jp->rs, (const char *)p, n);
}

static int render_lambda(rstate *rs, const rscope *sc, const kam__tnode *nd, const kam_value *v,
                         bool section);

/* Interpolates v (spec: "Data should be coerced into a string (and escaped, if
 * appropriate)"). */
static int put_value(rstate *rs, const rscope *sc, const kam__tnode *nd, const kam_value *v) {
  bool esc = (nd->flags & KAM__F_ESCAPE) != 0;
  int rc;
  if (!v) return 0;
  switch (v->type) {
  case KAM_VALUE_STRING:
    if (!kam__vlen(v)) return 0;
    rs->pending = false;
    return esc ? out_escaped(rs, kam__text(v), kam__vlen(v))
               : out_put(rs, kam__text(v), kam__vlen(v));
  case KAM_VALUE_NUMBER: rs->pending = false; return out_put(rs, kam__text(v), kam__vlen(v));
  case KAM_VALUE_BOOL:
    rs->pending = false;
    return v->u.b ? out_put(rs, "true", 4) : out_put(rs, "false", 5);
  case KAM_VALUE_ARRAY:
  case KAM_VALUE_OBJECT: {
    json_pipe jp;
    jp.rs = rs;
    jp.escape = esc;
    rs->pending = false;
    rc = kam_json_write(v, 0, json_pipe_write, &jp);
    if (rc == KAM_ENOMEM) kam__nomem(rs->ctx);
    return rc;
  }
  case KAM_VALUE_LAMBDA: return render_lambda(rs, sc, nd, v, false);
  default: return 0;
  }
}

/* Lambdas (spec ~lambdas.json): an interpolation lambda's result is rendered with the default
 * delimiters and then interpolated (escaped for {{name}}); a section lambda gets the raw
 * section text and its result is rendered with the delimiters of the section tag. Either way
 * the result is rendered against the current context stack. */
static int render_lambda(rstate *rs, const rscope *sc, const kam__tnode *nd, const kam_value *v,
                         bool section) {
  kam_lambda_fn fn = NULL;
  void *ud = NULL;
  collector col;
  kam_template *lt = NULL;
  rscope ls;
  size_t saved_start = rs->ind_start;
  char what[sizeof lt->what];
  int rc;
  delims d;
  bool esc = !section && (nd->flags & KAM__F_ESCAPE);

  if (rs->depth >= MAX_DEPTH) return depth_error(rs, sc, nd);
  kam__value_lambda(v, &fn, &ud);
  kam__buf_init(&col.buf, rs->ctx);
  col.failed = 0;
  rc = section ? fn(ud, sc->t->src + nd->raw_off, nd->raw_len, collect_write, &col)
               : fn(ud, NULL, 0, collect_write, &col);
  /* The collector ran out of memory: whether the lambda passed that on or not, say so. */
  if (col.failed && (rc == 0 || rc == col.failed)) rc = nomem(rs->ctx);
  if (!rc) rc = charge(rs, col.buf.len, "compiling a lambda result");
  if (rc) goto done;
  {
    unsigned long line, col_no;
    charge_after(rs, nd->pos); /* locate reads the template up to the tag */
    locate(sc->t->src, nd->pos, &line, &col_no);
    int wn = snprintf(what, sizeof what, "%.40s%sline %lu, column %lu: lambda \"%.*s\"",
                      sc->t->what, sc->t->what[0] ? ": " : "", line, col_no,
                      (int)(nd->len > 20 ? 20 : nd->len), sc->t->src + nd->off);
    if (wn < 0) what[0] = '\0';
  }
  if (section) {
    d.otag = nd->otag;
    d.olen = nd->otag_len;
    d.ctag = nd->ctag;
    d.clen = nd->ctag_len;
  }
  if ((rc = compile(&lt, rs->ctx, col.buf.data ? col.buf.data : "", col.buf.len, false,
                    section ? &d : NULL, what)) != KAM_OK)
    goto done;
  ls.t = lt;
  ls.stack = sc->stack;
  ls.ov = sc->ov;
  ls.dedent = 0;
  /* The result is data at this place: no indentation inside it. */
  rs->ind_start = rs->ind_end;
  rs->depth++;
  if (!esc) {
    rc = render_nodes(rs, &ls, 0, lt->n);
  } else {
    /* Render into a buffer, then escape the whole result. */
    kam_write_fn w = rs->out.write;
    void *wud = rs->out.ud;
    collector res;
    kam__buf_init(&res.buf, rs->ctx);
    res.failed = 0;
    if ((rc = out_flush(rs)) == 0) {
      rs->out.write = collect_write;
      rs->out.ud = &res;
      rc = render_nodes(rs, &ls, 0, lt->n);
      if (rc == 0)
        rc = out_flush(rs);
      else
        kam__out_discard(&rs->out);
      rs->out.write = w;
      rs->out.ud = wud;
      if (rc == KAM_ENOMEM && res.failed) kam__nomem(rs->ctx);
      if (rc == 0) rc = out_escaped(rs, res.buf.data ? res.buf.data : "", res.buf.len);
    }
    kam__buf_free(&res.buf);
  }
  rs->depth--;
  rs->ind_start = saved_start;
  rs->pending = false;
done:
  template_destroy(lt);
  kam__buf_free(&col.buf);
  return rc;
}

/* Text with indentation or dedentation in effect: line by line. Empty lines get no
 * indentation (no trailing whitespace), as mustache.js does. */
static int text_indented(rstate *rs, const rscope *sc, const kam__tnode *nd) {
  const char *p, *e;
  bool bol = (nd->flags & KAM__F_BOL) != 0;
  int rc;
  if (!sc->t->src) return KAM_OK; /* a template without source has no text nodes */
  p = sc->t->src + nd->off;
  e = p + nd->len;
  while (p < e) {
    const char *nl, *seg_end;
    if (bol) {
      uint32_t k = 0;
      while (k < sc->dedent && p < e && (*p == ' ' || *p == '\t')) {
        p++;
        k++;
      }
      charge_after(rs, k);
      if (p == e) break;
    }
    if (nd->flags & KAM__F_MULTILINE)
      nl = (const char *)memchr(p, '\n', (size_t)(e - p));
    else
      nl = (nd->flags & KAM__F_ENDS_NL) ? e - 1 : NULL;
    seg_end = nl ? nl + 1 : e;
    if (rs->pending && rs->ind_end > rs->ind_start && *p != '\n' &&
        !(*p == '\r' && p + 1 < seg_end && p[1] == '\n')) {
      if ((rc = put_indent(rs)) != 0) return rc;
    }
    if ((rc = out_put(rs, p, (size_t)(seg_end - p))) != 0) return rc;
    rs->pending = nl != NULL;
    p = seg_end;
    bol = true;
  }
  return 0;
}

static inline int flush_pending(rstate *rs, const kam__tnode *nd) {
  if (rs->pending && !(nd->flags & KAM__F_STANDALONE) && rs->ind_end > rs->ind_start)
    return put_indent(rs);
  return 0;
}

static int render_section(rstate *rs, const rscope *sc, uint32_t i) {
  const kam__tnode *nd = &sc->t->nodes[i];
  bool found;
  const kam_value *v = resolve(rs, sc, nd, &found);
  rframe f;
  rscope inner;
  int rc = 0;
  if ((rc = flush_pending(rs, nd)) != 0) return rc;
  if (nd->kind == KAM__N_INVERTED) {
    if (truthy(v)) return 0; /* a lambda is truthy: spec "Inverted Section" lambda test */
    if (rs->depth >= MAX_DEPTH) return depth_error(rs, sc, nd);
    rs->depth++;
    rc = render_nodes(rs, sc, i + 1, nd->end);
    rs->depth--;
    return rc;
  }
  if (!truthy(v)) return 0;
  if (v->type == KAM_VALUE_LAMBDA) return render_lambda(rs, sc, nd, v, true);
  if (rs->depth >= MAX_DEPTH) return depth_error(rs, sc, nd);
  inner = *sc;
  inner.stack = &f;
  f.up = sc->stack;
  rs->depth++;
  if (v->type == KAM_VALUE_ARRAY) {
    size_t k, len = kam__vlen(v);
    kam_value *const *items = kam__items(v);
    for (k = 0; k < len && rc == 0; k++) {
      if (--rs->steps_left == 0) {
        rc = steps_error(rs, sc, nd);
        break;
      }
      f.v = items[k];
      rc = render_nodes(rs, &inner, i + 1, nd->end);
    }
  } else {
    f.v = v;
    rc = render_nodes(rs, &inner, i + 1, nd->end);
  }
  rs->depth--;
  return rc;
}

/* The compiled partial `name` (NULL: there is none). Each name is asked of the callback once
 * per render; its text is compiled once and kept in the root template's cache for as long as
 * the callback keeps returning the same text. *temp: not cached, destroy after use. */
static int partial_get(rstate *rs, const char *name, size_t nlen, kam_template **out, bool *temp) {
  kam__pcache *c = rs->cache;
  pentry *e = NULL;
  const char *src = NULL;
  size_t slen = 0;
  uint32_t i;
  kam_template *pt = NULL;
  char what[sizeof pt->what];
  int rc;
  *out = NULL;
  *temp = false;
  for (i = 0; i < c->n; i++) {
    if (c->e[i].name_len != nlen) continue;
    charge_after(rs, nlen);
    if (memcmp(c->e[i].name, name, nlen) == 0) {
      e = &c->e[i];
      break;
    }
  }
  if (e && ((rs->validated[i / 64] >> (i % 64)) & 1u)) {
    *out = e->tpl;
    return 0;
  }
  if (rs->partial && (rc = rs->partial(rs->pud, name, nlen, &src, &slen)) != 0) return rc;
  if (!src) slen = 0;
  /* Compared with the cached text or compiled: either way linear in it. */
  if ((rc = charge(rs, slen, "reading a partial")) != 0) return rc;
  if (e && src && e->tpl && e->tpl->src_len == slen && memcmp(e->tpl->src, src, slen) == 0) {
    pt = e->tpl;
  } else if (src) {
    snprintf(what, sizeof what, "partial \"%.*s\"", (int)(nlen > 60 ? 60 : nlen), name);
    if ((rc = compile(&pt, rs->ctx, src, slen, true, NULL, what)) != KAM_OK) return rc;
  }
  if (e) {
    if (e->tpl != pt) template_destroy(e->tpl);
    e->tpl = pt;
  } else if (c->n >= PCACHE_MAX) {
    *out = pt;
    *temp = true;
    return 0;
  } else {
    char *copy;
    if (c->n == c->cap) {
      uint32_t cap = c->cap ? c->cap * 2 : 8;
      pentry *ne = (pentry *)kam__realloc(rs->ctx, c->e, c->cap * sizeof *ne, cap * sizeof *ne);
      if (!ne) {
        template_destroy(pt);
        return nomem(rs->ctx);
      }
      c->e = ne;
      c->cap = cap;
    }
    if (!(copy = kam__strndup(rs->ctx, name, nlen))) {
      template_destroy(pt);
      return nomem(rs->ctx);
    }
    i = c->n++;
    c->e[i].name = copy;
    c->e[i].name_len = nlen;
    c->e[i].tpl = pt;
  }
  rs->validated[i / 64] |= (uint64_t)1 << (i % 64);
  *out = pt;
  return 0;
}

/* {{>name}}, {{>*name}} and {{<name}}...{{/name}} (a parent is a partial that also brings its
 * argument blocks). A standalone tag indents every line of the partial by the whitespace
 * before it (spec partials.json "Standalone Indentation"); an inline one does not. */
static int render_partial(rstate *rs, const rscope *sc, uint32_t i) {
  const kam__tnode *nd = &sc->t->nodes[i];
  const char *name;
  size_t nlen, s_start = rs->ind_start, s_end = rs->ind_end;
  kam_template *pt;
  bool temp, standalone = (nd->flags & KAM__F_STANDALONE) != 0;
  rover ov;
  rscope ps;
  int rc;
  if (nd->flags & KAM__F_DYNAMIC) {
    bool found;
    const kam_value *v = resolve(rs, sc, nd, &found);
    if (v && (v->type == KAM_VALUE_STRING || v->type == KAM_VALUE_NUMBER)) {
      name = kam__text(v);
      nlen = kam__vlen(v);
    } else {
      return 0; /* spec ~dynamic-names "Context Misses" */
    }
  } else {
    name = sc->t->src + nd->off;
    nlen = nd->len;
  }
  if ((rc = flush_pending(rs, nd)) != 0) return rc;
  if (rs->depth >= MAX_DEPTH) {
    unsigned long line, col;
    locate(sc->t->src, nd->pos, &line, &col);
    kam__error(rs->ctx, KAM_ELIMIT,
               "%s%sline %lu, column %lu: partial \"%.*s\" nested deeper than %d levels "
               "(recursive partial?)",
               sc->t->what, sc->t->what[0] ? ": " : "", line, col, (int)(nlen > 60 ? 60 : nlen),
               name, MAX_DEPTH);
    return KAM_ELIMIT;
  }
  if ((rc = partial_get(rs, name, nlen, &pt, &temp)) != 0) return rc;
  if (!pt) return 0; /* spec: a missing partial renders as nothing */
  if (standalone) {
    uint32_t cut = sc->dedent < nd->ws_len ? sc->dedent : nd->ws_len;
    if (nd->ws_len > cut &&
        (rc = indent_push(rs, sc->t->src + nd->ws_off + cut, nd->ws_len - cut)) != 0)
      goto done;
  } else {
    rs->ind_start = rs->ind_end;
  }
  ps.t = pt;
  ps.stack = sc->stack;
  ps.dedent = 0;
  ps.ov = sc->ov;
  if (nd->kind == KAM__N_PARENT) {
    ov.t = sc->t;
    ov.parent = i;
    ov.outer = sc->ov;
    ps.ov = &ov;
  }
  rs->depth++;
  rc = render_nodes(rs, &ps, 0, pt->n);
  rs->depth--;
done:
  rs->ind_start = s_start;
  rs->ind_end = s_end;
  if (!standalone) rs->pending = false;
  if (temp) template_destroy(pt);
  return rc;
}

/* The argument block `name` of the parents being rendered: the outermost one wins (spec
 * ~inheritance "Multi-level inheritance"); within one parent, the first one written. Each
 * parent's arguments are sorted by name (index_args): a binary search, its comparisons charged
 * to the budget. */
static bool find_arg(rstate *rs, const rover *ov, const char *name, size_t nlen,
                     const kam_template **t, uint32_t *idx) {
  bool found = false;
  for (; ov; ov = ov->outer) {
    const kam__tnode *p = &ov->t->nodes[ov->parent];
    const uint32_t *args;
    uint32_t lo = 0, hi = p->nargs;
    if (!hi) continue; /* no arguments (and maybe no args array) */
    args = ov->t->args + p->args;
    while (lo < hi) { /* the first argument not ordered before name */
      uint32_t mid = lo + (hi - lo) / 2;
      const kam__tnode *b = &ov->t->nodes[args[mid]];
      int c = b->len != nlen ? (b->len < nlen ? -1 : 1) : memcmp(ov->t->src + b->off, name, nlen);
      charge_after(rs, 1 + nlen);
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo < p->nargs) {
      const kam__tnode *b = &ov->t->nodes[args[lo]];
      charge_after(rs, 1 + nlen);
      if (b->len == nlen && memcmp(ov->t->src + b->off, name, nlen) == 0) {
        *t = ov->t;
        *idx = args[lo];
        found = true;
      }
    }
  }
  return found;
}

/* {{$name}} in a body: the argument given by a parent, or the default content. An argument
 * loses the indentation it had where it was written and gets the indentation of this site
 * (spec ~inheritance "Block reindentation"). */
static int render_block(rstate *rs, const rscope *sc, uint32_t i) {
  const kam__tnode *nd = &sc->t->nodes[i];
  const kam_template *at;
  uint32_t ai, cut;
  size_t s_end = rs->ind_end;
  rscope bs;
  int rc;
  if ((rc = flush_pending(rs, nd)) != 0) return rc;
  if (rs->depth >= MAX_DEPTH) return depth_error(rs, sc, nd);
  if (!find_arg(rs, sc->ov, sc->t->src + nd->off, nd->len, &at, &ai)) {
    rs->depth++;
    rc = render_nodes(rs, sc, i + 1, nd->end);
    rs->depth--;
    return rc;
  }
  cut = sc->dedent < nd->ws_len ? sc->dedent : nd->ws_len;
  if (nd->ws_len > cut &&
      (rc = indent_push(rs, sc->t->src + nd->ws_off + cut, nd->ws_len - cut)) != 0)
    return rc;
  bs.t = at;
  bs.stack = sc->stack;
  bs.ov = sc->ov;
  bs.dedent = at->nodes[ai].dedent;
  rs->depth++;
  rc = render_nodes(rs, &bs, ai + 1, at->nodes[ai].end);
  rs->depth--;
  rs->ind_end = s_end;
  return rc;
}

static int render_nodes(rstate *rs, const rscope *sc, uint32_t i, uint32_t end) {
  const kam_template *t = sc->t;
  const kam__tnode *nodes = t->nodes;
  int rc;
  while (i < end) {
    const kam__tnode *nd = &nodes[i];
    if (--rs->steps_left == 0) return steps_error(rs, sc, nd);
    switch (nd->kind) {
    case KAM__N_TEXT:
      if (rs->ind_end == rs->ind_start && sc->dedent == 0) {
        if ((rc = out_put(rs, t->src + nd->off, nd->len)) != 0) goto fail;
        rs->pending = (nd->flags & KAM__F_ENDS_NL) != 0;
      } else if ((rc = text_indented(rs, sc, nd)) != 0) {
        goto fail;
      }
      i++;
      break;
    case KAM__N_VAR: {
      bool found;
      const kam_value *v;
      if ((rc = flush_pending(rs, nd)) != 0) goto fail;
      v = resolve(rs, sc, nd, &found);
      if (v && (rc = put_value(rs, sc, nd, v)) != 0) goto fail;
      i++;
      break;
    }
    case KAM__N_SECTION:
    case KAM__N_INVERTED:
      if ((rc = render_section(rs, sc, i)) != 0) goto fail;
      i = nd->end;
      break;
    case KAM__N_PARTIAL:
      if ((rc = render_partial(rs, sc, i)) != 0) goto fail;
      i++;
      break;
    case KAM__N_PARENT:
      if ((rc = render_partial(rs, sc, i)) != 0) goto fail;
      i = nd->end;
      break;
    default: /* KAM__N_BLOCK */
      if ((rc = render_block(rs, sc, i)) != 0) goto fail;
      i = nd->end;
      break;
    }
  }
  return 0;
fail:
  /* The innermost node that ran out of budget names itself. */
  return rc == KAM_ELIMIT && rs->spent ? steps_error(rs, sc, &nodes[i]) : rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                 */

int kam_template_compile(kam_template **out, kam_ctx *ctx, const char *src, size_t len) {
  kam_template *t;
  int rc;
  if (!out) return kam__error(ctx, KAM_EINVAL, "kam_template_compile: out is NULL");
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  if (!src && len) return kam__error(ctx, KAM_EINVAL, "kam_template_compile: src is NULL");
  if ((rc = compile(&t, ctx, src ? src : "", len, true, NULL, "")) != KAM_OK) return rc;
  t->cache = (kam__pcache *)kam__alloc(ctx, sizeof *t->cache);
  if (!t->cache) {
    template_destroy(t);
    return nomem(ctx);
  }
  memset(t->cache, 0, sizeof *t->cache);
  *out = t;
  return KAM_OK;
}

void kam_template_free(kam_template *t) { template_destroy(t); }

int kam_template_set_max_steps(kam_template *t, uint64_t max_steps) {
  if (!t) return KAM_EINVAL;
  t->max_steps = max_steps;
  return KAM_OK;
}

int kam_template_render(const kam_template *t, const kam_value *data, kam_partial_fn partial,
                        void *partial_ud, kam_write_fn write, void *write_ud) {
  rstate rs;
  rframe root;
  rscope sc;
  kam__pcache private_cache;
  int rc;
  if (!t) return KAM_EINVAL;
  if (!write) return kam__error(t->ctx, KAM_EINVAL, "kam_template_render: write is NULL");
  if (!t->cache) return kam__error(t->ctx, KAM_EINVAL, "kam_template_render: not a template");
  kam_ctx_clear_error(t->ctx);
  rs.ctx = t->ctx;
  kam__out_init(&rs.out, NULL, write, write_ud);
  rs.partial = partial;
  rs.pud = partial_ud;
  memset(rs.validated, 0, sizeof rs.validated);
  rs.max_steps = t->max_steps;
  rs.spent = NULL;
  rs.steps_left = (t->max_steps == 0 || t->max_steps == UINT64_MAX) ? UINT64_MAX : t->max_steps + 1;
  rs.depth = 0;
  rs.pending = true;
  rs.ind = rs.ind_small;
  rs.ind_start = rs.ind_end = 0;
  rs.ind_cap = sizeof rs.ind_small;
  /* A lambda may render this same template again: that inner render gets a cache of its own,
   * so it cannot free partials the outer one is using. */
  if (t->cache->busy) {
    memset(&private_cache, 0, sizeof private_cache);
    rs.cache = &private_cache;
  } else {
    rs.cache = t->cache;
    t->cache->busy = 1;
  }
  root.v = data;
  root.up = NULL;
  sc.t = t;
  sc.stack = &root;
  sc.ov = NULL;
  sc.dedent = 0;
  rc = render_nodes(&rs, &sc, 0, t->n);
  if (rc == 0) rc = out_flush(&rs);
  if (rs.cache == &private_cache)
    pcache_clear(t->ctx, &private_cache);
  else
    t->cache->busy = 0;
  if (rs.ind != rs.ind_small) kam__free(t->ctx, rs.ind, rs.ind_cap);
  return rc;
}
