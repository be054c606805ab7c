/// GSM-style problems: chains of k dependent operations mod p, rendered as short word problems.
///
/// Chain: v_0 uniform in 0..<p; v_i = (v_{i-1} op_i a_i) mod p, the answer is v_k.
/// Text (tokens separated by spaces, `\n` a token):
///     Q: ann has 5 . bob has 3 more than ann . cid has 2 times bob . how many does cid have ?
///     A: steps: bob = 8 . cid = 5 . 5          (worked)
///     A: 5                                       (direct)
/// Sentence forms: `X has v .`, `Y has a more than X .`, `Y has a less than X .`,
/// `Y has a times X .` (with an object noun: `Y has a more apples than X .`,
/// `Y has a times as many apples as X .`, question `how many apples does Y have ?`).
/// Distractors are extra names, stated from a value or from an earlier name, never needed.
/// Train/evaluation split: a skeleton (p, k, v_0, ops, operands) is held out when its
/// `stableHash` falls in the `heldOutFraction` bucket; names and distractors do not count.

/// One operation of a chain.
public enum GSMOperation: String, Codable, CaseIterable, Sendable {
    case add = "+", subtract = "-", multiply = "*"

    /// (x op a) mod p, result in 0..<p.
    public func apply(_ x: Int, _ a: Int, modulus p: Int) -> Int {
        switch self {
        case .add: return (x + a) % p
        case .subtract: return ((x - a) % p + p) % p
        case .multiply: return (x * a) % p
        }
    }

    var code: Int { self == .add ? 1 : self == .subtract ? 2 : 3 }
}

/// Which items a generator may produce: training text or evaluation only.
public enum Split: String, Codable, Sendable { case train, heldOut }

/// The numbers of a chain, without names: (p, k, v_0, ops, operands).
public struct GSMSkeleton: Equatable, Sendable {
    public let modulus: Int
    public let start: Int
    public let operations: [GSMOperation]
    public let operands: [Int]
    public var k: Int { operations.count }

    /// v_0 ... v_k.
    public var values: [Int] {
        var v = [start]
        for (op, a) in zip(operations, operands) { v.append(op.apply(v.last!, a, modulus: modulus)) }
        return v
    }

    public var hash: UInt64 { stableHash([modulus, k, start] + operations.map(\.code) + operands) }

    public func isHeldOut(fraction: Double) -> Bool { inHeldOutBucket(hash, fraction: fraction) }

