import Foundation

/// The comparison of a measured regression sweep with its reference: pure functions over the
/// loaded curves (no files, no processes).
///
/// Every reference run, curve and step must be measured again, and nothing new may appear:
/// a missing or extra run, curve or evaluation step, a value outside the tolerance, a finite
/// value that became non-finite (or back), or a different resolved configuration is a mismatch.
public struct RegressionCheck: Sendable {
    /// One failed comparison: a row of the failure table.
    public struct Mismatch: Sendable, Equatable {
        /// Run id, or `(experiment)` for the sweep as a whole.
        public var run: String
        /// `eval/<column>`, `train/<column> (final)`, `eval/step`, `config` or `run`.
        public var curve: String
        /// Training step of the point (nil when the mismatch has none, e.g. a missing curve).
        public var step: Int?
        public var reference: Double?
        public var now: Double?
        public var tolerance: Double?
        /// What is wrong, in words.
        public var problem: String

        public init(run: String, curve: String, step: Int? = nil, reference: Double? = nil, now: Double? = nil,
                    tolerance: Double? = nil, problem: String) {
            self.run = run
            self.curve = curve
            self.step = step
            self.reference = reference
            self.now = now
            self.tolerance = tolerance
            self.problem = problem
        }
    }

    public var reference: RegressionReference
    public var measured: RegressionReference
    public var tolerance: RegressionTolerance
    public private(set) var mismatches: [Mismatch] = []
    /// Points (eval values and final train values) present in both and compared.
    public private(set) var comparedPoints = 0
    /// Of those, the ones equal to the last bit (or both NaN).
    public private(set) var identicalPoints = 0
    /// The largest |now - reference| / tolerance over the compared finite points (0 if none).
    public private(set) var largestFractionOfTolerance = 0.0

    /// Compares `measured` with `reference`.
    public init(reference: RegressionReference, measured: RegressionReference, tolerance: RegressionTolerance = .standard) {
        self.reference = reference
        self.measured = measured
        self.tolerance = tolerance
        compare()
    }

    public var passed: Bool { mismatches.isEmpty }

    private mutating func compare() {
        let now = Dictionary(measured.runs.map { ($0.run, $0) }, uniquingKeysWith: { a, _ in a })
        let before = Set(reference.runs.map(\.run))
        for ref in reference.runs {
            guard let cur = now[ref.run] else {
                mismatches.append(Mismatch(run: ref.run, curve: "run", problem: "run missing (in the reference, not measured)"))
                continue
            }
            compareRun(ref, cur)
        }
        for cur in measured.runs where !before.contains(cur.run) {
            mismatches.append(Mismatch(run: cur.run, curve: "run", problem: "new run, not in the reference"))
        }
    }

