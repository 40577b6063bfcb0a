/* The normalization rules in C: the same rules as cleaner/clean/normalize.py, one
 * loop each over the code points of a whole text.
 *
 * Python's rules are regular expressions over the whole text (normalize.py,
 * widen.py); they stay the reference and the fallback where this module could not
 * be compiled, and tests/test_normalize_compiled.py checks that both give the same
 * text and the same counts. Each loop below says which pattern it stands for. As
 * re.sub does, a rule decides every change on the text as it was before the rule,
 * reading from one buffer and writing to another.
 *
 * Character classes come from Python (chars.char_class_table(), set once by
 * set_classes): a table of class bits per code point, built from the same class
 * strings the regular expressions use, so the two cannot drift apart.
 *
 * before_digits(text) runs odd-whitespace and fullwidth-alnum; the spaced-digits rule
 * stays in Python (spaced_digits.py); after_digits(text, punctuation, latin) runs
 * digit-cjk-spacing, latin-cjk-spacing, punctuation-width and punct-spacing as the
 * config asks. Both return the text and the count of each rule. The punctuation-width
 * graph is in _widen.c, what both files share in _normalize.h.
 */
#include "_normalize.h"

static PyObject *classes_owner; /* keeps the table's bytes alive */
NZ_SHARED const uint16_t *nz_classes;
NZ_SHARED Py_ssize_t nz_classes_size;

/* --------------------------------------------------------------------- odd-whitespace */

/* normalize._fix_whitespace: odd spaces to ' ' (ODD_SPACE_RE), a run of invisible
 * characters holding U+200B between two digits to ' ' (DIGIT_ZWSP_RE), other
 * invisible characters dropped (INVISIBLE_RE), space runs to one (SPACE_RUN_RE), and
 * _trim: one space off each end of a line, not counted where the line was only that. */
static long fix_whitespace(Text *t)
{
    long count = 0;
    Py_ssize_t n = t->n, j = 0;
    int zwsp = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = t->src[i];
        if (cls(c) & ODD_SPACE) {
            t->src[i] = ' ';
            count++;
        }
        zwsp |= c == 0x200B;
    }
    for (Py_ssize_t i = 0; i < n;) {
        Py_UCS4 c = t->src[i];
        if (!(cls(c) & INVISIBLE)) {
            t->dst[j++] = c;
            i++;
            continue;
        }
        Py_ssize_t end = i, has_zwsp = 0;
        while (end < n && (cls(t->src[end]) & INVISIBLE))
            has_zwsp |= t->src[end++] == 0x200B;
        if (zwsp && has_zwsp && i > 0 && is_any_digit(t->src[i - 1]) && end < n &&
            is_any_digit(t->src[end])) {
            t->dst[j++] = ' ';
            count++;
        } else {
            count += end - i;
        }
        i = end;
    }
    swap(t, j);
    j = 0;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        if (t->src[i] == ' ' && i > 0 && t->src[i - 1] == ' ') {
            count += i < 2 || t->src[i - 2] != ' '; /* one change per run */
            continue;
        }
        t->dst[j++] = t->src[i];
    }
    swap(t, j);
    j = 0;
    n = t->n;
    for (Py_ssize_t start = 0; start <= n;) {
        Py_ssize_t end = start;
        while (end < n && t->src[end] != '\n')
            end++;
        Py_ssize_t lo = start, hi = end;
        if (hi - lo == 1 && t->src[lo] == ' ') {
            lo = hi; /* a line that was only a space */
        } else {
            if (lo < hi && t->src[lo] == ' ') {
                lo++;
                count++;
            }
            if (lo < hi && t->src[hi - 1] == ' ') {
                hi--;
                count++;
            }
        }
        memmove(t->dst + j, t->src + lo, (size_t)(hi - lo) * sizeof(Py_UCS4));
        j += hi - lo;
        if (end < n)
            t->dst[j++] = '\n';
        start = end + 1;
    }
    swap(t, j);
    return count;
}

/* normalize._narrow_alnum: full-width digits and letters to ASCII (FULLWIDTH_ALNUM_RE),
 * then a full-width point between two ASCII digits to '.' (FULLWIDTH_POINT_RE). */
