/* A loop back-edge: when the eval breaker is set, do what the interpreter
 * does there: run signal handlers and pending calls, hand the GIL over when
 * another thread asks for it, raise an asynchronous exception. */
#include "eval_breaker.h"

STENCIL
{
#if defined(TEST)  /* EvalBreaker: RES0 = whether it is set (a C truth value) */
    BOOL_AT(HOLE(_JIT_RES0)) = eval_breaker_set(tstate) != 0;
#elif defined(BRANCH)  /* EvalBreaker fused with its Branch: to TARGET0 when set */
    if (eval_breaker_set(tstate)) {
        GOTO(_JIT_TARGET0);
    }
#else
    if (eval_breaker_set(tstate)) {
        COLD_PATH();
        SET_LOCATION();
        if (handle_eval_breaker(tstate) < 0) {
            ERROR();
        }
    }
#endif
    CONTINUE();
}
