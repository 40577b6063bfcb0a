/* The MinHash inner loop in C: per segment, the minimum of a * x + b (mod 2**32)
 * for every permutation (a, b).
 *
 * numpy does this in three passes over a block of num_perm x n values (multiply,
 * add, minimum.reduceat); here each value is read once and the running minima of a
 * segment stay in registers and L1: 11 to 20 times faster (AVX2). The result is the
 * same, bit for bit: cleaner/minhash.py keeps the numpy version as the reference
 * and as the fallback where this module could not be compiled.
 *
 * Types are the caller's to get right (minhash._segment_minima): values and
 * a, b are uint32, starts int64 and strictly increasing (no empty segment, as numpy's
 * reduceat would fill one with its first value), out uint32 of shape (segments, perms).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
/* One build that uses AVX2 (8 lanes) where the CPU has it, SSE2 elsewhere. */
#define KERNEL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define KERNEL_CLONES
#endif

/* Fold values[0..n) into the running minima row[0..n_perm) of a * x + b. */
static inline void fold_minima(const uint32_t *values, Py_ssize_t n, const uint32_t *a,
                               const uint32_t *b, Py_ssize_t n_perm, uint32_t *row)
{
    Py_ssize_t i = 0;
    /* Four values at a time: one load and store of the row per four. */
    for (; i + 4 <= n; i += 4) {
        uint32_t v0 = values[i], v1 = values[i + 1], v2 = values[i + 2], v3 = values[i + 3];
        for (Py_ssize_t p = 0; p < n_perm; p++) {
            uint32_t h0 = a[p] * v0 + b[p], h1 = a[p] * v1 + b[p];
            uint32_t h2 = a[p] * v2 + b[p], h3 = a[p] * v3 + b[p];
            uint32_t m01 = h0 < h1 ? h0 : h1, m23 = h2 < h3 ? h2 : h3;
            uint32_t m = m01 < m23 ? m01 : m23;
            row[p] = m < row[p] ? m : row[p];
        }
    }
    for (; i < n; i++) {
        uint32_t v = values[i];
        for (Py_ssize_t p = 0; p < n_perm; p++) {
            uint32_t h = a[p] * v + b[p];
            row[p] = h < row[p] ? h : row[p];
        }
    }
}

KERNEL_CLONES
static void segment_minima(const uint32_t *values, Py_ssize_t n_values,
                           const int64_t *starts, Py_ssize_t n_segments,
                           const uint32_t *a, const uint32_t *b, Py_ssize_t n_perm,
                           uint32_t *out)
{
    for (Py_ssize_t s = 0; s < n_segments; s++) {
        Py_ssize_t lo = (Py_ssize_t)starts[s];
        Py_ssize_t hi = s + 1 < n_segments ? (Py_ssize_t)starts[s + 1] : n_values;
        uint32_t *row = out + s * n_perm;
        for (Py_ssize_t p = 0; p < n_perm; p++)
            row[p] = UINT32_MAX;
        fold_minima(values + lo, hi - lo, a, b, n_perm, row);
    }
}

/* MurmurHash3's 32-bit finalizer: minhash.premix. */
static inline uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* The premixed base hash of points[0..m): minhash's Horner hash, then fmix32. */
static inline uint32_t shingle_hash(const uint32_t *points, Py_ssize_t m, uint64_t offset,
                                    uint64_t multiplier, uint64_t fold)
{
    uint64_t state = offset;
    for (Py_ssize_t j = 0; j < m; j++)
        state = state * multiplier + points[j];
    return fmix32((uint32_t)((state * fold) >> 32));
}

/* Each piece's signature from its code points: the windows of k code points (or
 * the whole piece, when shorter), hashed, premixed and folded into the minima. */
