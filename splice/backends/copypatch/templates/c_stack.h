/* How much C stack is left (docs/runtime.md, "C stack").
 *
 * CPython 3.11 runs Python-to-Python calls without C stack; native code
 * recurses on it.  A thread started after threading.stack_size(128 KiB)
 * that recurses 900 deep is fine in the interpreter and would overflow
 * natively.  So before native code goes one level deeper (the entry, a
 * direct call, a drain) it asks whether this thread has used half its
 * stack; if so the callee runs in the interpreter, which needs no more C
 * stack for what it calls.  The limit is found once per thread
 * (pthread_getattr_np) and kept under a pthread key; the last thread's is
 * cached in one process-wide record (threads run native code one at a
 * time, under the GIL), so the common check is two compares.  The record
 * and the key are made by emitter.stack_cache. */
#ifndef SPLICE_C_STACK_H
#define SPLICE_C_STACK_H

#include "stencil.h"
#include <pthread.h>

typedef struct {
    PyThreadState *tstate;   /* whose limit `limit` is */
    uint64_t id;             /* its tstate->id: a thread state freed and made again gets a new one */
    char *limit;             /* below this address the thread's stack counts as short */
    Py_ssize_t key;          /* the pthread key of every thread's limit */
} stack_cache;

/* Direct calls check the stack at every C_STACK_EVERY-th Python frame
 * depth only: once a check fails, the callee runs in the interpreter, whose
 * calls reach entries, which check every time, so at most C_STACK_EVERY - 1
 * native levels (a few KiB) go past the limit, which leaves half the stack. */
#define C_STACK_EVERY 8

/* No stack bounds known for this thread: never short. */
#define NO_STACK_LIMIT ((char *)1)

/* This thread's limit: remembered under the key, else found now (half its
 * stack), then cached.  A shared helper (shared.c), not inlined: the
 * pthread_attr_t it needs would otherwise sit in the C frame of every entry
 * and direct call, which native recursion stacks once per level. */
extern void _JIT_SHARED_refill_stack_cache(stack_cache *c, PyThreadState *tstate);

#ifdef REFILL_STACK_CACHE
void _jit_stencil(stack_cache *c, PyThreadState *tstate)
{
    pthread_key_t key = (pthread_key_t)c->key;
    char *limit = pthread_getspecific(key);
    if (limit == NULL) {
        pthread_attr_t attr;
        limit = NO_STACK_LIMIT;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void *low;
            size_t size;
            if (pthread_attr_getstack(&attr, &low, &size) == 0) {
                limit = (char *)low + size / 2;
            }
            pthread_attr_destroy(&attr);
        }
        pthread_setspecific(key, limit);
    }
    c->tstate = tstate;
    c->id = tstate->id;
    c->limit = limit;
}
#endif

/* Whether this thread has used half its C stack. */
HELPER int c_stack_short(PyThreadState *tstate, stack_cache *c)
{
    if (c->tstate != tstate || c->id != tstate->id) {
        COLD_PATH();
        _JIT_SHARED_refill_stack_cache(c, tstate);
    }
    return (char *)__builtin_frame_address(0) < c->limit;
}

#endif
