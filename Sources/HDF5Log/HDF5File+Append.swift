import CHDF5

/// Appendable 1-D numeric datasets.
///
/// Format: a 1-D dataset of float64, float32 or int64 with maximum size unlimited, chunked
/// (`chunk` elements per chunk) and deflate-compressed with byte shuffling when available.
/// Each `append` grows it by the number of values given and writes them at the end.
extension HDF5File {
    /// Creates an empty appendable dataset of `kind` at `path` (parent groups as needed).
    public func createAppendable(_ path: String, kind: NumericKind, chunk: Int = 4096) throws {
        try withHDF5 {
            let object = HDF5File.absolute(path)
            guard chunk > 0 else { throw error(object, "chunk size must be positive, got \(chunk)", fromLibrary: false) }
            let dset = try createDataset(object, memType: kind.memType, count: 0, appendable: true,
                                         chunk: chunk, shuffle: true)
            H5Dclose(dset)
        }
    }

    /// Appends `values` to the float64 dataset at `path`, creating it (appendable) if missing.
    public func append(_ values: [Double], to path: String) throws {
        try values.withUnsafeBytes { try appendRaw(path, kind: .double, count: values.count, data: $0.baseAddress) }
    }

    /// Appends `values` to the float32 dataset at `path`, creating it (appendable) if missing.
    public func append(_ values: [Float], to path: String) throws {
        try values.withUnsafeBytes { try appendRaw(path, kind: .float, count: values.count, data: $0.baseAddress) }
    }

    /// Appends `values` to the int64 dataset at `path`, creating it (appendable) if missing.
    public func append(_ values: [Int64], to path: String) throws {
        try values.withUnsafeBytes { try appendRaw(path, kind: .int64, count: values.count, data: $0.baseAddress) }
    }

    private func appendRaw(_ path: String, kind: NumericKind, count: Int, data: UnsafeRawPointer?) throws {
        try withHDF5 {
            let object = HDF5File.absolute(path)
            try checkOpen(object, writing: true)
            if !exists(object) { try createAppendable(object, kind: kind) }
            try withOpenDataset(object) { object, dset, fileType, oldCount in
                guard kind.matches(fileType) else {
                    throw error(object, "cannot append \(kind) values to a dataset of another type",
                                fromLibrary: false)
                }
                guard count > 0, let data else { return }
                var newSize = [hsize_t(oldCount + count)]
                guard H5Dset_extent(dset, &newSize) >= 0 else {
                    throw error(object, "cannot grow dataset (not created appendable?)")
                }
                let fileSpace = H5Dget_space(dset)
                guard fileSpace >= 0 else { throw error(object, "cannot read dataspace") }
                defer { H5Sclose(fileSpace) }
                var start = [hsize_t(oldCount)]
                var length = [hsize_t(count)]
                guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &length, nil) >= 0 else {
                    throw error(object, "cannot select the appended range")
                }
                let memSpace = H5Screate_simple(1, &length, nil)
                guard memSpace >= 0 else { throw error(object, "cannot create dataspace") }
                defer { H5Sclose(memSpace) }
                guard H5Dwrite(dset, kind.memType, memSpace, fileSpace, qs_H5P_DEFAULT(), data) >= 0 else {
                    throw error(object, "cannot write appended values")
                }
            }
        }
    }
}

extension NumericKind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .double: return "float64"
        case .float: return "float32"
        case .int64: return "int64"
        }
    }

    var memType: hid_t {
        switch self {
        case .double: return qs_H5T_NATIVE_DOUBLE()
        case .float: return qs_H5T_NATIVE_FLOAT()
        case .int64: return qs_H5T_NATIVE_INT64()
        }
    }

    /// True when `fileType` stores exactly this kind (class and size).
    func matches(_ fileType: hid_t) -> Bool {
        let size = H5Tget_size(fileType)
        switch (self, H5Tget_class(fileType)) {
        case (.double, H5T_FLOAT): return size == 8
        case (.float, H5T_FLOAT): return size == 4
        case (.int64, H5T_INTEGER): return size == 8
        default: return false
        }
    }
}
