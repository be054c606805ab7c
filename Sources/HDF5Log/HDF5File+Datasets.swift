import CHDF5
import Foundation

/// Whole 1-D datasets, written and read in one call.
///
/// Format: `[Double]` -> float64, `[Float]` -> float32, `[Int64]` -> int64 (all little-endian),
/// `[String]` -> variable-length UTF-8 strings; a simple 1-D dataspace of the array's length.
/// Non-empty datasets are chunked (chunks of about 64 KiB) and deflate-compressed (level 4,
/// numbers byte-shuffled first) when the library has the deflate filter; empty ones are
/// contiguous. Missing parent groups are created. Writing over an existing dataset throws.
extension HDF5File {
    /// Target chunk size in bytes for whole datasets.
    static let chunkBytes = 64 * 1024

    /// Writes `values` as a float64 dataset at `path`.
    public func write(_ values: [Double], to path: String) throws {
        try values.withUnsafeBytes {
            try writeWhole(path, count: values.count, memType: qs_H5T_NATIVE_DOUBLE(),
                           elementSize: 8, shuffle: true, data: $0.baseAddress)
        }
    }

    /// Writes `values` as a float32 dataset at `path`.
    public func write(_ values: [Float], to path: String) throws {
        try values.withUnsafeBytes {
            try writeWhole(path, count: values.count, memType: qs_H5T_NATIVE_FLOAT(),
                           elementSize: 4, shuffle: true, data: $0.baseAddress)
        }
    }

    /// Writes `values` as an int64 dataset at `path`.
    public func write(_ values: [Int64], to path: String) throws {
        try values.withUnsafeBytes {
            try writeWhole(path, count: values.count, memType: qs_H5T_NATIVE_INT64(),
                           elementSize: 8, shuffle: true, data: $0.baseAddress)
        }
    }

    /// Writes `values` as a variable-length UTF-8 string dataset at `path`.
    /// Throws if a string contains a NUL character (HDF5 strings end at NUL).
    public func write(_ values: [String], to path: String) throws {
        try withHDF5 {
            let object = HDF5File.absolute(path)
            if let bad = values.firstIndex(where: { $0.utf8.contains(0) }) {
                throw error(object, "string \(bad) contains a NUL character", fromLibrary: false)
            }
            let type = try makeStringType(object)
            defer { H5Tclose(type) }
            var pointers: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
            defer { pointers.forEach { free($0) } }
            try pointers.withUnsafeMutableBytes {
                try writeWhole(path, count: values.count, memType: type,
                               elementSize: MemoryLayout<UnsafeRawPointer>.size,
                               shuffle: false, data: $0.baseAddress)
            }
        }
    }

    /// Writes `column` as a dataset at `path`, with the format of its element type.
    public func write(_ column: Column, to path: String) throws {
        switch column {
        case .double(let v): try write(v, to: path)
        case .float(let v): try write(v, to: path)
        case .int(let v): try write(v, to: path)
        case .string(let v): try write(v, to: path)
        }
    }

    private func writeWhole(_ path: String, count: Int, memType: hid_t, elementSize: Int,
                            shuffle: Bool, data: UnsafeRawPointer?) throws {
        try withHDF5 {
            let object = HDF5File.absolute(path)
            let chunk = count == 0 ? nil : min(count, max(1, HDF5File.chunkBytes / elementSize))
            let dset = try createDataset(object, memType: memType, count: count,
                                         appendable: false, chunk: chunk, shuffle: shuffle)
            defer { H5Dclose(dset) }
            guard count > 0, let data else { return }
            guard H5Dwrite(dset, memType, qs_H5S_ALL(), qs_H5S_ALL(), qs_H5P_DEFAULT(), data) >= 0 else {
                throw error(object, "cannot write dataset")
            }
        }
    }

    /// Creates a 1-D dataset of `count` elements of `memType` (stored as that type) at
    /// `object`, maximum size unlimited when `appendable`; returns the open dataset id.
    func createDataset(_ object: String, memType: hid_t, count: Int, appendable: Bool,
                       chunk: Int?, shuffle: Bool) throws -> hid_t {
        try checkOpen(object, writing: true)
        guard object != "/" else { throw error(object, "a dataset needs a name", fromLibrary: false) }
        if exists(object) { throw error(object, "already exists", fromLibrary: false) }

        var dims = [hsize_t(count)]
        var maxDims = [appendable ? qs_H5S_UNLIMITED() : hsize_t(count)]
        let space = H5Screate_simple(1, &dims, &maxDims)
        guard space >= 0 else { throw error(object, "cannot create dataspace") }
        defer { H5Sclose(space) }

        let dcpl = H5Pcreate(qs_H5P_DATASET_CREATE())
        guard dcpl >= 0 else { throw error(object, "cannot create dataset properties") }
        defer { H5Pclose(dcpl) }
        if let chunk {
            var chunkDims = [hsize_t(chunk)]
            guard H5Pset_chunk(dcpl, 1, &chunkDims) >= 0 else { throw error(object, "cannot set chunk size") }
            if HDF5File.deflateAvailable {
                if shuffle && H5Pset_shuffle(dcpl) < 0 { throw error(object, "cannot set shuffle filter") }
                if H5Pset_deflate(dcpl, 4) < 0 { throw error(object, "cannot set deflate filter") }
            }
        }

        let lcpl = try intermediateGroupsLinkList(object)
        defer { H5Pclose(lcpl) }
        let dset = H5Dcreate2(id, object, memType, space, lcpl, dcpl, qs_H5P_DEFAULT())
        guard dset >= 0 else { throw error(object, "cannot create dataset") }
        return dset
    }

