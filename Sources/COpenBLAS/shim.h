#include <cblas.h>
/* OpenBLAS's own thread control; declared in its cblas.h, repeated here for builds whose header lacks it. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/* Ends OpenBLAS's thread pool (what its own fork handler calls); the next threaded call starts it
   again. Exported by OpenBLAS's pthread and OpenMP builds but not declared in cblas.h, and absent
   from its serial build (libopenblas0-serial): a weak reference, called only where it exists. */
extern int blas_thread_shutdown_(void) __attribute__((weak));
static inline void aug_openblas_stop_threads(void) {
    if (blas_thread_shutdown_ != 0) blas_thread_shutdown_();
}
