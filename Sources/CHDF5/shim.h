#ifndef QSTAR_CHDF5_SHIM_H
#define QSTAR_CHDF5_SHIM_H
#include <hdf5.h>
#endif