    /// True when this libhdf5 can both encode and decode deflate.
    static let deflateAvailable: Bool = withHDF5 {
        guard H5Zfilter_avail(qs_H5Z_FILTER_DEFLATE()) > 0 else { return false }
        var flags: UInt32 = 0
        guard H5Zget_filter_info(qs_H5Z_FILTER_DEFLATE(), &flags) >= 0 else { return false }
        return flags & UInt32(H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0
            && flags & UInt32(H5Z_FILTER_CONFIG_DECODE_ENABLED) != 0
    }

    // MARK: - Reading

    /// Number of entries in the 1-D dataset at `path`.
    public func count(of path: String) throws -> Int {
        try withOpenDataset(path) { _, _, _, count in count }
    }

    /// Reads the numeric 1-D dataset at `path` as float64 (integers and float32 convert).
    public func readDoubles(_ path: String) throws -> [Double] {
        try readNumbers(path, as: Double.self, memType: qs_H5T_NATIVE_DOUBLE(), integersOK: true)
    }

    /// Reads the numeric 1-D dataset at `path` as float32 (float64 is rounded).
    public func readFloats(_ path: String) throws -> [Float] {
        try readNumbers(path, as: Float.self, memType: qs_H5T_NATIVE_FLOAT(), integersOK: true)
    }

    /// Reads the integer 1-D dataset at `path` as int64; float datasets are refused.
    public func readInt64s(_ path: String) throws -> [Int64] {
        try readNumbers(path, as: Int64.self, memType: qs_H5T_NATIVE_INT64(), integersOK: true,
                        floatsOK: false)
    }

    /// Reads the string 1-D dataset at `path`.
    public func readStrings(_ path: String) throws -> [String] {
        try withOpenDataset(path) { object, dset, fileType, count in
            guard H5Tget_class(fileType) == H5T_STRING else {
                throw error(object, "holds numbers, not strings", fromLibrary: false)
            }
            let space = H5Dget_space(dset)
            guard space >= 0 else { throw error(object, "cannot read dataspace") }
            defer { H5Sclose(space) }
            return try readStrings(label: object, fileType: fileType, space: space, count: count) {
                memType, buffer in H5Dread(dset, memType, qs_H5S_ALL(), qs_H5S_ALL(), qs_H5P_DEFAULT(), buffer)
            }
        }
    }

    /// Reads the 1-D dataset at `path` as the column type matching its stored type:
    /// float32 -> `.float`, other floats -> `.double`, integers -> `.int`, strings -> `.string`.
    public func readColumn(_ path: String) throws -> Column {
        let (typeClass, size) = try withOpenDataset(path) { _, _, fileType, _ in
            (H5Tget_class(fileType), H5Tget_size(fileType))
        }
        switch typeClass {
        case H5T_FLOAT: return size == 4 ? .float(try readFloats(path)) : .double(try readDoubles(path))
        case H5T_INTEGER: return .int(try readInt64s(path))
        case H5T_STRING: return .string(try readStrings(path))
        default:
            throw error(path, "has a datatype that is not a number or a string", fromLibrary: false)
        }
    }

    private func readNumbers<T: Numeric>(_ path: String, as: T.Type, memType: hid_t,
                                         integersOK: Bool, floatsOK: Bool = true) throws -> [T] {
        try withOpenDataset(path) { object, dset, fileType, count in
            switch H5Tget_class(fileType) {
            case H5T_FLOAT where floatsOK: break
            case H5T_INTEGER where integersOK: break
            case H5T_FLOAT: throw error(object, "holds floating-point numbers, not integers", fromLibrary: false)
            case H5T_STRING: throw error(object, "holds strings, not numbers", fromLibrary: false)
            default: throw error(object, "has a datatype that is not a number", fromLibrary: false)
            }
            var values = [T](repeating: 0, count: count)
            if count > 0 {
                let status = values.withUnsafeMutableBytes {
                    H5Dread(dset, memType, qs_H5S_ALL(), qs_H5S_ALL(), qs_H5P_DEFAULT(), $0.baseAddress)
                }
                guard status >= 0 else { throw error(object, "cannot read dataset") }
            }
            return values
        }
    }

    /// Opens the 1-D dataset at `path` and calls `body(object, dataset, fileType, count)`.
    func withOpenDataset<R>(_ path: String,
                            _ body: (String, hid_t, hid_t, Int) throws -> R) throws -> R {
        try withHDF5 {
            let object = HDF5File.absolute(path)
            try checkOpen(object)
            guard exists(object) else { throw error(object, "no such dataset", fromLibrary: false) }
            guard try kind(of: object) == H5I_DATASET else {
                throw error(object, "is not a dataset", fromLibrary: false)
            }
            let dset = H5Dopen2(id, object, qs_H5P_DEFAULT())
            guard dset >= 0 else { throw error(object, "cannot open dataset") }
            defer { H5Dclose(dset) }
            let space = H5Dget_space(dset)
            guard space >= 0 else { throw error(object, "cannot read dataspace") }
            defer { H5Sclose(space) }
            let rank = H5Sget_simple_extent_ndims(space)
            guard rank == 1 else {
                throw error(object, "has rank \(rank); only 1-D datasets are supported", fromLibrary: false)
            }
            var dims: [hsize_t] = [0]
            guard H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else {
                throw error(object, "cannot read dataset size")
            }
            let fileType = H5Dget_type(dset)
            guard fileType >= 0 else { throw error(object, "cannot read datatype") }
            defer { H5Tclose(fileType) }
            return try body(object, dset, fileType, Int(dims[0]))
        }
    }
}
