import CHDF5
import Foundation

/// An open HDF5 file: groups, scalar attributes and 1-D datasets.
///
/// Object paths are written like file paths inside the HDF5 file: `/` is the root group,
/// `train` and `/train` both mean the group `train` under the root, `train/loss` a dataset in
/// it. Attributes live on the root or on a group (or dataset) named by such a path.
/// Every failure throws `HDF5Error` naming this file and the object path.
///
/// Calls into libhdf5 are serialised behind one process-wide lock, so an `HDF5File` may be
/// used from any thread, but only one call runs at a time. `deinit` closes the file.
public final class HDF5File {
    /// The path the file was created or opened with.
    public let path: String
    /// False for files opened with `openReadOnly`.
    public let isWritable: Bool
    /// The HDF5 file id; negative once closed.
    private(set) var id: hid_t

    private init(path: String, id: hid_t, isWritable: Bool) {
        self.path = path
        self.id = id
        self.isWritable = isWritable
    }

    deinit {
        try? close()
    }

    /// Creates a new file at `path`, truncating any existing file there.
    public static func create(_ path: String) throws -> HDF5File {
        try withHDF5 {
            let fapl = try strongCloseAccessList(path)
            defer { H5Pclose(fapl) }
            let id = H5Fcreate(path, qs_H5F_ACC_TRUNC(), qs_H5P_DEFAULT(), fapl)
            guard id >= 0 else {
                throw HDF5Error.fromLibrary(file: path, object: "/", message: "cannot create file")
            }
            return HDF5File(path: path, id: id, isWritable: true)
        }
    }

    /// Opens an existing file at `path` for reading only.
    public static func openReadOnly(_ path: String) throws -> HDF5File {
        try withHDF5 {
            guard FileManager.default.fileExists(atPath: path) else {
                throw HDF5Error(file: path, object: "/", message: "no such file")
            }
            guard H5Fis_hdf5(path) > 0 else {
                throw HDF5Error.fromLibrary(file: path, object: "/", message: "not an HDF5 file")
            }
            let fapl = try strongCloseAccessList(path)
            defer { H5Pclose(fapl) }
            let id = H5Fopen(path, qs_H5F_ACC_RDONLY(), fapl)
            guard id >= 0 else {
                throw HDF5Error.fromLibrary(file: path, object: "/", message: "cannot open file")
            }
            return HDF5File(path: path, id: id, isWritable: false)
        }
    }

    /// Flushes and closes the file. Later calls on this object throw; closing twice is a no-op.
    public func close() throws {
        try withHDF5 {
            guard id >= 0 else { return }
            let status = H5Fclose(id)
            id = -1
            guard status >= 0 else {
                throw HDF5Error.fromLibrary(file: path, object: "/", message: "cannot close file")
            }
        }
    }

    /// File access properties that make `H5Fclose` close every object still open in the
    /// file, so the file is really closed (and may be renamed) once `close()` returns.
    private static func strongCloseAccessList(_ path: String) throws -> hid_t {
        let fapl = H5Pcreate(qs_H5P_FILE_ACCESS())
        guard fapl >= 0, H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 else {
            if fapl >= 0 { H5Pclose(fapl) }
            throw HDF5Error.fromLibrary(file: path, object: "/", message: "cannot set file access properties")
        }
        return fapl
    }

    // MARK: - Paths and groups

    /// `path` made absolute: `train/loss` -> `/train/loss`, `""` -> `/`.
    static func absolute(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + parts.joined(separator: "/")
    }

    /// An error about `object` (made absolute) in this file.
    func error(_ object: String, _ message: String, fromLibrary: Bool = true) -> HDF5Error {
        let object = HDF5File.absolute(object)
        return fromLibrary
            ? HDF5Error.fromLibrary(file: path, object: object, message: message)
            : HDF5Error(file: path, object: object, message: message)
    }

