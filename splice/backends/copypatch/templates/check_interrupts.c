/* A loop back-edge: when the eval breaker is set, do what the interpreter
 * does there: run signal handlers and pending calls, hand the GIL over when
 * another thread asks for it, raise an asynchronous exception. */
#include "eval_breaker.h"

STENCIL
{
    if (eval_breaker_set(tstate)) {
        COLD_PATH();
        SET_LOCATION();
        if (handle_eval_breaker(tstate) < 0) {
            ERROR();
        }
    }
    CONTINUE();
}