KERNEL_CLONES
static void piece_minima(const uint32_t *points, const int64_t *lengths, Py_ssize_t n_pieces,
                         Py_ssize_t k, uint64_t offset, uint64_t multiplier, uint64_t fold,
                         const uint32_t *a, const uint32_t *b, Py_ssize_t n_perm,
                         uint32_t *hashes, uint32_t *out)
{
    Py_ssize_t start = 0;
    for (Py_ssize_t s = 0; s < n_pieces; s++) {
        Py_ssize_t length = (Py_ssize_t)lengths[s], count = 0;
        uint32_t *row = out + s * n_perm;
        for (Py_ssize_t p = 0; p < n_perm; p++)
            row[p] = UINT32_MAX;
        if (length >= k)
            for (; count < length - k + 1; count++)
                hashes[count] = shingle_hash(points + start + count, k, offset, multiplier, fold);
        else if (length > 0)
            hashes[count++] = shingle_hash(points + start, length, offset, multiplier, fold);
        fold_minima(hashes, count, a, b, n_perm, row);
        start += length;
    }
}

static PyObject *py_segment_minima(PyObject *self, PyObject *args)
{
    Py_buffer values, starts, a, b, out;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*", &values, &starts, &a, &b, &out))
        return NULL;
    Py_ssize_t n_values = values.len / 4, n_segments = starts.len / 8, n_perm = a.len / 4;
    int ok = b.len == a.len && out.len == n_segments * n_perm * 4;
    const int64_t *first = (const int64_t *)starts.buf;
    /* Segments are non-empty: starts increase strictly and the last is inside. */
    for (Py_ssize_t s = 0; ok && s < n_segments; s++)
        ok = first[s] >= 0 && first[s] < n_values && (s == 0 || first[s] > first[s - 1]);
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        segment_minima((const uint32_t *)values.buf, n_values, first, n_segments,
                       (const uint32_t *)a.buf, (const uint32_t *)b.buf, n_perm,
                       (uint32_t *)out.buf);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&values);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "segment_minima: mismatched buffer sizes, or an empty segment");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *py_piece_minima(PyObject *self, PyObject *args)
{
    Py_buffer points, lengths, a, b, out;
    Py_ssize_t k;
    unsigned long long offset, multiplier, fold;
    if (!PyArg_ParseTuple(args, "y*y*nKKKy*y*w*", &points, &lengths, &k, &offset, &multiplier,
                          &fold, &a, &b, &out))
        return NULL;
    Py_ssize_t n_points = points.len / 4, n_pieces = lengths.len / 8, n_perm = a.len / 4;
    int ok = k >= 1 && b.len == a.len && out.len == n_pieces * n_perm * 4;
    const int64_t *length = (const int64_t *)lengths.buf;
    Py_ssize_t total = 0, longest = 0;
    for (Py_ssize_t s = 0; ok && s < n_pieces; s++) {
        ok = length[s] >= 0 && length[s] <= n_points - total;
        total += (Py_ssize_t)length[s];
        longest = length[s] > longest ? (Py_ssize_t)length[s] : longest;
    }
    ok = ok && total == n_points;
    uint32_t *hashes = ok ? PyMem_RawMalloc((size_t)(longest + 1) * sizeof(uint32_t)) : NULL;
    if (ok && hashes != NULL) {
        Py_BEGIN_ALLOW_THREADS
        piece_minima((const uint32_t *)points.buf, length, n_pieces, k, (uint64_t)offset,
                     (uint64_t)multiplier, (uint64_t)fold, (const uint32_t *)a.buf,
                     (const uint32_t *)b.buf, n_perm, hashes, (uint32_t *)out.buf);
        Py_END_ALLOW_THREADS
    }
    PyMem_RawFree(hashes);
    PyBuffer_Release(&points);
    PyBuffer_Release(&lengths);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "piece_minima: lengths do not add up to the points");
        return NULL;
    }
    if (hashes == NULL)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"segment_minima", py_segment_minima, METH_VARARGS,
     "segment_minima(values, starts, a, b, out): per segment, min of a*x+b mod 2**32."},
    {"piece_minima", py_piece_minima, METH_VARARGS,
     "piece_minima(points, lengths, k, offset, multiplier, fold, a, b, out): "
     "the signature of each piece of code points."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels", "Compiled inner loops of cleaner.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