    /// Throws unless the file is still open (and writable, when `writing`).
    func checkOpen(_ object: String, writing: Bool = false) throws {
        if id < 0 { throw error(object, "file is closed", fromLibrary: false) }
        if writing && !isWritable { throw error(object, "file is open read-only", fromLibrary: false) }
    }

    /// True when a group, dataset or other link exists at `path` (the root always exists).
    public func exists(_ path: String) -> Bool {
        withHDF5 {
            guard id >= 0 else { return false }
            var prefix = ""
            for part in path.split(separator: "/") {
                prefix += "/" + part
                if H5Lexists(id, prefix, qs_H5P_DEFAULT()) <= 0 { return false }
            }
            return true
        }
    }

    /// Creates the group at `path` and any missing parent groups; does nothing if it exists.
    public func createGroup(_ path: String) throws {
        try withHDF5 {
            try checkOpen(path, writing: true)
            let object = HDF5File.absolute(path)
            if exists(object) {
                guard try kind(of: object) == H5I_GROUP else {
                    throw error(object, "exists and is not a group", fromLibrary: false)
                }
                return
            }
            let lcpl = try intermediateGroupsLinkList(object)
            defer { H5Pclose(lcpl) }
            let group = H5Gcreate2(id, object, lcpl, qs_H5P_DEFAULT(), qs_H5P_DEFAULT())
            guard group >= 0 else { throw error(object, "cannot create group") }
            H5Gclose(group)
        }
    }

    /// Link creation properties that create missing parent groups.
    func intermediateGroupsLinkList(_ object: String) throws -> hid_t {
        let lcpl = H5Pcreate(qs_H5P_LINK_CREATE())
        guard lcpl >= 0, H5Pset_create_intermediate_group(lcpl, 1) >= 0 else {
            if lcpl >= 0 { H5Pclose(lcpl) }
            throw error(object, "cannot set link creation properties")
        }
        return lcpl
    }

    /// The HDF5 object type (`H5I_GROUP`, `H5I_DATASET`, ...) at an existing `path`.
    func kind(of path: String) throws -> H5I_type_t {
        let object = H5Oopen(id, HDF5File.absolute(path), qs_H5P_DEFAULT())
        guard object >= 0 else { throw error(path, "cannot open object") }
        defer { H5Oclose(object) }
        return H5Iget_type(object)
    }

    /// Names of the datasets directly in the group at `group`, sorted by name.
    public func datasetNames(in group: String = "/") throws -> [String] {
        try children(of: group, ofKind: H5I_DATASET)
    }

    /// Names of the groups directly in the group at `group`, sorted by name.
    public func groupNames(in group: String = "/") throws -> [String] {
        try children(of: group, ofKind: H5I_GROUP)
    }

    private func children(of group: String, ofKind wanted: H5I_type_t) throws -> [String] {
        try withHDF5 {
            try checkOpen(group)
            let object = HDF5File.absolute(group)
            guard exists(object) else { throw error(object, "no such group", fromLibrary: false) }
            let gid = H5Gopen2(id, object, qs_H5P_DEFAULT())
            guard gid >= 0 else { throw error(object, "cannot open group") }
            defer { H5Gclose(gid) }
            var info = H5G_info_t()
            guard H5Gget_info(gid, &info) >= 0 else { throw error(object, "cannot list group") }
            var names: [String] = []
            for index in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                                nil, 0, qs_H5P_DEFAULT())
                guard length >= 0 else { throw error(object, "cannot read link name \(index)") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                       &buffer, buffer.count, qs_H5P_DEFAULT())
                let name = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) },
                                  as: UTF8.self)
                // Dangling soft or external links have no object behind them: skipped.
                let child = H5Oopen(gid, name, qs_H5P_DEFAULT())
                guard child >= 0 else { continue }
                if H5Iget_type(child) == wanted { names.append(name) }
                H5Oclose(child)
            }
            return names.sorted()
        }
    }
}
