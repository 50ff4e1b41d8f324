/*
 * kam/template.h - Mustache templates: the whole of spec v1.4.2, with the optional modules
 * (dynamic names, inheritance, lambdas as C callbacks).
 *
 * A template is compiled once (kam_template_compile) and rendered any number of times
 * (kam_template_render) against a kam_value tree (kam/value.h). Output goes through a write
 * callback; partials come through a partial callback: the library never opens files.
 *
 * What a template can hold (https://github.com/mustache/spec, v1.4.2):
 *   {{name}}          the value, HTML-escaped: & < > " ' become &amp; &lt; &gt; &quot; &#39;;
 *                     every other byte passes through unchanged (UTF-8 stays intact)
 *   {{{name}}} {{&name}}   the value, not escaped
 *   {{#name}}..{{/name}}   section: rendered once per item of a non-empty array (the item
 *                     pushed on the context stack), once for any other truthy value (the value
 *                     pushed), not at all for a falsey one; a lambda gets the raw section text
 *   {{^name}}..{{/name}}   inverted section: rendered only when the value is falsey
 *   {{! comment }}    nothing (may span lines)
 *   {{>name}}         the partial `name`, rendered against the current context stack
 *   {{>*dotted.name}} dynamic partial: its name is the string (or number) the dotted name
 *                     resolves to; nothing when that does not resolve
 *   {{<parent}}{{$block}}..{{/block}}{{/parent}}  inheritance: the parent partial rendered with
 *                     the given blocks replacing its {{$block}}..{{/block}} defaults (text
 *                     between the blocks of a parent tag is ignored); {{<*name}} is dynamic
 *   {{$block}}..{{/block}} outside a parent tag: a replaceable block, its content the default
 *   {{=<% %>=}}       new delimiters for the rest of this template (not for its partials)
 *
 * Names. "." is the top of the context stack. Otherwise the name is split on dots; the first
 * part is looked up in the objects of the context stack from the top down, the first object
 * having that key wins; each further part is looked up only in the value found before it (no
 * fallback to outer contexts, spec "Dotted Names - Context Precedence"). As an extension, a
 * further part made of decimal digits indexes an array: {{items.0.name}}. A name that does not
 * resolve is a context miss: falsey, and interpolates as nothing.
 *
 * Truthiness. Falsey are: null, false, an empty array, and a context miss. Everything else is
 * truthy, including 0, "" (the empty string), an empty object and a lambda (spec ~lambdas
 * "Inverted Section"). (mustache.js differs: there 0 and "" are falsey.)
 *
 * Interpolation. A string prints as its bytes; a number as its exact text (the text it was
 * parsed from, or the shortest round-trip form of the double it was built from: 1.21 prints
 * "1.21", never "1.2100000000000002"); true and false as "true" and "false"; null as nothing;
 * an array or an object as its compact JSON (escaped too under {{name}}); a lambda as below.
 *
 * Lambdas (kam_lambda_fn in kam/value.h). In {{name}} the callback is called with text NULL,
 * len 0; its result is compiled as a template with the default delimiters, rendered against
 * the current context stack, and the rendered text is interpolated (HTML-escaped as a whole
 * under {{name}}, spec ~lambdas "Escaping"). In {{#name}}..{{/name}} it is called with the
 * raw, unrendered section text; its result is compiled with the delimiters in effect at the
 * section tag and rendered in place of the section, unescaped. It is called every time (results
 * are not cached). A nonzero return stops the render and is returned unchanged.
 *
 * Whitespace. A line holding only whitespace and tags other than interpolations (sections,
 * inverted sections, closes, comments, set-delimiters, partials, parents, blocks) is
 * "standalone": it disappears with its indentation and its line ending ("\n" or "\r\n"), also
 * as the first or the last line of the template. A line that opens and closes the same
 * section or block is not standalone (its content renders in place); a parent tag opened and
 * closed on one line is (it works as a partial). A standalone partial or parent tag indents
 * every line of what it includes by the whitespace before it (empty lines stay empty, so no
 * trailing whitespace is added); an inline one does not. A block argument loses the
 * indentation of its first line where it is written and gets the indentation of the {{$block}}
 * it replaces (spec ~inheritance "Block reindentation", "Intrinsic indentation").
 *
 * Limits. Sections, partials, parents, blocks and lambda results nest at most
 * KAM_TEMPLATE_MAX_DEPTH levels (compile fails with KAM_ELIMIT for deeper nesting in the text;
 * render fails with KAM_ELIMIT when partials or lambdas recurse deeper, naming the partial).
 * Nothing in a template or its data can exhaust the C stack: the deepest render needs about
 * 200 KiB of it (compiling needs under 4 KiB).
 *
 * Work. Compiling n bytes takes time O(n log n) at worst (linear but for sorting the argument
 * blocks of each parent tag by name) and memory O(n), whatever the delimiters: a long one is
 * found in time linear in the text. A render stops with KAM_ELIMIT after
 * kam_template_set_max_steps steps (default KAM_TEMPLATE_DEFAULT_MAX_STEPS), and every step
 * costs bounded time, so a template that loops over its data exponentially, prints a big value
 * many times or looks up blocks among many arguments cannot run for long. A step is:
 *   - a node rendered (text, tag) or an item of a section over an array;
 *   - a byte written, and a byte escaped (so {{name}} costs about two steps per byte);
 *   - a byte of a partial's text each time the render reads it (once per name per render for
 *     the first 256 partial names, at each use beyond those) and of a lambda's result;
 *   - a byte of a name per object searched for it on the context stack, per partial name
 *     compared in the cache, and per argument compared when a {{$block}} looks for its argument
 *     (a binary search: about log2 of the parent's argument count comparisons).
 * The time of the callbacks (write, partial, lambda) is the caller's.
 *
 * Thread rules: as for the owning ctx (one thread at a time). A template keeps a cache of the
 * partials it has compiled, so even rendering (which takes a const pointer) must not run on
 * two threads at once.
 */