    private mutating func compareRun(_ ref: RegressionReference.Run, _ cur: RegressionReference.Run) {
        for (path, was, isNow) in RegressionCheck.configDifferences(ref.config, cur.config) {
            mismatches.append(Mismatch(run: ref.run, curve: "config",
                                       problem: "configuration \(path): \(was) in the reference, \(isNow) now"))
        }
        // Evaluation steps: each missing or new step once per run, then the curves on the shared steps.
        let nowIndex = Dictionary(cur.evalSteps.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let refSteps = Set(ref.evalSteps)
        for s in ref.evalSteps where nowIndex[s] == nil {
            mismatches.append(Mismatch(run: ref.run, curve: "eval/step", step: s, problem: "evaluation step missing"))
        }
        for s in cur.evalSteps where !refSteps.contains(s) {
            mismatches.append(Mismatch(run: ref.run, curve: "eval/step", step: s, problem: "new evaluation step, not in the reference"))
        }
        for column in ref.eval.keys.sorted() {
            guard let values = cur.eval[column] else {
                mismatches.append(Mismatch(run: ref.run, curve: "eval/\(column)", problem: "curve missing"))
                continue
            }
            let tol = tolerance.eval(column: column, itemsPerSet: ref.itemsPerSet)
            for (i, s) in ref.evalSteps.enumerated() {
                guard let j = nowIndex[s], i < ref.eval[column]!.count, j < values.count else { continue }
                point(run: ref.run, curve: "eval/\(column)", step: s, ref.eval[column]![i], values[j], tol)
            }
        }
        for column in cur.eval.keys.sorted() where ref.eval[column] == nil {
            mismatches.append(Mismatch(run: ref.run, curve: "eval/\(column)", problem: "new curve, not in the reference"))
        }
        // Final training values.
        if ref.finalTrainStep != cur.finalTrainStep {
            mismatches.append(Mismatch(run: ref.run, curve: "train/step (final)", step: ref.finalTrainStep,
                                       reference: ref.finalTrainStep.map(Double.init), now: cur.finalTrainStep.map(Double.init),
                                       tolerance: 0, problem: "different number of training steps"))
        }
        for column in ref.trainFinal.keys.sorted() {
            let r = ref.trainFinal[column]!
            guard let c = cur.trainFinal[column] else {
                mismatches.append(Mismatch(run: ref.run, curve: "train/\(column) (final)", step: ref.finalTrainStep,
                                           reference: r, problem: "curve missing"))
                continue
            }
            point(run: ref.run, curve: "train/\(column) (final)", step: ref.finalTrainStep, r, c, tolerance.train(column: column, reference: r))
        }
        for column in cur.trainFinal.keys.sorted() where ref.trainFinal[column] == nil {
            mismatches.append(Mismatch(run: ref.run, curve: "train/\(column) (final)", problem: "new curve, not in the reference"))
        }
    }

    private mutating func point(run: String, curve: String, step: Int?, _ r: Double, _ c: Double, _ tol: Double) {
        comparedPoints += 1
        if r.bitPattern == c.bitPattern || (r.isNaN && c.isNaN) {
            identicalPoints += 1
            return
        }
        if r.isFinite != c.isFinite || (!r.isFinite && r != c) {
            mismatches.append(Mismatch(run: run, curve: curve, step: step, reference: r, now: c, tolerance: tol,
                                       problem: "finite in one, not in the other"))
            return
        }
        let d = abs(c - r)
        largestFractionOfTolerance = max(largestFractionOfTolerance, tol > 0 ? d / tol : .infinity)
        // The relative 1e-9 absorbs the rounding of the subtraction itself, so that a score off
        // by exactly the tolerance (one flipped item of 50: 0.32 vs 0.30) passes.
        if d > tol * (1 + 1e-9) {
            mismatches.append(Mismatch(run: run, curve: curve, step: step, reference: r, now: c, tolerance: tol,
                                       problem: "off by \(RegressionCheck.format(d))"))
        }
    }

    // MARK: Configurations

    /// Dotted paths whose values differ between two resolved configurations (JSON text), with
    /// both values as text (`absent` when a side lacks the path). The free-text `description`
    /// is not compared. Text that is not a JSON object is compared whole.
    public static func configDifferences(_ a: String, _ b: String) -> [(path: String, reference: String, now: String)] {
        guard a != b else { return [] }
        func flat(_ text: String) -> [String: String]? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
            var out: [String: String] = [:]
            func walk(_ value: Any, _ path: String) {
                if let d = value as? [String: Any] {
                    for (k, v) in d { walk(v, path.isEmpty ? k : "\(path).\(k)") }
                } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                    out[path] = String(decoding: data, as: UTF8.self)
                }
            }
            walk(object, "")
            out.removeValue(forKey: "description")
            return out
        }
        guard let fa = flat(a), let fb = flat(b) else { return [("(whole)", "other text", "other text")] }
        return Set(fa.keys).union(fb.keys).sorted().compactMap { k in
            fa[k] == fb[k] ? nil : (k, fa[k] ?? "absent", fb[k] ?? "absent")
        }
    }

    // MARK: Output

    /// Shortest text of a number that shows small differences (up to 6 significant digits).
    static func format(_ x: Double?) -> String {
        guard let x else { return "-" }
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
        return String(format: "%.6g", x)
    }

    /// The failure table: one row per mismatch, columns curve, step, reference, now, tolerance,
    /// problem. At most `limit` rows, then a count of the rest.
    public func table(limit: Int = 60) -> String {
        let header = ["curve", "step", "reference", "now", "tolerance", "problem"]
        var rows = mismatches.prefix(limit).map { m in
            ["\(m.run) \(m.curve)", m.step.map(String.init) ?? "-", RegressionCheck.format(m.reference),
             RegressionCheck.format(m.now), RegressionCheck.format(m.tolerance), m.problem]
        }
        rows.insert(header, at: 0)
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        lines.insert(widths.dropLast().map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "  -------", at: 1)
        if mismatches.count > limit { lines.append("... and \(mismatches.count - limit) more") }
        return lines.joined(separator: "\n")
    }

    /// One line: how many points were compared, how many are bit-identical, and the mismatches.
    public var summary: String {
        "\(reference.runs.count) reference run(s), \(comparedPoints) points compared, \(identicalPoints) bit-identical, "
            + "largest difference \(String(format: "%.3g", largestFractionOfTolerance)) x tolerance; "
            + "\(mismatches.count) mismatch(es)"
    }
}