static long narrow_alnum(Text *t)
{
    long count = 0;
    Py_UCS4 *s = t->src;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = s[i];
        if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
            (c >= 0xFF41 && c <= 0xFF5A)) {
            s[i] = c - 0xFEE0;
            count++;
        }
    }
    for (Py_ssize_t i = 1; i + 1 < t->n; i++) {
        if (s[i] == 0xFF0E && is_digit(s[i - 1]) && is_digit(s[i + 1])) {
            s[i] = '.';
            count++;
        }
    }
    return count;
}

/* --------------------------------------------------------------------- spacing rules */

/* One decision per maximal run of spaces [p, q): whether the regular expression,
 * tried at the run's first space (its lookbehinds read what stands before, ' *'
 * then takes the whole run and its lookahead what follows), drops it. */
typedef int (*RunTest)(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t q);

static long drop_runs(Text *t, RunTest drops)
{
    long count = 0;
    Py_ssize_t j = 0, n = t->n;
    const Py_UCS4 *s = t->src;
    for (Py_ssize_t i = 0; i < n;) {
        if (s[i] != ' ') {
            t->dst[j++] = s[i++];
            continue;
        }
        Py_ssize_t q = i;
        while (q < n && s[q] == ' ')
            q++;
        if (drops(s, n, i, q)) {
            count++;
        } else {
            for (Py_ssize_t k = i; k < q; k++)
                t->dst[j++] = ' ';
        }
        i = q;
    }
    swap(t, j);
    return count;
}

/* normalize.DIGIT_CJK_SPACE_RE */
static int digit_cjk_run(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t q)
{
    Py_UCS4 before = p > 0 ? s[p - 1] : 0;
    unsigned after = q < n ? cls(s[q]) : 0;
    int unit_after_digit = p > 1 && (cls(before) & UNIT) &&
                           (is_digit(s[p - 2]) || (p > 2 && s[p - 2] == ' ' && is_digit(s[p - 3])));
    if ((after & SPACING_CJK) && (is_digit(before) || unit_after_digit))
        return 1;
    if (p > 0 && (cls(before) & SPACING_CJK) && q < n && is_digit(s[q]))
        return 1;
    return is_digit(before) && p > 0 && (after & UNIT);
}

/* normalize.PUNCT_SPACE_RE */
static int punct_run(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t q)
{
    return (p > 0 && (cls(s[p - 1]) & CJK_PUNCT)) || (q < n && (cls(s[q]) & CJK_PUNCT));
}

/* normalize.URLISH_RE over s[lo, hi): '/', '@', or letter '.' letter. */
static int urlish(const Py_UCS4 *s, Py_ssize_t lo, Py_ssize_t hi)
{
    for (Py_ssize_t k = lo; k < hi; k++) {
        if (s[k] == '/' || s[k] == '@')
            return 1;
        if (s[k] == '.' && k > lo && k + 1 < hi && is_letter(s[k - 1]) && is_letter(s[k + 1]))
            return 1;
    }
    return 0;
}

/* normalize.LATIN_BEFORE_CJK_RE with its callback: the word is the whole token
 * before the run, from the previous space or line break. */
static int latin_before_run(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t q)
{
    if (!(p > 0 && is_letter(s[p - 1]) && q < n && (cls(s[q]) & SPACING_CJK)))
        return 0;
    Py_ssize_t start = p;
    while (start > 0 && s[start - 1] != ' ' && s[start - 1] != '\n')
        start--;
    return !urlish(s, start, p);
}

/* normalize.LATIN_AFTER_CJK_RE with its callback: a run after Han or kana, before a
 * word that opens with a Latin letter; the match takes the word along. */
static long latin_after(Text *t)
{
    long count = 0;
    Py_ssize_t j = 0, n = t->n;
    const Py_UCS4 *s = t->src;
    for (Py_ssize_t i = 0; i < n;) {
        if (s[i] != ' ' || i == 0 || !(cls(s[i - 1]) & SPACING_CJK)) {
            t->dst[j++] = s[i++];
            continue;
        }
        Py_ssize_t q = i;
        while (q < n && s[q] == ' ')
            q++;
        if (q == n || !is_letter(s[q])) {
            for (; i < q; i++)
                t->dst[j++] = ' ';
            continue;
        }
        Py_ssize_t end = q;
        while (end < n && s[end] != ' ' && s[end] != '\n')
            end++;
        if (urlish(s, q, end)) {
            for (Py_ssize_t k = i; k < q; k++)
                t->dst[j++] = ' ';
        } else {
            count++;
        }
        memcpy(t->dst + j, s + q, (size_t)(end - q) * sizeof(Py_UCS4));
        j += end - q;
        i = end;
    }
    swap(t, j);
    return count;
}

