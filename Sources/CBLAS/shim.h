#ifndef QSTAR_CBLAS_SHIM_H
#define QSTAR_CBLAS_SHIM_H
#include <cblas.h>
// Declared by Debian's OpenBLAS cblas.h already; restated here so the shim documents what we use.
// void openblas_set_num_threads(int num_threads);
// char *openblas_get_corename(void);
#endif
