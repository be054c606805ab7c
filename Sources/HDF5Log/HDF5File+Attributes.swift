import CHDF5

/// Scalar attributes on the root, a group or a dataset.
///
/// Format: strings are written as scalar variable-length UTF-8 strings, `Int64` as scalar
/// 64-bit signed integers, `Double` as scalar float64. Reading accepts any scalar integer
/// (-> `.int`), float (-> `.double`) or string attribute, variable- or fixed-length, so files
/// written by other tools read too. Writing an attribute that exists replaces it.
extension HDF5File {
    /// Sets attribute `name` on the object at `object` (the root by default).
    public func setAttribute(_ name: String, _ value: AttributeValue, on object: String = "/") throws {
        try withHDF5 {
            let where_ = HDF5File.absolute(object)
            let label = attributeLabel(name, where_)
            try checkOpen(label, writing: true)
            guard !name.isEmpty else { throw error(label, "attribute name is empty", fromLibrary: false) }
            guard exists(where_) else { throw error(where_, "no such object", fromLibrary: false) }

            let space = H5Screate(H5S_SCALAR)
            guard space >= 0 else { throw error(label, "cannot create dataspace") }
            defer { H5Sclose(space) }

            let type: hid_t
            switch value {
            case .string(let s):
                guard !s.utf8.contains(0) else {
                    throw error(label, "string contains a NUL character", fromLibrary: false)
                }
                type = try makeStringType(label)
            case .int: type = H5Tcopy(qs_H5T_NATIVE_INT64())
            case .double: type = H5Tcopy(qs_H5T_NATIVE_DOUBLE())
            }
            guard type >= 0 else { throw error(label, "cannot create datatype") }
            defer { H5Tclose(type) }

            if H5Aexists_by_name(id, where_, name, qs_H5P_DEFAULT()) > 0 {
                guard H5Adelete_by_name(id, where_, name, qs_H5P_DEFAULT()) >= 0 else {
                    throw error(label, "cannot replace existing attribute")
                }
            }
            let attr = H5Acreate_by_name(id, where_, name, type, space,
                                         qs_H5P_DEFAULT(), qs_H5P_DEFAULT(), qs_H5P_DEFAULT())
            guard attr >= 0 else { throw error(label, "cannot create attribute") }
            defer { H5Aclose(attr) }

            let status: herr_t
            switch value {
            case .string(let s):
                status = s.withCString { chars -> herr_t in
                    var pointer: UnsafePointer<CChar>? = chars
                    return H5Awrite(attr, type, &pointer)
                }
            case .int(let i):
                var v = i
                status = H5Awrite(attr, type, &v)
            case .double(let d):
                var v = d
                status = H5Awrite(attr, type, &v)
            }
            guard status >= 0 else { throw error(label, "cannot write attribute") }
        }
    }

    /// Reads attribute `name` of the object at `object` (the root by default).
    public func attribute(_ name: String, of object: String = "/") throws -> AttributeValue {
        try withHDF5 {
            let where_ = HDF5File.absolute(object)
            let label = attributeLabel(name, where_)
            try checkOpen(label)
            guard exists(where_) else { throw error(where_, "no such object", fromLibrary: false) }
            guard H5Aexists_by_name(id, where_, name, qs_H5P_DEFAULT()) > 0 else {
                throw error(label, "no such attribute", fromLibrary: false)
            }
            let attr = H5Aopen_by_name(id, where_, name, qs_H5P_DEFAULT(), qs_H5P_DEFAULT())
            guard attr >= 0 else { throw error(label, "cannot open attribute") }
            defer { H5Aclose(attr) }
            let space = H5Aget_space(attr)
            guard space >= 0 else { throw error(label, "cannot read attribute dataspace") }
            defer { H5Sclose(space) }
            let points = H5Sget_simple_extent_npoints(space)
            guard points == 1 else {
                throw error(label, "holds \(points) values; only scalar attributes are supported",
                            fromLibrary: false)
            }
            let fileType = H5Aget_type(attr)
            guard fileType >= 0 else { throw error(label, "cannot read attribute datatype") }
            defer { H5Tclose(fileType) }

            switch H5Tget_class(fileType) {
            case H5T_INTEGER:
                var v: Int64 = 0
                guard H5Aread(attr, qs_H5T_NATIVE_INT64(), &v) >= 0 else {
                    throw error(label, "cannot read integer attribute")
                }
                return .int(v)
            case H5T_FLOAT:
                var v: Double = 0
                guard H5Aread(attr, qs_H5T_NATIVE_DOUBLE(), &v) >= 0 else {
                    throw error(label, "cannot read float attribute")
                }
                return .double(v)
            case H5T_STRING:
                let strings = try readStrings(label: label, fileType: fileType, space: space, count: 1) {
                    memType, buffer in H5Aread(attr, memType, buffer)
                }
                return .string(strings[0])
            default:
                throw error(label, "has a datatype that is not a number or a string", fromLibrary: false)
            }
        }
    }

    /// Names of the attributes on the object at `object` (the root by default), sorted.
    public func attributeNames(of object: String = "/") throws -> [String] {
        try withHDF5 {
            let where_ = HDF5File.absolute(object)
            try checkOpen(where_)
            guard exists(where_) else { throw error(where_, "no such object", fromLibrary: false) }
            let oid = H5Oopen(id, where_, qs_H5P_DEFAULT())
            guard oid >= 0 else { throw error(where_, "cannot open object") }
            defer { H5Oclose(oid) }

            final class Names { var list: [String] = [] }
            let names = Names()
            let visit: H5A_operator2_t = { _, name, _, data in
                guard let name, let data else { return -1 }
                Unmanaged<Names>.fromOpaque(data).takeUnretainedValue().list.append(String(cString: name))
                return 0
            }
            var index: hsize_t = 0
            let status = H5Aiterate2(oid, H5_INDEX_NAME, H5_ITER_INC, &index, visit,
                                     Unmanaged.passUnretained(names).toOpaque())
            guard status >= 0 else { throw error(where_, "cannot list attributes") }
            return withExtendedLifetime(names) { names.list.sorted() }
        }
    }

    /// Every attribute on the object at `object` (the root by default).
    public func attributes(of object: String = "/") throws -> [String: AttributeValue] {
        try withHDF5 {
            var result: [String: AttributeValue] = [:]
            for name in try attributeNames(of: object) {
                result[name] = try attribute(name, of: object)
            }
            return result
        }
    }

    /// How an attribute is named in errors: `/train@name`, `/@config` for the root.
    func attributeLabel(_ name: String, _ object: String) -> String {
        "\(HDF5File.absolute(object))@\(name)"
    }
}
