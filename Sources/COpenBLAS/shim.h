#include <cblas.h>
/* OpenBLAS's own thread control; declared in its cblas.h, repeated here for builds whose header lacks it. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/* Ends OpenBLAS's thread pool (what its own fork handler calls); the next threaded call starts it
   again. Exported by every OpenBLAS build with threads, but not declared in cblas.h. */
void blas_thread_shutdown_(void);
