/// A problem with an experiment file, reported before any work starts.
///
/// The description is one paragraph naming the file, the JSON path of the field, what is wrong
/// and the allowed values (for an unknown key: the closest valid name).
public struct ExperimentError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    /// JSON path of the offending field (`base.quietstar.thoughtLength`), or "" for the whole file.
    public let path: String
    public let problem: String
    public let allowed: String

    public init(file: String, path: String, problem: String, allowed: String) {
        self.file = file; self.path = path; self.problem = problem; self.allowed = allowed
    }

    public var description: String {
        let at = path.isEmpty ? "" : " at \(path)"
        let ok = allowed.isEmpty ? "" : " Allowed: \(allowed)."
        return "Experiment file \(file)\(at): \(problem).\(ok) Nothing was run."
    }
}

/// Levenshtein distance between two strings (for "did you mean" suggestions).
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count), cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}

/// The candidate closest to `name` by edit distance (ties: the first in order).
func closest(_ name: String, in candidates: [String]) -> String? {
    candidates.min { editDistance(name, $0) < editDistance(name, $1) }
}

/// The most edits a misspelt name is taken to be away from the name meant: max(2, length / 3).
/// Farther names are not offered as "did you mean" (unknown keys and run names alike).
func typoLimit(_ given: String) -> Int { max(2, given.count / 3) }

/// "unknown key" text with a hint and the full list of valid names.
///
/// The hint is the closest valid name when it is a likely typo (within `typoLimit` edits);
/// otherwise the valid names that begin with the key (`items` -> `itemsPerSet`) and
/// `homes`, the places in the file where a key of that name does belong (a setting given at the
/// wrong level, such as `thoughtLength` directly under `base`); otherwise none.
func unknownKeyError(file: String, path: String, key: String, valid: [String],
                     homes: [String] = []) -> ExperimentError {
    var names: [String] = []
    if let near = closest(key, in: valid), editDistance(key, near) <= typoLimit(key) {
        names = [near]
    } else {
        names = valid.filter { $0.lowercased().hasPrefix(key.lowercased()) }
        names += homes.filter { !names.contains($0) }
    }
    let hint = names.isEmpty ? "" : " (did you mean " + names.map { "\"\($0)\"" }.joined(separator: " or ") + "?)"
    return ExperimentError(file: file, path: path, problem: "unknown key \"\(key)\"\(hint)",
                           allowed: valid.joined(separator: ", "))
}
