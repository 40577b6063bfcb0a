/* The counts behind document signals, in C (cleaner/clean/signals.py).
 *
 * count_batch(texts, classes, cap, out) reads each text once and writes one row of
 * COLUMNS integers per text into out (int64, len(texts) x COLUMNS):
 *
 *   0 chars               characters that are not white space (str.isspace)
 *   1 lines               lines of text.split("\n") holding such a character
 *   2 longest_line        of those lines, the most characters other than U+0020
 *   3 line_chars          their characters other than U+0020, summed
 *   4 repeated_lines      those lines equal to an earlier one
 *   5 repeated_line_chars their characters other than U+0020
 *   6..11                 per flag bit 0..5 of classes[c], the characters carrying it
 *  12..14 top[n], n=2..4  how often the most frequent character n-gram occurs
 *  15..20 dup[n], n=5..10 characters inside an occurrence of an n-gram that occurred
 *                         before (each character counted once)
 *
 * N-grams are of the text without white space, read up to cap characters.
 * classes is a table of 0x110000 flag bytes, bit 6 marking white space.
 *
 * signals.count_reference computes the same row with Python strings: it is the
 * definition, the fallback where this module could not be compiled, and what the
 * tests compare this with.
 *
 * N-grams: one chain of levels, n = 2..10. An n-gram can occur twice only where its
 * first n - 1 characters do, so level n looks only at the positions whose (n - 1)-gram
 * is shared (occurs at least twice); on running text most positions drop out after a
 * few levels. A level's key packs exactly what identifies its n-gram: two code points
 * (21 bits each) at level 2, then the slot of the (n - 1)-gram in the previous level's
 * table and the n-th code point; so counts are exact, with no comparison of text. A slot
 * holds its key and its count in one word: one memory access per position.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define COLUMNS 21
#define COL_CHARS 0
#define COL_LINES 1
#define COL_LONGEST 2
#define COL_LINE_CHARS 3
#define COL_REPEATED_LINES 4
#define COL_REPEATED_CHARS 5
#define COL_FLAGS 6
#define FLAG_BITS 6
#define COL_TOP 12
#define COL_DUP 15
#define MIN_N 2
#define MAX_N 10
#define TOP_LEVELS 3 /* n = 2, 3, 4 */
#define DUP_FIRST 5  /* dup columns start at n = 5 */
#define SPACE_FLAG 64
#define FLAG_VALUES 64
#define CODE_BITS 21
#define TABLE_SIZE 0x110000
/* A table slot packs a key and its count. A key is two code points (21 bits each), or a
 * slot of the previous level (below TABLE_ROOM * MAX_CAP = 2^22) and a code point: 43
 * bits. The count takes the other 21, enough for the MAX_CAP positions of a level. */
#define KEY_BITS 43
#define KEY_MASK ((1ULL << KEY_BITS) - 1)
#define COUNT_ONE (1ULL << KEY_BITS)
#define MAX_CAP (1 << 20)
#define LINES_KEPT_CAPACITY 4096
#define LINE_HASH_ENDS 4
/* A level's table has at least this many slots a position: at 2 the probes past a
 * collision cost a fifth of the n-gram time, at 8 the table no longer stays in cache. */
#define TABLE_ROOM 4
#define FNV_PRIME 0x100000001B3ULL
#define FNV_OFFSET 0xCBF29CE484222325ULL
#define GOLDEN_64 0x9E3779B97F4A7C15ULL

/* Work memory of a batch, grown to its longest text. */
typedef struct {
    uint32_t *points;   /* the text without white space, up to cap */
    int32_t *positions; /* positions alive at a level */
    uint64_t *keys;     /* their n-gram's key at a level */
    int32_t *slots;     /* their n-gram's slot in the level's table */
    uint64_t *table;    /* a level's table: key | count << KEY_BITS, 0 when free */
    Py_ssize_t points_size, table_size;
    /* distinct lines of a text: hash, start and length, open addressing */
    uint64_t *line_hashes;
    Py_ssize_t *line_starts, *line_lengths;
    Py_ssize_t line_capacity, line_used;
} Work;

static void work_free(Work *w)
{
    PyMem_RawFree(w->points);
    PyMem_RawFree(w->positions);
    PyMem_RawFree(w->keys);
    PyMem_RawFree(w->slots);
    PyMem_RawFree(w->table);
    PyMem_RawFree(w->line_hashes);
    PyMem_RawFree(w->line_starts);
    PyMem_RawFree(w->line_lengths);
}

