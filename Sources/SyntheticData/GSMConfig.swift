/// Knobs of the GSM-style generator ("chains of named quantities", arithmetic mod p).
///
/// An item is a chain v_0, v_i = v_{i-1} op_i a_i (mod p), i = 1..k, with op_i drawn from
/// `operations` and a_i from minOperand...maxOperand. Defaults are the measured recipe:
/// p = 11, k = 1...3, operands 1...3, operations + - *, no distractors, chain order, no object
/// noun, 10% of chain skeletons (k, v_0, ops, operands) held out for evaluation.
public struct GSMConfig: Codable, Equatable, Sendable {
    /// p: every number token is 0..<p. Allowed 2...997.
    public var modulus: Int = 11
    /// k range (number of dependent operations). Allowed 1 <= minSteps <= maxSteps <= 8.
    public var minSteps: Int = 1
    public var maxSteps: Int = 3
    /// Operand range a_i. Allowed 1 <= minOperand <= maxOperand <= p - 1.
    public var minOperand: Int = 1
    public var maxOperand: Int = 3
    /// Subset of "+", "-", "*".
    public var operations: [String] = ["+", "-", "*"]
    /// Distractor sentences per question (names outside the chain). Allowed 0 ... 4.
    public var minDistractors: Int = 0
    public var maxDistractors: Int = 0
    /// false: sentences in dependency order (distractors inserted after their referent);
    /// true: sentences in random order.
    public var shuffleSentences: Bool = false
    /// Fraction of problems (each drawn independently) whose sentences are in random order, the
    /// others in dependency order. Allowed 0 ... 1; must be 0 when `shuffleSentences` is true
    /// (then every problem is). Left out of the encoded configuration while it is 0.
    public var shuffleFraction: Double = 0
    /// Person names; needs at least maxSteps + 1 + maxDistractors of them.
    public var names: [String] = ["ann", "bob", "cid", "dan", "eve", "fay", "gus", "hal",
                                  "ivy", "jon", "kim", "lea", "max", "ned", "oli", "pam"]
    /// Object nouns ("apples"); empty means sentences carry no noun (`bob has 3 more than ann .`).
    public var objects: [String] = []
    /// Fraction of chain skeletons reserved for evaluation. Allowed 0.01 ... 0.5.
    public var heldOutFraction: Double = 0.1

    public init() {}

