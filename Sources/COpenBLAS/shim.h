#include <cblas.h>
/* OpenBLAS's own thread control; declared in its cblas.h, repeated here for builds whose header lacks it. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