/* normalize._narrow_punctuation (ascii mode): U+FF01-FF5E punctuation to ASCII. */
static long narrow_punctuation(Text *t)
{
    long count = 0;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = t->src[i];
        if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
            (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF5E)) {
            t->src[i] = c - 0xFEE0;
            count++;
        }
    }
    return count;
}

/* --------------------------------------------------------------------- the module */

/* Copy a str into a Text with room for a second buffer; NULL (exception set) on failure. */
static int open_text(PyObject *text, Text *t)
{
    t->n = PyUnicode_GET_LENGTH(text);
    t->src = PyUnicode_AsUCS4Copy(text);
    t->dst = t->src ? PyMem_Malloc((size_t)(t->n + 1) * sizeof(Py_UCS4)) : NULL;
    if (t->src && !t->dst) {
        PyMem_Free(t->src);
        PyErr_NoMemory();
    }
    return t->dst != NULL;
}

static PyObject *close_text(Text *t)
{
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, t->src, t->n);
    PyMem_Free(t->src);
    PyMem_Free(t->dst);
    return out;
}

static int classes_ready(void)
{
    if (nz_classes == NULL)
        PyErr_SetString(PyExc_RuntimeError, "set_classes() was not called");
    return nz_classes != NULL;
}

static PyObject *py_set_classes(PyObject *self, PyObject *args)
{
    PyObject *table;
    if (!PyArg_ParseTuple(args, "S", &table))
        return NULL;
    Py_INCREF(table);
    Py_XSETREF(classes_owner, table);
    nz_classes = (const uint16_t *)PyBytes_AS_STRING(table);
    nz_classes_size = PyBytes_GET_SIZE(table) / 2;
    Py_RETURN_NONE;
}

static PyObject *py_before_digits(PyObject *self, PyObject *args)
{
    PyObject *text;
    Text t;
    if (!PyArg_ParseTuple(args, "U", &text) || !classes_ready() || !open_text(text, &t))
        return NULL;
    long whitespace = fix_whitespace(&t);
    long alnum = narrow_alnum(&t);
    PyObject *out = close_text(&t);
    return out ? Py_BuildValue("Nll", out, whitespace, alnum) : NULL;
}

static PyObject *py_after_digits(PyObject *self, PyObject *args)
{
    PyObject *text;
    int punctuation, latin; /* punctuation: 0 cjk, 1 ascii, 2 keep */
    Text t;
    if (!PyArg_ParseTuple(args, "Uip", &text, &punctuation, &latin) || !classes_ready() ||
        !open_text(text, &t))
        return NULL;
    long digit_cjk = drop_runs(&t, digit_cjk_run);
    long latin_cjk = 0, width = 0, punct;
    if (latin) {
        latin_cjk = drop_runs(&t, latin_before_run);
        latin_cjk += latin_after(&t);
    }
    if (punctuation == 0)
        width = nz_widen(&t);
    punct = drop_runs(&t, punct_run);
    if (punctuation == 1)
        width = narrow_punctuation(&t);
    if (width < 0) {
        close_text(&t);
        return PyErr_NoMemory();
    }
    PyObject *out = close_text(&t);
    return out ? Py_BuildValue("Nllll", out, digit_cjk, latin_cjk, width, punct) : NULL;
}

static PyMethodDef methods[] = {
    {"set_classes", py_set_classes, METH_VARARGS,
     "set_classes(table): the class bits of each code point, as native uint16 bytes."},
    {"before_digits", py_before_digits, METH_VARARGS,
     "before_digits(text) -> (text, odd-whitespace count, fullwidth-alnum count)"},
    {"after_digits", py_after_digits, METH_VARARGS,
     "after_digits(text, punctuation, latin) -> (text, digit-cjk-spacing, latin-cjk-spacing, "
     "punctuation-width, punct-spacing counts); punctuation 0 cjk, 1 ascii, 2 keep"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_normalize", "The normalization rules, compiled.", -1, methods,
};

PyMODINIT_FUNC PyInit__normalize(void) { return PyModule_Create(&module); }
