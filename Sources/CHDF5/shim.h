/*
 * CHDF5 shim: the libhdf5 C API as seen from Swift.
 *
 * Format: one `static inline` function per HDF5 macro that the Swift importer cannot see
 * (macros that expand to library globals or casts), named `qs_<macro>`. Nothing else.
 * HDF5 >= 1.10 is assumed; version differences are absorbed here, not in Swift.
 */
#ifndef QSTAR_CHDF5_SHIM_H
#define QSTAR_CHDF5_SHIM_H
#include <hdf5.h>

/* Property lists, error stacks, dataspaces. */
static inline hid_t qs_H5P_DEFAULT(void) { return (hid_t)H5P_DEFAULT; }
static inline hid_t qs_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t qs_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t qs_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t qs_H5E_DEFAULT(void) { return (hid_t)H5E_DEFAULT; }
static inline hid_t qs_H5S_ALL(void) { return (hid_t)H5S_ALL; }
static inline hsize_t qs_H5S_UNLIMITED(void) { return (hsize_t)H5S_UNLIMITED; }

/* File access flags. */
static inline unsigned qs_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned qs_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned qs_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }

/* Predefined datatypes. */
static inline hid_t qs_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t qs_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t qs_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t qs_H5T_C_S1(void) { return H5T_C_S1; }
static inline size_t qs_H5T_VARIABLE(void) { return H5T_VARIABLE; }

/* Filters. */
static inline H5Z_filter_t qs_H5Z_FILTER_DEFLATE(void) { return H5Z_FILTER_DEFLATE; }

/* Frees the memory HDF5 allocated while reading variable-length data into `buf`. */
static inline herr_t qs_reclaim_vlen(hid_t type_id, hid_t space_id, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type_id, space_id, H5P_DEFAULT, buf);
#else
    return H5Dvlen_reclaim(type_id, space_id, H5P_DEFAULT, buf);
#endif
}

#endif