static int grow(void **array, size_t size)
{
    void *grown = PyMem_RawRealloc(*array, size ? size : 1);
    if (grown == NULL)
        return -1;
    *array = grown;
    return 0;
}

/* Room for n-grams of a text of `length` points. */
static int work_reserve(Work *w, Py_ssize_t length)
{
    if (length + 1 > w->points_size) {
        size_t n = (size_t)length + 1; /* a spare slot for the stores past the points kept */
        if (grow((void **)&w->points, n * sizeof(uint32_t)) ||
            grow((void **)&w->positions, n * sizeof(int32_t)) ||
            grow((void **)&w->keys, n * sizeof(uint64_t)) ||
            grow((void **)&w->slots, n * sizeof(int32_t)))
            return -1;
        w->points_size = length + 1;
    }
    Py_ssize_t capacity = 16;
    while (capacity < TABLE_ROOM * length)
        capacity <<= 1;
    if (capacity > w->table_size) {
        if (grow((void **)&w->table, (size_t)capacity * sizeof(uint64_t)))
            return -1;
        w->table_size = capacity;
    }
    return 0;
}

/* ---------------------------------------------------------------- lines */

static int lines_reset(Work *w)
{
    if (w->line_capacity > LINES_KEPT_CAPACITY) { /* a text of many lines: not for the next */
        PyMem_RawFree(w->line_hashes);
        PyMem_RawFree(w->line_starts);
        PyMem_RawFree(w->line_lengths);
        w->line_hashes = NULL;
        w->line_starts = w->line_lengths = NULL;
        w->line_capacity = 0;
    }
    if (w->line_capacity == 0) {
        w->line_capacity = 64;
        if (grow((void **)&w->line_hashes, 64 * sizeof(uint64_t)) ||
            grow((void **)&w->line_starts, 64 * sizeof(Py_ssize_t)) ||
            grow((void **)&w->line_lengths, 64 * sizeof(Py_ssize_t)))
            return -1;
    }
    for (Py_ssize_t s = 0; s < w->line_capacity; s++)
        w->line_starts[s] = -1;
    w->line_used = 0;
    return 0;
}

static int lines_grow(Work *w)
{
    Py_ssize_t old_capacity = w->line_capacity, capacity = old_capacity * 2;
    uint64_t *hashes = PyMem_RawMalloc((size_t)capacity * sizeof(uint64_t));
    Py_ssize_t *starts = PyMem_RawMalloc((size_t)capacity * sizeof(Py_ssize_t));
    Py_ssize_t *lengths = PyMem_RawMalloc((size_t)capacity * sizeof(Py_ssize_t));
    if (hashes == NULL || starts == NULL || lengths == NULL) {
        PyMem_RawFree(hashes);
        PyMem_RawFree(starts);
        PyMem_RawFree(lengths);
        return -1;
    }
    for (Py_ssize_t s = 0; s < capacity; s++)
        starts[s] = -1;
    for (Py_ssize_t s = 0; s < old_capacity; s++) {
        if (w->line_starts[s] < 0)
            continue;
        uint64_t t = (w->line_hashes[s] * GOLDEN_64) & (uint64_t)(capacity - 1);
        while (starts[t] >= 0)
            t = (t + 1) & (uint64_t)(capacity - 1);
        hashes[t] = w->line_hashes[s];
        starts[t] = w->line_starts[s];
        lengths[t] = w->line_lengths[s];
    }
    PyMem_RawFree(w->line_hashes);
    PyMem_RawFree(w->line_starts);
    PyMem_RawFree(w->line_lengths);
    w->line_hashes = hashes;
    w->line_starts = starts;
    w->line_lengths = lengths;
    w->line_capacity = capacity;
    return 0;
}

/* 1 if the line data[start, start + length) equals an earlier line, 0 if it is new
 * (then remembered), -1 without memory. Lines of one text share its kind. */
static int line_seen(Work *w, const char *data, int kind, Py_ssize_t start, Py_ssize_t length,
                     uint64_t hash)
{
    uint64_t mask = (uint64_t)(w->line_capacity - 1);
    for (uint64_t s = (hash * GOLDEN_64) & mask;; s = (s + 1) & mask) {
        Py_ssize_t other = w->line_starts[s];
        if (other < 0) {
            w->line_hashes[s] = hash;
            w->line_starts[s] = start;
            w->line_lengths[s] = length;
            w->line_used++;
            if (2 * w->line_used > w->line_capacity && lines_grow(w) != 0)
                return -1;
            return 0;
        }
        if (w->line_hashes[s] == hash && w->line_lengths[s] == length &&
            memcmp(data + other * kind, data + start * kind, (size_t)(length * kind)) == 0)
            return 1;
    }
}

