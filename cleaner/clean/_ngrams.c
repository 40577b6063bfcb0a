/* The character n-gram statistics of document signals in C (cleaner/clean/signals.py).
 *
 * For each document (a segment of code points, white space already removed):
 *   top[n - 2], n = 2..4: how many times its most frequent n-gram occurs (overlapping);
 *   dup[n - 5], n = 5..10: how many characters lie inside an occurrence of an n-gram
 *       that is not that n-gram's first occurrence (each character counted once).
 *
 * signals.ngram_counts_reference computes the same numbers with Python strings; it is
 * the definition, the fallback where this module could not be compiled, and what the
 * tests compare this with.
 *
 * One chain of levels, n = 2..10: an n-gram can occur twice only where its first
 * n - 1 characters do, so level n looks only at the positions whose (n - 1)-gram is
 * shared (occurs at least twice). On running text most positions drop out after a
 * few levels. Each level keys an open-addressing table by a 64-bit hash of the
 * n-gram and confirms a match by comparing the code points, so counts are exact.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MIN_N 2
#define MAX_N 10
#define TOP_LEVELS 3  /* n = 2, 3, 4 */
#define DUP_FIRST 5   /* dup[] starts at n = 5 */
#define FNV_PRIME 0x100000001B3ULL
#define FNV_OFFSET 0xCBF29CE484222325ULL
#define GOLDEN_64 0x9E3779B97F4A7C15ULL

typedef struct {
    uint64_t hash;
    int64_t first; /* position of the first occurrence; -1: free slot */
    int64_t count;
} Slot;

/* The statistics of one document: points[0..length). Work arrays hold length items. */
static int document_counts(const uint32_t *points, int64_t length, int64_t *top, int64_t *dup,
                           int64_t *positions, uint64_t *hashes, int64_t *slot_of)
{
    for (int n = MIN_N; n <= MAX_N; n++) {
        if (n - MIN_N < TOP_LEVELS)
            top[n - MIN_N] = length >= n ? 1 : 0;
        else
            dup[n - DUP_FIRST] = 0;
    }
    if (length < MIN_N)
        return 0;
    /* Level 2 starts from every position, with the hash of its first character. */
    int64_t count = length - 1;
    for (int64_t i = 0; i < count; i++) {
        positions[i] = i;
        hashes[i] = (FNV_OFFSET ^ points[i]) * FNV_PRIME;
    }
    for (int n = MIN_N; n <= MAX_N && count > 0; n++) {
        int64_t capacity = 16;
        while (capacity < 2 * count)
            capacity <<= 1;
        int shift = 64;
        for (int64_t c = capacity; c > 1; c >>= 1)
            shift--;
        Slot *table = PyMem_RawMalloc((size_t)capacity * sizeof(Slot));
        if (table == NULL)
            return -1;
        for (int64_t s = 0; s < capacity; s++)
            table[s].first = -1;
        int64_t covered = 0, covered_until = 0, kept = 0, best = 1;
        for (int64_t k = 0; k < count; k++) {
            int64_t i = positions[k];
            uint64_t hash = (hashes[k] ^ points[i + n - 1]) * FNV_PRIME;
            hashes[k] = hash;
            uint64_t s = (hash * GOLDEN_64) >> shift;
            for (;;) {
                Slot *slot = &table[s];
                if (slot->first < 0) {
                    slot->hash = hash;
                    slot->first = i;
                    slot->count = 1;
                    break;
                }
                if (slot->hash == hash &&
                    memcmp(points + slot->first, points + i, (size_t)n * sizeof(uint32_t)) == 0) {
                    slot->count++;
                    if (slot->count > best)
                        best = slot->count;
                    if (n >= DUP_FIRST) { /* a later occurrence: its characters are repeats */
                        int64_t from = i > covered_until ? i : covered_until;
                        if (i + n > from)
                            covered += i + n - from;
                        if (i + n > covered_until)
                            covered_until = i + n;
                    }
                    break;
                }
                s = (s + 1) & (uint64_t)(capacity - 1);
            }
            slot_of[k] = (int64_t)s;
        }
        if (n - MIN_N < TOP_LEVELS)
            top[n - MIN_N] = best;
        else
            dup[n - DUP_FIRST] = covered;
        /* The next level: shared positions whose (n + 1)-gram fits in the document. */
        for (int64_t k = 0; k < count; k++) {
            int64_t i = positions[k];
            if (table[slot_of[k]].count >= 2 && i + n < length) {
                positions[kept] = i;
                hashes[kept] = hashes[k];
                kept++;
            }
        }
        PyMem_RawFree(table);
        count = kept;
    }
    return 0;
}

static PyObject *py_ngram_counts(PyObject *self, PyObject *args)
{
    Py_buffer points, lengths, top, dup;
    if (!PyArg_ParseTuple(args, "y*y*w*w*", &points, &lengths, &top, &dup))
        return NULL;
    Py_ssize_t n_points = points.len / 4, n_docs = lengths.len / 8;
    const int64_t *length = (const int64_t *)lengths.buf;
    int ok = top.len == n_docs * TOP_LEVELS * 8 && dup.len == n_docs * (MAX_N - DUP_FIRST + 1) * 8;
    int64_t total = 0, longest = 0;
    for (Py_ssize_t d = 0; ok && d < n_docs; d++) {
        ok = length[d] >= 0 && length[d] <= n_points - total;
        total += length[d];
        longest = length[d] > longest ? length[d] : longest;
    }
    ok = ok && total == n_points;
    int failed = 0;
    int64_t *positions = NULL, *slot_of = NULL;
    uint64_t *hashes = NULL;
    if (ok) {
        positions = PyMem_RawMalloc((size_t)(longest + 1) * sizeof(int64_t));
        slot_of = PyMem_RawMalloc((size_t)(longest + 1) * sizeof(int64_t));
        hashes = PyMem_RawMalloc((size_t)(longest + 1) * sizeof(uint64_t));
        failed = positions == NULL || slot_of == NULL || hashes == NULL;
    }
    if (ok && !failed) {
        Py_BEGIN_ALLOW_THREADS
        int64_t start = 0;
        for (Py_ssize_t d = 0; d < n_docs && !failed; d++) {
            failed = document_counts((const uint32_t *)points.buf + start, length[d],
                                     (int64_t *)top.buf + d * TOP_LEVELS,
                                     (int64_t *)dup.buf + d * (MAX_N - DUP_FIRST + 1), positions,
                                     hashes, slot_of) != 0;
            start += length[d];
        }
        Py_END_ALLOW_THREADS
    }
    PyMem_RawFree(positions);
    PyMem_RawFree(slot_of);
    PyMem_RawFree(hashes);
    PyBuffer_Release(&points);
    PyBuffer_Release(&lengths);
    PyBuffer_Release(&top);
    PyBuffer_Release(&dup);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "ngram_counts: lengths do not add up to the points");
        return NULL;
    }
    if (failed)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"ngram_counts", py_ngram_counts, METH_VARARGS,
     "ngram_counts(points, lengths, top, dup): per document, the count of its most frequent "
     "2-, 3- and 4-gram and the characters inside repeated 5- to 10-grams."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ngrams", "Character n-gram statistics of document signals.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__ngrams(void) { return PyModule_Create(&module); }
