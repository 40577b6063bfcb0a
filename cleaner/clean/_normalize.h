/* Shared by _normalize.c (the module and the spacing rules) and _widen.c (the
 * punctuation-width graph): class bits, the character tests and the text buffers. */
#ifndef CLEANER_NORMALIZE_H
#define CLEANER_NORMALIZE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Class bits: chars.CHAR_CLASS_BITS gives the same numbers. */
enum {
    HAN = 1,         /* chars.HAN */
    KANA = 2,        /* chars.KANA */
    HANGUL = 4,      /* chars.HANGUL */
    CJK_PUNCT = 8,   /* chars.CJK_PUNCT */
    CONTEXT_PT = 16, /* the full-width point, CJK context for punctuation width */
    ODD_SPACE = 32,  /* chars.ODD_SPACES */
    INVISIBLE = 64,  /* chars.INVISIBLES */
    SKIP = 128,      /* chars.SKIP: spaces and quotes a neighbour is looked for behind */
    UNIT = 256,      /* chars.UNITS */
};
#define CJK_LETTER (HAN | KANA | HANGUL)
#define CJK_CONTEXT (CJK_LETTER | CJK_PUNCT | CONTEXT_PT)
#define SPACING_CJK (HAN | KANA)

/* Shared between the two files, not exported from the module. */
#if defined(__GNUC__)
#define NZ_SHARED __attribute__((visibility("hidden")))
#else
#define NZ_SHARED
#endif

NZ_SHARED extern const uint16_t *nz_classes; /* set by set_classes in _normalize.c */
NZ_SHARED extern Py_ssize_t nz_classes_size;

static inline unsigned cls(Py_UCS4 c) { return c < (Py_UCS4)nz_classes_size ? nz_classes[c] : 0; }
static inline int is_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int is_any_digit(Py_UCS4 c) { return is_digit(c) || (c >= 0xFF10 && c <= 0xFF19); }
static inline int is_letter(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

typedef struct {
    Py_UCS4 *src, *dst; /* the text before and after the rule that runs */
    Py_ssize_t n;       /* its length in src */
} Text;

static inline void swap(Text *t, Py_ssize_t n)
{
    Py_UCS4 *done = t->dst;
    t->dst = t->src;
    t->src = done;
    t->n = n;
}

/* widen.widen_punctuation: each line on its own. Returns -1 when out of memory. */
NZ_SHARED long nz_widen(Text *t);

#endif