/* ---------------------------------------------------------------- one text */

/* Per text: its row, and the flag values of its characters counted in HISTOGRAMS
 * interleaved copies (one count a character, in copy i % HISTOGRAMS): running text
 * repeats a flag value from one character to the next, and one copy would make each
 * count wait for the one before. Flag values with SPACE_FLAG count white space. */
#define HISTOGRAMS 4
#define ALL_FLAG_VALUES (SPACE_FLAG + 1) /* white space has SPACE_FLAG alone */

typedef struct {
    int64_t *row;
    int64_t histogram[HISTOGRAMS][ALL_FLAG_VALUES];
} Scan;

/* A line's hash for the table of distinct lines: its length and its first and last
 * characters. Lines that share them are told apart by comparing them whole. */
static uint64_t line_hash(const char *data, int kind, Py_ssize_t start, Py_ssize_t length)
{
    uint64_t hash = (FNV_OFFSET ^ (uint64_t)length) * FNV_PRIME;
    Py_ssize_t ends = length < LINE_HASH_ENDS ? length : LINE_HASH_ENDS;
    for (Py_ssize_t k = 0; k < ends; k++) {
        hash = (hash ^ PyUnicode_READ(kind, data, start + k)) * FNV_PRIME;
        hash = (hash ^ PyUnicode_READ(kind, data, start + length - 1 - k)) * FNV_PRIME;
    }
    return hash;
}

/* Count the line data[start, start + length) holding `spaces` U+0020, if it holds text. */
static int end_line(Work *w, Scan *scan, const char *data, int kind, Py_ssize_t start,
                    Py_ssize_t length, Py_ssize_t spaces, int has_text)
{
    if (!has_text)
        return 0;
    int64_t *row = scan->row;
    int64_t size = length - spaces;
    row[COL_LINES]++;
    row[COL_LINE_CHARS] += size;
    if (size > row[COL_LONGEST])
        row[COL_LONGEST] = size;
    int seen = line_seen(w, data, kind, start, length, line_hash(data, kind, start, length));
    if (seen < 0)
        return -1;
    if (seen) {
        row[COL_REPEATED_LINES]++;
        row[COL_REPEATED_CHARS] += size;
    }
    return 0;
}

/* Read a text once: its lines, its classes, its points without white space (the first
 * `room` of them; a store past them lands in the spare last slot). Written three times
 * over, one per storage kind of str, for the compiler to see a plain array in each;
 * without branches but at line ends. */
#define SCAN_TEXT(TYPE)                                                                    \
    do {                                                                                   \
        const TYPE *chars = (const TYPE *)data;                                            \
        Py_ssize_t start = 0, spaces = 0;                                                  \
        int has_text = 0;                                                                  \
        for (Py_ssize_t i = 0; i < length; i++) {                                          \
            uint32_t c = chars[i];                                                         \
            if (c == '\n') {                                                               \
                if (end_line(w, &scan, data, kind, start, i - start, spaces, has_text))    \
                    return -1;                                                             \
                start = i + 1;                                                             \
                spaces = has_text = 0;                                                     \
                continue;                                                                  \
            }                                                                              \
            uint8_t flags = classes[c];                                                    \
            int text = !(flags & SPACE_FLAG);                                              \
            spaces += c == ' ';                                                            \
            has_text |= text;                                                              \
            scan.histogram[i % HISTOGRAMS][flags]++;                                       \
            w->points[kept < room ? kept : room] = c;                                      \
            kept += text;                                                                  \
        }                                                                                  \
        if (end_line(w, &scan, data, kind, start, length - start, spaces, has_text))       \
            return -1;                                                                     \
    } while (0)

static int ngram_counts(Work *w, Py_ssize_t length, int64_t *top, int64_t *dup);

