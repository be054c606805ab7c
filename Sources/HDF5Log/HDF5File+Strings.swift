import CHDF5

/// String datatypes shared by attributes and datasets.
///
/// Format: strings are written as variable-length, NUL-terminated UTF-8 (`H5T_STRING`,
/// `H5T_VARIABLE`, `H5T_CSET_UTF8`), which h5py returns as `str`. Reading also accepts
/// fixed-length strings (cut at the first NUL). Invalid UTF-8 is repaired with U+FFFD.
extension HDF5File {
    /// A new variable-length UTF-8 string datatype; the caller closes it.
    func makeStringType(_ label: String) throws -> hid_t {
        let type = H5Tcopy(qs_H5T_C_S1())
        guard type >= 0 else { throw error(label, "cannot create string datatype") }
        guard H5Tset_size(type, qs_H5T_VARIABLE()) >= 0,
              H5Tset_cset(type, H5T_CSET_UTF8) >= 0,
              H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0 else {
            H5Tclose(type)
            throw error(label, "cannot set up string datatype")
        }
        return type
    }

    /// Reads `count` strings stored with `fileType` over `space` by calling `read` with a
    /// memory datatype and a buffer, and frees whatever HDF5 allocated.
    func readStrings(label: String, fileType: hid_t, space: hid_t, count: Int,
                     read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        if count == 0 { return [] }
        if H5Tis_variable_str(fileType) > 0 {
            let memType = try makeStringType(label)
            defer { H5Tclose(memType) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            return try pointers.withUnsafeMutableBufferPointer { buffer -> [String] in
                let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
                guard read(memType, raw) >= 0 else { throw error(label, "cannot read strings") }
                defer { _ = qs_reclaim_vlen(memType, space, raw) }
                return buffer.map { $0.map { String(cString: $0) } ?? "" }
            }
        }
        let size = H5Tget_size(fileType)
        guard size > 0 else { throw error(label, "has a string datatype of size 0") }
        var bytes = [UInt8](repeating: 0, count: size * count)
        let status = bytes.withUnsafeMutableBytes { read(fileType, $0.baseAddress!) }
        guard status >= 0 else { throw error(label, "cannot read fixed-length strings") }
        return (0..<count).map { index in
            let slot = bytes[(index * size)..<((index + 1) * size)]
            let end = slot.firstIndex(of: 0) ?? slot.endIndex
            return String(decoding: slot[slot.startIndex..<end], as: UTF8.self)
        }
    }
}
