/* How much C stack is left (docs/runtime.md, "C stack").
 *
 * CPython 3.11 runs Python-to-Python calls without C stack; native code
 * recurses on it.  A thread started after threading.stack_size(128 KiB)
 * that recurses 900 deep is fine in the interpreter and would overflow
 * natively.  So before native code goes one level deeper (the entry, a
 * direct call, a drain) it asks whether this thread has used half its
 * stack; if so the callee runs in the interpreter, which needs no more C
 * stack for what it calls.  The limit is found once per thread
 * (pthread_getattr_np) and kept under a pthread key that
 * splice/runtime/direct_calls.py creates. */
#ifndef SPLICE_C_STACK_H
#define SPLICE_C_STACK_H

#include "stencil.h"
#include <pthread.h>

/* No stack bounds known for this thread: never short. */
#define NO_STACK_LIMIT ((char *)1)

/* The address below which this thread's stack counts as short, found now
 * and remembered under `key`. */
HELPER char *find_stack_limit(pthread_key_t key)
{
    pthread_attr_t attr;
    char *limit = NO_STACK_LIMIT;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *low;
        size_t size;
        if (pthread_attr_getstack(&attr, &low, &size) == 0) {
            limit = (char *)low + size / 2;
        }
        pthread_attr_destroy(&attr);
    }
    pthread_setspecific(key, limit);
    return limit;
}

/* Whether this thread has used half its C stack (`key`: the pthread key
 * of the limits). */
HELPER int c_stack_short(Py_ssize_t key)
{
    char *limit = pthread_getspecific((pthread_key_t)key);
    if (limit == NULL) {
        COLD_PATH();
        limit = find_stack_limit((pthread_key_t)key);
    }
    return (char *)__builtin_frame_address(0) < limit;
}

#endif