static int count_text(Work *w, PyObject *text, const uint8_t *classes, Py_ssize_t cap,
                      int64_t *row)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const char *data = PyUnicode_DATA(text);
    Scan scan;
    memset(&scan, 0, sizeof scan);
    scan.row = row;
    for (int k = 0; k < COLUMNS; k++)
        row[k] = 0;
    Py_ssize_t room = length < cap ? length : cap;
    if (work_reserve(w, room) != 0 || lines_reset(w) != 0)
        return -1;
    Py_ssize_t kept = 0;
    if (kind == PyUnicode_1BYTE_KIND)
        SCAN_TEXT(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        SCAN_TEXT(Py_UCS2);
    else
        SCAN_TEXT(Py_UCS4);
    row[COL_CHARS] = kept;
    for (int value = 0; value < FLAG_VALUES; value++) {
        int64_t found = 0;
        for (int copy = 0; copy < HISTOGRAMS; copy++)
            found += scan.histogram[copy][value];
        for (int bit = 0; bit < FLAG_BITS; bit++)
            row[COL_FLAGS + bit] += (value >> bit & 1) * found;
    }
    return ngram_counts(w, kept < cap ? kept : cap, row + COL_TOP, row + COL_DUP);
}

/* ---------------------------------------------------------------- n-grams */

/* The slot of key in a level's table: the key's own, or the free one where it goes. The
 * loop branches once, on a collision: a slot free or holding the key is as good as a
 * coin toss, and a branch on which would be mispredicted half the time. */
static inline uint64_t find_slot(const uint64_t *restrict table, int shift, uint64_t mask,
                                 uint64_t key)
{
    uint64_t s = (key * GOLDEN_64) >> shift;
    for (;;) {
        uint64_t held = table[s], other = (held & KEY_MASK) ^ key;
        if ((other < held ? other : held) == 0) /* free (0), or its key (other == 0) */
            return s;
        s = (s + 1) & mask;
    }
}

/* Level 2: count the 2-grams at every position k < count, keyed by their two code points;
 * put each one's slot in slots[k]; return the most occurrences of one 2-gram. */
static uint64_t count_pairs(uint64_t *restrict table, int shift, const uint32_t *restrict points,
                            int32_t *restrict slots, Py_ssize_t count)
{
    uint64_t mask = (1ULL << (64 - shift)) - 1, best = 1;
    for (Py_ssize_t k = 0; k < count; k++) {
        uint64_t key = ((uint64_t)points[k] << CODE_BITS) | points[k + 1];
        uint64_t s = find_slot(table, shift, mask, key);
        /* A free slot takes the key, a slot of the key keeps it: one count more. */
        uint64_t slot = (table[s] | key) + COUNT_ONE;
        table[s] = slot;
        slots[k] = (int32_t)s;
        best = (slot >> KEY_BITS) > best ? slot >> KEY_BITS : best;
    }
    return best;
}

/* Levels 3 and 4: the same for the n-grams of keys[0..count). */
static uint64_t count_level(uint64_t *restrict table, int shift, const uint64_t *restrict keys,
                            int32_t *restrict slots, Py_ssize_t count)
{
    uint64_t mask = (1ULL << (64 - shift)) - 1, best = 1;
    for (Py_ssize_t k = 0; k < count; k++) {
        uint64_t key = keys[k], s = find_slot(table, shift, mask, key);
        uint64_t slot = (table[s] | key) + COUNT_ONE;
        table[s] = slot;
        slots[k] = (int32_t)s;
        best = (slot >> KEY_BITS) > best ? slot >> KEY_BITS : best;
    }
    return best;
}

/* Levels 5 to 10: count the n-grams of keys[0..count) at positions[], put each one's slot
 * in slots[]; return the characters inside their later occurrences (each once). Written
 * with conditional moves: a later occurrence is as likely as a first one here, and a
 * branch on it was a third of the whole. */
static int64_t count_repeats(uint64_t *restrict table, int shift, const uint64_t *restrict keys,
                             int32_t *restrict slots, const int32_t *restrict positions,
                             Py_ssize_t count, int n)
{
    uint64_t mask = (1ULL << (64 - shift)) - 1;
    int64_t repeated = 0, covered_until = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        uint64_t key = keys[k], s = find_slot(table, shift, mask, key);
        uint64_t slot = (table[s] | key) + COUNT_ONE;
        table[s] = slot;
        slots[k] = (int32_t)s;
        int64_t start = positions[k], end = start + n;
        int64_t from = start > covered_until ? start : covered_until;
        int64_t added = end > from ? end - from : 0;
        int later = slot >= 2 * COUNT_ONE;
        repeated += later ? added : 0;
        covered_until = later && end > covered_until ? end : covered_until;
    }
    return repeated;
}

