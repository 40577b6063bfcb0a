/* Normalize's punctuation-width rule in C: widen.widen_line, the graph of a line's
 * marks, for every line of a text (see _normalize.c for how the rules are built). */
#include "_normalize.h"

static Py_UCS4 to_fullwidth(Py_UCS4 c)
{
    switch (c) {
    case ',': return 0xFF0C;
    case ';': return 0xFF1B;
    case ':': return 0xFF1A;
    case '?': return 0xFF1F;
    case '!': return 0xFF01;
    case '(': return 0xFF08;
    case ')': return 0xFF09;
    default: return 0;
    }
}

typedef struct {
    Py_ssize_t member[2]; /* positions of its marks (the second -1 but for pairs) */
    Py_ssize_t context[2];
    int converted, spreads;
} Node;

typedef struct {
    Node *nodes;
    Py_ssize_t *stack, *queue, *head, *next; /* head: per position, first waiting edge */
    Py_ssize_t *edge_node;
} Graph;

static Py_ssize_t neighbour(const Py_UCS4 *s, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t i, int step)
{
    for (i += step; i >= lo && i < hi && (cls(s[i]) & SKIP); i += step)
        ;
    return i >= lo && i < hi ? i : -1;
}

static int has(const Py_UCS4 *s, Py_ssize_t i, unsigned bits) { return i >= 0 && (cls(s[i]) & bits); }

/* widen.widen_line on the line s[lo, hi), in place: the graph of its marks. */
static long widen_line(Py_UCS4 *s, Py_ssize_t lo, Py_ssize_t hi, Graph *g)
{
    Py_ssize_t nodes = 0, depth = 0;
    for (Py_ssize_t i = lo; i < hi; i++) {
        Py_UCS4 c = s[i];
        Node *node = g->nodes + nodes;
        if (!to_fullwidth(c))
            continue;
        node->member[1] = node->context[1] = -1;
        node->converted = 0;
        node->spreads = 1;
        if (c == '(') {
            g->stack[depth++] = i;
            continue;
        }
        if (c == ')' && depth) {
            Py_ssize_t open = g->stack[--depth], k = open + 1;
            node->member[0] = open;
            node->member[1] = i;
            node->context[0] = neighbour(s, lo, hi, open, -1);
            node->context[1] = neighbour(s, lo, hi, i, 1);
            while (k < i && !(cls(s[k]) & CJK_LETTER))
                k++;
            node->converted = k < i || has(s, node->context[0], CJK_CONTEXT) ||
                              has(s, node->context[1], CJK_CONTEXT);
        } else if (c == ')') {
            node->member[0] = i;
            node->context[0] = neighbour(s, lo, hi, i, 1);
            node->converted = has(s, node->context[0], HAN);
            node->spreads = 0;
        } else if ((c == ',' || c == ':') && i > lo && i + 1 < hi && is_digit(s[i - 1]) &&
                   is_digit(s[i + 1])) {
            continue; /* `1,000`, `10:33`: no node */
        } else {
            node->member[0] = i;
            node->context[0] = neighbour(s, lo, hi, i, -1);
            node->context[1] = neighbour(s, lo, hi, i, 1);
            node->converted = has(s, node->context[0], CJK_CONTEXT) ||
                              has(s, node->context[1], CJK_CONTEXT);
        }
        nodes++;
    }
    while (depth) { /* an opening bracket without a partner */
        Node *node = g->nodes + nodes++;
        Py_ssize_t open = g->stack[--depth];
        node->member[0] = open;
        node->member[1] = node->context[1] = -1;
        node->context[0] = neighbour(s, lo, hi, open, -1);
        node->converted = has(s, node->context[0], HAN);
        node->spreads = 0;
    }
    /* widen._spread: a node converts when a context position is a converted member. */
    Py_ssize_t edges = 0, queued = 0;
    for (Py_ssize_t k = 0; k < nodes; k++) {
        if (g->nodes[k].converted)
            g->queue[queued++] = k;
        for (int side = 0; side < 2 && g->nodes[k].spreads; side++) {
            Py_ssize_t at = g->nodes[k].context[side];
            if (at < 0)
                continue;
            g->edge_node[edges] = k;
            g->next[edges] = g->head[at];
            g->head[at] = edges++;
        }
    }
    while (queued) {
        Node *node = g->nodes + g->queue[--queued];
        for (int m = 0; m < 2 && node->member[m] >= 0; m++) {
            for (Py_ssize_t e = g->head[node->member[m]]; e >= 0; e = g->next[e]) {
                Node *other = g->nodes + g->edge_node[e];
                if (!other->converted) {
                    other->converted = 1;
                    g->queue[queued++] = g->edge_node[e];
                }
            }
        }
    }
    long count = 0;
    for (Py_ssize_t k = 0; k < nodes; k++) {
        Node *node = g->nodes + k;
        for (int side = 0; side < 2; side++) {
            if (node->spreads && node->context[side] >= 0)
                g->head[node->context[side]] = -1; /* clean for the next line */
        }
        for (int m = 0; node->converted && m < 2 && node->member[m] >= 0; m++) {
            s[node->member[m]] = to_fullwidth(s[node->member[m]]);
            count++;
        }
    }
    return count;
}

NZ_SHARED long nz_widen(Text *t)
{
    Py_ssize_t marks = 0, n = t->n;
    for (Py_ssize_t i = 0; i < n; i++)
        marks += to_fullwidth(t->src[i]) != 0;
    if (!marks)
        return 0;
    Graph g;
    size_t size = (size_t)marks;
    g.nodes = PyMem_RawMalloc(size * sizeof(Node));
    g.stack = PyMem_RawMalloc(size * sizeof(Py_ssize_t));
    g.queue = PyMem_RawMalloc(size * sizeof(Py_ssize_t));
    g.next = PyMem_RawMalloc(2 * size * sizeof(Py_ssize_t));
    g.edge_node = PyMem_RawMalloc(2 * size * sizeof(Py_ssize_t));
    g.head = PyMem_RawMalloc((size_t)n * sizeof(Py_ssize_t));
    long count = -1;
    if (g.nodes && g.stack && g.queue && g.next && g.edge_node && g.head) {
        count = 0;
        for (Py_ssize_t i = 0; i < n; i++)
            g.head[i] = -1;
        for (Py_ssize_t start = 0; start < n;) {
            Py_ssize_t end = start, found = 0;
            for (; end < n && t->src[end] != '\n'; end++)
                found |= to_fullwidth(t->src[end]) != 0;
            if (found)
                count += widen_line(t->src, start, end, &g);
            start = end + 1;
        }
    }
    PyMem_RawFree(g.nodes);
    PyMem_RawFree(g.stack);
    PyMem_RawFree(g.queue);
    PyMem_RawFree(g.next);
    PyMem_RawFree(g.edge_node);
    PyMem_RawFree(g.head);
    return count;
}