    public static let allowedOperations = ["+", "-", "*"]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modulus, minSteps, maxSteps, minOperand, maxOperand, operations, minDistractors,
             maxDistractors, shuffleSentences, shuffleFraction, names, objects, heldOutFraction
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GSMConfig()
        modulus = try c.decodeIfPresent(Int.self, forKey: .modulus) ?? d.modulus
        minSteps = try c.decodeIfPresent(Int.self, forKey: .minSteps) ?? d.minSteps
        maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps) ?? d.maxSteps
        minOperand = try c.decodeIfPresent(Int.self, forKey: .minOperand) ?? d.minOperand
        maxOperand = try c.decodeIfPresent(Int.self, forKey: .maxOperand) ?? d.maxOperand
        operations = try c.decodeIfPresent([String].self, forKey: .operations) ?? d.operations
        minDistractors = try c.decodeIfPresent(Int.self, forKey: .minDistractors) ?? d.minDistractors
        maxDistractors = try c.decodeIfPresent(Int.self, forKey: .maxDistractors) ?? d.maxDistractors
        shuffleSentences = try c.decodeIfPresent(Bool.self, forKey: .shuffleSentences) ?? d.shuffleSentences
        shuffleFraction = try c.decodeIfPresent(Double.self, forKey: .shuffleFraction) ?? d.shuffleFraction
        names = try c.decodeIfPresent([String].self, forKey: .names) ?? d.names
        objects = try c.decodeIfPresent([String].self, forKey: .objects) ?? d.objects
        heldOutFraction = try c.decodeIfPresent(Double.self, forKey: .heldOutFraction) ?? d.heldOutFraction
    }

    /// Every field, except `shuffleFraction` when it is 0: worlds that do not use it keep the
    /// resolved form (base-model cache keys, saved run configs) they had before it existed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modulus, forKey: .modulus)
        try c.encode(minSteps, forKey: .minSteps)
        try c.encode(maxSteps, forKey: .maxSteps)
        try c.encode(minOperand, forKey: .minOperand)
        try c.encode(maxOperand, forKey: .maxOperand)
        try c.encode(operations, forKey: .operations)
        try c.encode(minDistractors, forKey: .minDistractors)
        try c.encode(maxDistractors, forKey: .maxDistractors)
        try c.encode(shuffleSentences, forKey: .shuffleSentences)
        if shuffleFraction != 0 { try c.encode(shuffleFraction, forKey: .shuffleFraction) }
        try c.encode(names, forKey: .names)
        try c.encode(objects, forKey: .objects)
        try c.encode(heldOutFraction, forKey: .heldOutFraction)
    }

    /// The k values, minSteps...maxSteps.
    public var stepRange: ClosedRange<Int> { minSteps...maxSteps }

    /// Whether chains of exactly k operations can be drawn from this world (its names and
    /// distractors), also for k outside `stepRange`: k in 1 ... 8 and k + 1 + maxDistractors names.
    public func allowsChains(k: Int) -> Bool { (1...8).contains(k) && names.count >= k + 1 + maxDistractors }

    /// The largest k `allowsChains` accepts (at least 0).
    public var longestChain: Int { max(0, min(8, names.count - 1 - maxDistractors)) }

    public func validate() throws {
        try Check.range("gsm.modulus", modulus, 2...997)
        try Check.range("gsm.minSteps", minSteps, 1...8)
        if maxSteps < minSteps || maxSteps > 8 {
            throw DataConfigError(field: "gsm.maxSteps", value: "\(maxSteps)",
                                  allowed: "\(minSteps) ... 8 (minSteps ... 8)")
        }
        try Check.range("gsm.minOperand", minOperand, 1...max(1, modulus - 1))
        if maxOperand < minOperand || maxOperand > modulus - 1 {
            throw DataConfigError(field: "gsm.maxOperand", value: "\(maxOperand)",
                                  allowed: "\(minOperand) ... \(modulus - 1) (minOperand ... p - 1)")
        }
        if operations.isEmpty || Set(operations).count != operations.count
            || !operations.allSatisfy(GSMConfig.allowedOperations.contains) {
            throw DataConfigError(field: "gsm.operations", value: "\(operations)",
                                  allowed: "a non-empty subset of + - * without repeats")
        }
        try Check.range("gsm.minDistractors", minDistractors, 0...4)
        if maxDistractors < minDistractors || maxDistractors > 4 {
            throw DataConfigError(field: "gsm.maxDistractors", value: "\(maxDistractors)",
                                  allowed: "\(minDistractors) ... 4 (minDistractors ... 4)")
        }
        if !(shuffleFraction >= 0 && shuffleFraction <= 1) {
            throw DataConfigError(field: "gsm.shuffleFraction", value: "\(shuffleFraction)", allowed: "0 ... 1")
        }
        if shuffleSentences && shuffleFraction != 0 {
            throw DataConfigError(field: "gsm.shuffleFraction", value: "\(shuffleFraction)",
                                  allowed: "0 when gsm.shuffleSentences is true (every problem is shuffled then)")
        }
        try Check.pool("gsm.names", names, minCount: maxSteps + 1 + maxDistractors)
        try Check.pool("gsm.objects", objects, minCount: 1, mayBeEmpty: true)
        if !(heldOutFraction >= 0.01 && heldOutFraction <= 0.5) {
            throw DataConfigError(field: "gsm.heldOutFraction", value: "\(heldOutFraction)",
                                  allowed: "0.01 ... 0.5")
        }
        // Every k must have both train and held-out skeletons, or sampling could not terminate.
        for k in stepRange {
            let (train, held) = GSMSkeleton.countSplit(config: self, k: k, limit: 200_000)
            if train == 0 || held == 0 {
                throw DataConfigError(
                    field: "gsm.heldOutFraction", value: "\(heldOutFraction)",
                    allowed: "a fraction leaving both train and held-out chains for k = \(k) "
                        + "(found \(train) train, \(held) held out); widen the operand range")
            }
        }
    }
}