static int ngram_counts(Work *w, Py_ssize_t length, int64_t *top, int64_t *dup)
{
    const uint32_t *restrict points = w->points;
    int32_t *restrict positions = w->positions, *restrict slots = w->slots;
    uint64_t *restrict keys = w->keys, *restrict table = w->table;
    for (int n = MIN_N; n < MIN_N + TOP_LEVELS; n++)
        top[n - MIN_N] = length >= n ? 1 : 0;
    if (length < MIN_N)
        return 0;
    Py_ssize_t count = length - 1;
    for (int n = MIN_N; n <= MAX_N && count > 0; n++) {
        Py_ssize_t capacity = 16;
        int shift = 60;
        while (capacity < TABLE_ROOM * count) {
            capacity <<= 1;
            shift--;
        }
        memset(table, 0, (size_t)capacity * sizeof(uint64_t));
        if (n == MIN_N)
            top[0] = (int64_t)count_pairs(table, shift, points, slots, count);
        else if (n < DUP_FIRST)
            top[n - MIN_N] = (int64_t)count_level(table, shift, keys, slots, count);
        else
            dup[n - DUP_FIRST] = count_repeats(table, shift, keys, slots, positions, count, n);
        /* The next level: shared positions whose (n + 1)-gram fits in the text, keyed by
         * their n-gram's slot and their next character. Written without a branch:
         * whether a position is shared is a coin toss to the processor. */
        Py_ssize_t kept = 0;
        for (Py_ssize_t k = 0; k < count; k++) {
            int32_t i = n == MIN_N ? (int32_t)k : positions[k];
            int32_t slot = slots[k];
            positions[kept] = i;
            keys[kept] = ((uint64_t)slot << CODE_BITS) | points[i + n < length ? i + n : 0];
            kept += (table[slot] >= 2 * COUNT_ONE) & (i + n < length);
        }
        count = kept;
    }
    return 0;
}

/* ---------------------------------------------------------------- module */

/* The work memory stays from one call to the next (the GIL is held throughout): the
 * pages of a fresh allocation this large cost a page fault each, every chunk. A text
 * longer than WORK_KEPT_POINTS gives its memory back (the tables take 52 bytes a
 * point). */
#define WORK_KEPT_POINTS (1 << 16)
static Work work;

static PyObject *py_count_batch(PyObject *self, PyObject *args)
{
    PyObject *texts;
    Py_buffer classes, out;
    Py_ssize_t cap;
    if (!PyArg_ParseTuple(args, "O!y*nw*", &PyList_Type, &texts, &classes, &cap, &out))
        return NULL;
    Py_ssize_t n_texts = PyList_GET_SIZE(texts);
    const char *problem = NULL;
    if (classes.len != TABLE_SIZE)
        problem = "count_batch: the class table must have 0x110000 entries";
    else if (out.len != n_texts * COLUMNS * (Py_ssize_t)sizeof(int64_t))
        problem = "count_batch: out must hold len(texts) rows of 21 int64";
    else if (cap < 0 || cap > MAX_CAP)
        problem = "count_batch: cap out of range";
    for (Py_ssize_t d = 0; problem == NULL && d < n_texts; d++)
        if (!PyUnicode_Check(PyList_GET_ITEM(texts, d)))
            problem = "count_batch: texts must be str";
    int failed = 0;
    for (Py_ssize_t d = 0; problem == NULL && !failed && d < n_texts; d++)
        failed = count_text(&work, PyList_GET_ITEM(texts, d), (const uint8_t *)classes.buf, cap,
                            (int64_t *)out.buf + d * COLUMNS) != 0;
    if (failed || work.points_size > WORK_KEPT_POINTS) {
        work_free(&work);
        memset(&work, 0, sizeof work);
    }
    PyBuffer_Release(&classes);
    PyBuffer_Release(&out);
    if (problem != NULL) {
        PyErr_SetString(PyExc_ValueError, problem);
        return NULL;
    }
    if (failed)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"count_batch", py_count_batch, METH_VARARGS,
     "count_batch(texts, classes, cap, out): per text, one row of the counts behind its "
     "signals (see the module's source for the columns)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ngrams", "The counts behind document signals.", -1, methods,
};

PyMODINIT_FUNC PyInit__ngrams(void) { return PyModule_Create(&module); }
