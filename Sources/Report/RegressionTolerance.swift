import Foundation

/// How far a measured point may be from its reference before `sweep regress` fails.
///
/// The default values and the measurements they come from are in results/README.md
/// ("Regression check"). In short: on the machine that wrote the reference a rerun is
/// bit-identical; the tolerances cover what a different BLAS kernel (another CPU type) changes,
/// and stay below the smallest change that alters what the suite measures.
public struct RegressionTolerance: Sendable, Equatable {
    /// Exact-match scores (`/eval/*_exact`): this many items of one evaluation set may flip, so the
    /// tolerance is `exactItems / itemsPerSet` (a score is a mean over `itemsPerSet` items).
    public var exactItems: Double
    /// Soft scores and every other `/eval` column: absolute difference.
    public var soft: Double
    /// Final `/train` values: `max(trainAbsolute, trainRelative * |reference|)`.
    public var trainRelative: Double
    public var trainAbsolute: Double

    public init(exactItems: Double, soft: Double, trainRelative: Double, trainAbsolute: Double) {
        self.exactItems = exactItems
        self.soft = soft
        self.trainRelative = trainRelative
        self.trainAbsolute = trainAbsolute
    }

    /// The check's tolerance (justified in results/README.md).
    public static let standard = RegressionTolerance(exactItems: 1, soft: 0.01, trainRelative: 0.01, trainAbsolute: 0.001)

    /// No difference allowed: lists every change (used by `--update` to say what changed).
    public static let zero = RegressionTolerance(exactItems: 0, soft: 0, trainRelative: 0, trainAbsolute: 0)

    /// Tolerance of one `/eval` column. `itemsPerSet` nil (unknown) allows no flipped item.
    public func eval(column: String, itemsPerSet: Int?) -> Double {
        if column.hasSuffix("_exact") {
            guard let n = itemsPerSet, n > 0 else { return 0 }
            return exactItems / Double(n)
        }
        return soft
    }

    /// Tolerance of one final `/train` value.
    public func train(reference: Double) -> Double {
        max(trainAbsolute, reference.isFinite ? trainRelative * abs(reference) : 0)
    }
}