    /// Number of skeletons with k operations (start values x (operations x operands)^k), or nil
    /// above `Int.max`.
    public static func count(config: GSMConfig, k: Int) -> Int? {
        let perStep = config.operations.compactMap(GSMOperation.init(rawValue:)).count
            * (config.maxOperand - config.minOperand + 1)
        var total = config.modulus
        for _ in 0..<k {
            let (product, overflow) = total.multipliedReportingOverflow(by: perStep)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// (train, held-out) counts over the skeleton space of one k (at most `limit` enumerated: the
    /// counts add up to the space's size when it has at most `limit` skeletons).
    public static func countSplit(config: GSMConfig, k: Int, limit: Int) -> (train: Int, heldOut: Int) {
        let ops = config.operations.compactMap(GSMOperation.init(rawValue:))
        let operands = Array(config.minOperand...config.maxOperand)
        let total = count(config: config, k: k) ?? Int.max
        var train = 0, held = 0
        for index in 0..<min(total, limit) {
            var r = index
            let start = r % config.modulus; r /= config.modulus
            var o: [GSMOperation] = [], a: [Int] = []
            for _ in 0..<k {
                o.append(ops[r % ops.count]); r /= ops.count
                a.append(operands[r % operands.count]); r /= operands.count
            }
            let s = GSMSkeleton(modulus: config.modulus, start: start, operations: o, operands: a)
            if s.isHeldOut(fraction: config.heldOutFraction) { held += 1 } else { train += 1 }
        }
        return (train, held)
    }
}

/// Text form of an item.
public enum GSMFormat: String, Codable, CaseIterable, Sendable {
    /// Question, `A: steps: ... .` and the answer.
    case worked
    /// Question and `A: answer`.
    case direct
    /// The statements only, no question (generic text with no reasoning target).
    case story
}

/// One generated problem with its full solution.
public struct GSMProblem: Equatable, Sendable {
    public let skeleton: GSMSkeleton
    /// Chain names n_0 ... n_k (n_i holds v_i).
    public let chainNames: [String]
    /// Statement sentences in text order, each ending with ".".
    public let sentences: [[String]]
    /// `how many ... does n_k have ?`
    public let questionTail: [String]

    public var k: Int { skeleton.k }
    public var values: [Int] { skeleton.values }
    public var answer: Int { values[k] }

    /// `Q:` sentences question `\n` `A:` — the prompt up to and including `A:`.
    public var promptWords: [String] { ["Q:"] + sentences.joined() + questionTail + ["\n", "A:"] }

    /// `steps: n_1 = v_1 . ... n_k = v_k .` — every intermediate value, in chain order.
    public var solutionWords: [String] {
        var w = ["steps:"]
        for i in 1...k { w += [chainNames[i], "=", String(values[i]), "."] }
        return w
    }

    public func words(_ format: GSMFormat) -> [String] {
        switch format {
        case .worked: return promptWords + solutionWords + [String(answer), "\n"]
        case .direct: return promptWords + [String(answer), "\n"]
        case .story: return Array(sentences.joined()) + ["\n"]
        }
    }
}

/// A bare arithmetic fact `a op b = c` (a in 0..<p, b in the operand range), one per document.
public struct ArithmeticFact: Equatable, Sendable {
    public let left: Int, operation: GSMOperation, right: Int, result: Int
    public var words: [String] {
        [String(left), operation.rawValue, String(right), "=", String(result), "\n"]
    }
}

/// Draws problems and facts from a validated `GSMConfig`.
public struct GSMGenerator: Sendable {
    public let config: GSMConfig
    let operations: [GSMOperation]

    public init(config: GSMConfig) throws {
        try config.validate()
        self.config = config
        operations = config.operations.compactMap(GSMOperation.init(rawValue:))
    }

    /// A skeleton of k steps from the requested split (rejection sampling on the hash bucket;
    /// `validate` guarantees both buckets are non-empty).
    public func skeleton(k: Int, split: Split, using rng: inout SplitMix64) -> GSMSkeleton {
        precondition(config.stepRange.contains(k), "k = \(k) outside \(config.stepRange)")
        while true {
            let start = rng.below(config.modulus)
            var o: [GSMOperation] = [], a: [Int] = []
            for _ in 0..<k {
                o.append(rng.pick(operations))
                a.append(rng.int(in: config.minOperand...config.maxOperand))
            }
            let s = GSMSkeleton(modulus: config.modulus, start: start, operations: o, operands: a)
            if s.isHeldOut(fraction: config.heldOutFraction) == (split == .heldOut) { return s }
        }
    }

    /// A full problem: skeleton, names, optional object, distractors, sentence order.
    public func problem(k: Int, split: Split, using rng: inout SplitMix64) -> GSMProblem {
        let s = skeleton(k: k, split: split, using: &rng)
        let nd = rng.int(in: config.minDistractors...config.maxDistractors)
        let names = rng.sample(config.names, count: k + 1 + nd)
        let object: String? = config.objects.isEmpty ? nil : rng.pick(config.objects)
        let chain = Array(names[0...k])
        // (name stated, sentence) in dependency order.
        var sentences: [(String, [String])] = [(chain[0], base(chain[0], s.start, object))]
        for i in 1...k {
            sentences.append((chain[i], relation(chain[i], s.operations[i - 1], s.operands[i - 1],
                                                 chain[i - 1], object)))
        }
        for d in names[(k + 1)...] {
            let known = sentences.map(\.0)
            let choice = rng.below(operations.count + 1)
            let sentence: [String]
            var earliest = 0
            if choice == operations.count {
                sentence = base(d, rng.below(config.modulus), object)
            } else {
                let ref = rng.pick(known)
                earliest = known.firstIndex(of: ref)! + 1
                sentence = relation(d, operations[choice],
                                    rng.int(in: config.minOperand...config.maxOperand), ref, object)
            }
            sentences.insert((d, sentence), at: rng.int(in: earliest...sentences.count))
        }
        // No draw at fraction 0 (or with every problem shuffled): those worlds keep their streams.
        if config.shuffleSentences || (config.shuffleFraction > 0 && rng.unit() < config.shuffleFraction) {
            rng.shuffle(&sentences)
        }
        let tail = ["how", "many"] + (object.map { [$0] } ?? []) + ["does", chain[k], "have", "?"]
        return GSMProblem(skeleton: s, chainNames: chain, sentences: sentences.map(\.1),
                          questionTail: tail)
    }

    /// k drawn uniformly from the configured range, then `problem`.
    public func problem(split: Split, using rng: inout SplitMix64) -> GSMProblem {
        problem(k: rng.int(in: config.stepRange), split: split, using: &rng)
    }

    public func fact(using rng: inout SplitMix64) -> ArithmeticFact {
        let a = rng.below(config.modulus)
        let op = rng.pick(operations)
        let b = rng.int(in: config.minOperand...config.maxOperand)
        return ArithmeticFact(left: a, operation: op, right: b,
                              result: op.apply(a, b, modulus: config.modulus))
    }

    func base(_ n: String, _ v: Int, _ obj: String?) -> [String] {
        [n, "has", String(v)] + (obj.map { [$0] } ?? []) + ["."]
    }

    func relation(_ n: String, _ op: GSMOperation, _ a: Int, _ ref: String, _ obj: String?) -> [String] {
        let o = obj.map { [$0] } ?? []
        switch op {
        case .add: return [n, "has", String(a), "more"] + o + ["than", ref, "."]
        case .subtract: return [n, "has", String(a), "less"] + o + ["than", ref, "."]
        case .multiply:
            return obj == nil ? [n, "has", String(a), "times", ref, "."]
                : [n, "has", String(a), "times", "as", "many"] + o + ["as", ref, "."]
        }
    }
}
