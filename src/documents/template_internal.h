/*
 * template_internal.h - the compiled form of a Mustache template, shared by template.c and the
 * unit tests (which look at the node list to check standalone-line handling).
 *
 * A template compiles to a flat array of nodes. Openers (sections, inverted sections, parents,
 * blocks) keep the index one past their last child in `end`, so rendering walks the array and
 * recursion happens only where the template nests. Close tags, comments and set-delimiter tags
 * leave no node; standalone lines are trimmed out of the text nodes at compile time.
 */
#ifndef KAM_TEMPLATE_INTERNAL_H
#define KAM_TEMPLATE_INTERNAL_H

#include "core/internal.h"

enum {
  KAM__N_TEXT = 0,
  KAM__N_VAR,      /* {{name}}, {{{name}}}, {{&name}} */
  KAM__N_SECTION,  /* {{#name}} */
  KAM__N_INVERTED, /* {{^name}} */
  KAM__N_PARTIAL,  /* {{>name}}, {{>*name}} */
  KAM__N_PARENT,   /* {{<name}}, {{<*name}}: children are its argument blocks */
  KAM__N_BLOCK,    /* {{$name}}: a site in a body, or an argument of a parent (KAM__F_ARG) */
  /* Tokens that exist only while compiling. */
  KAM__T_CLOSE,
  KAM__T_COMMENT,
  KAM__T_DELIM
};

enum {
  KAM__F_ESCAPE = 1u << 0,     /* {{name}}: HTML-escape the value */
  KAM__F_STANDALONE = 1u << 1, /* the tag's line was removed (standalone) */
  KAM__F_BOL = 1u << 2,        /* the node starts a source line */
  KAM__F_DYNAMIC = 1u << 3,    /* {{>*name}} / {{<*name}} */
  KAM__F_ENDS_NL = 1u << 4,    /* text ending with '\n' */
  KAM__F_ARG = 1u << 5,        /* a block directly inside a parent tag */
  KAM__F_WS_BEFORE = 1u << 6,  /* only whitespace precedes the tag on its line */
  KAM__F_MULTILINE = 1u << 7   /* text with a '\n' before its last byte */
};

typedef struct kam__tpart {
  uint32_t off, len; /* a name part: bytes of src */
} kam__tpart;

typedef struct kam__tnode {
  uint8_t kind, flags;
  uint16_t nparts;   /* name parts; 0 with a part index of UINT32_MAX: "." */
  uint32_t pos;      /* offset of the tag (or text) in src: for error messages */
  uint32_t off, len; /* text; or the trimmed name of a tag */
  uint32_t part;     /* first name part in kam_template.parts */
  uint32_t end;      /* openers: index one past the last child (a token index while compiling) */
  uint32_t raw_off, raw_len; /* sections: the unprocessed content (for lambdas) */
  uint32_t ws_off, ws_len;   /* partial/parent: indentation; block: indentation of its site */
  uint32_t dedent;           /* argument blocks: indentation removed from their lines */
  uint32_t otag_len, ctag_len;
  uint32_t args, nargs;    /* parents: their argument blocks, kam_template.args[args..+nargs) */
  const char *otag, *ctag; /* sections: the delimiters in effect at the tag (for lambdas) */
} kam__tnode;

typedef struct kam__pcache kam__pcache;

struct kam_template {
  kam_ctx *ctx;
  const char *src; /* the source: owned, or borrowed for the template's lifetime */
  char *src_owned; /* src when owned (src_cap bytes), else NULL */
  size_t src_len, src_cap;
  kam__tnode *nodes;
  uint32_t n, cap;
  kam__tpart *parts;
  uint32_t nparts, parts_cap;
  uint32_t *args; /* node indices of the argument blocks of each parent, sorted by name
                   * (equal names in template order), so a block site finds its argument
                   * by binary search */
  uint32_t nargs;
  uint32_t *hints;    /* per name part: the member index it was last found at (a lookup
                       * cache written while rendering; rows of one shape hit every time) */
  kam__pcache *cache; /* compiled partials, reused across renders (root templates only) */
  uint64_t max_steps; /* render step budget; 0: no limit */
  uint64_t scan_work; /* bytes the tag search of compile looked at (a comparison of k bytes
                       * counts k): the tests and the fuzz target check it stays linear */
  char what[96];      /* "" for the caller's template; "partial \"x\"" and so on */
};

#endif /* KAM_TEMPLATE_INTERNAL_H */