#ifndef KAM_TEMPLATE_H
#define KAM_TEMPLATE_H

#include "common.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  /** Nesting limit of sections, partials, parents, blocks and lambda results. */
  KAM_TEMPLATE_MAX_DEPTH = 256,
  /** Default render step budget (see "Work" above): 100 million steps, so at most 100 MB of
   *  output (50 MB escaped); far above what a document-sized template needs. */
  KAM_TEMPLATE_DEFAULT_MAX_STEPS = 100000000
};

/** A compiled template. Opaque. */
typedef struct kam_template kam_template;

/** Partial lookup, called during kam_template_render for each partial name the render meets
 *  ({{>name}}, {{<name}}, and the resolved name of {{>*name}}), at most once per name per
 *  render. name is NOT NUL-terminated: use name_len. Set *src and *src_len to the partial's
 *  text (borrowed: it must stay valid until the render returns), or *src = NULL when there is
 *  no such partial (it then renders as nothing). *src is NULL and *src_len 0 on entry.
 *  The text is compiled once and cached in the template for later renders as long as the
 *  callback keeps returning the same bytes.
 *  Return 0 to go on; nonzero stops the render and kam_template_render returns it unchanged. */
typedef int (*kam_partial_fn)(void *ud, const char *name, size_t name_len, const char **src,
                              size_t *src_len);

/** Compiles src[0..len) (copied: src need not outlive the call). src may be NULL when len is 0.
 *  The text is not required to be UTF-8; its bytes pass through to the output unchanged.
 *  Errors set the ctx message to "line L, column C: what" (columns count UTF-8 characters):
 *  an unclosed tag, an unclosed section, a close tag that does not match its section, a bad
 *  set-delimiter tag, an empty tag name or a name with whitespace or an empty dotted part.
 *  Bounds: time O(len log len) (linear but for sorting the argument blocks of parent tags),
 *  memory O(len) (the copy plus about 100 bytes per tag), for any text and any delimiters.
 *  @return KAM_OK; KAM_EINVAL (out or ctx NULL, or src NULL with len > 0); KAM_EPARSE (malformed
 *          template); KAM_ELIMIT (nesting deeper than KAM_TEMPLATE_MAX_DEPTH, or 4 GiB of
 *          text); KAM_ENOMEM. On failure *out is NULL. */
KAM_API int kam_template_compile(kam_template **out, kam_ctx *ctx, const char *src, size_t len);

/** Frees a template and the partials it has cached. NULL is a no-op. */
KAM_API void kam_template_free(kam_template *t);

/** Sets the render step budget of t (see "Work" above); 0 means no limit (then a render of
 *  hostile input can run for as long as its data allows, exponentially long).
 *  @return KAM_OK, KAM_EINVAL (t NULL). */
KAM_API int kam_template_set_max_steps(kam_template *t, uint64_t max_steps);

/** Renders t against data (NULL renders as null) and writes the result through write.
 *  partial may be NULL (then every partial is missing). Output reaches write in chunks of up
 *  to 16 KiB; on failure, part of the output may already have been written. Errors are
 *  reported in the ctx t was compiled with (a partial that does not compile: "partial \"x\":
 *  line L, column C: ..."); the message is cleared at the start of each render.
 *  Bounds: time O(S) for the step budget S, whatever the template and the data (plus the time
 *  of the callbacks), so at most S bytes reach write; a spent budget is KAM_ELIMIT with the
 *  message "line L, column C: render stopped after S steps (...) writing the output at
 *  \"name\"" (or escaping, reading a partial, compiling a lambda result). Memory beyond the
 *  template: O(1) for the usual path; the partials compiled (O(their length), kept in t's
 *  cache); the indentation of nested standalone partials (at most S bytes); and under
 *  {{name}} of a lambda, its rendered result before escaping (at most S bytes).
 *  @return KAM_OK; KAM_EINVAL (t or write NULL); KAM_EPARSE (a partial or a lambda result
 *          does not compile); KAM_ELIMIT (nesting deeper than KAM_TEMPLATE_MAX_DEPTH through
 *          partials or lambdas, or the step budget spent); KAM_ENOMEM; or the nonzero status of
 *          the write, partial or lambda callback, unchanged. */
KAM_API int kam_template_render(const kam_template *t, const kam_value *data,
                                kam_partial_fn partial, void *partial_ud, kam_write_fn write,
                                void *write_ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_TEMPLATE_H */
