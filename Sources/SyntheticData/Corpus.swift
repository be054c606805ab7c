/// Training text as fixed-length token rows, a pure function of (config, kind, seed, batch index).
///
/// Row j of batch i uses its own generator SplitMix64(derivedFrom: seed, kind, i, j), so any
/// batch can be rebuilt without the ones before it (training resumes at any step) and a row does
/// not depend on the batch size. Documents are train-split items only (see `CorpusMixture`).
/// - unpacked: row = one document, then `<pad>` up to the length (a longer document is cut);
/// - packed: row = doc `<sep>` doc `<sep>` ... cut at the length.
/// Loss convention: `targets(row)[t] = row[t + 1]`, or `Corpus.ignoreIndex` when that token is
/// `<pad>` or t is the last position; the model reads all L tokens and is scored on the rest.
public struct Corpus: Sendable {
    public static let ignoreIndex = -1

    public let kind: CorpusKind
    public let seed: UInt64
    public let vocabulary: Vocabulary
    public let mixture: CorpusMixture
    public let packing: Packing
    public let gsm: GSMGenerator
    public let csqa: CSQAGenerator

    /// The vocabulary must come from the same `DataConfig` (pass it in so every component shares
    /// one); the mixture comes from `vocabulary.config.corpus`, and so does the packing unless
    /// `packing` is given.
    public init(kind: CorpusKind, vocabulary: Vocabulary, seed: UInt64, packing: Packing? = nil) throws {
        self.kind = kind
        self.seed = seed
        self.vocabulary = vocabulary
        mixture = vocabulary.config.corpus.mixture(kind)
        self.packing = packing ?? vocabulary.config.corpus.packing
        gsm = try GSMGenerator(config: vocabulary.config.gsm)
        csqa = CSQAGenerator(knowledgeBase: vocabulary.knowledgeBase)
    }

    /// Convenience: builds (and validates) the vocabulary from the configuration.
    public init(kind: CorpusKind, config: DataConfig, seed: UInt64) throws {
        try self.init(kind: kind, vocabulary: try Vocabulary(config: config), seed: seed)
    }

    /// `size` rows of exactly `length` token ids.
    public func batch(index: Int, size: Int, length: Int) -> [[Int]] {
        precondition(size >= 1 && length >= 2, "batch needs size >= 1 and length >= 2")
        return (0..<size).map { row(batch: index, row: $0, length: length) }
    }

    public func row(batch: Int, row: Int, length: Int) -> [Int] {
        var rng = SplitMix64(derivedFrom: seed, UInt64(CorpusKind.allCases.firstIndex(of: kind)!),
                             UInt64(bitPattern: Int64(batch)), UInt64(row))
        var out: [Int] = []
        out.reserveCapacity(length + 64)
        switch packing {
        case .unpacked:
            out = ids(document(using: &rng))
            if out.count > length { out.removeLast(out.count - length) }
            while out.count < length { out.append(vocabulary.pad) }
        case .packed:
            while out.count < length {
                if !out.isEmpty { out.append(vocabulary.separator) }
                out += ids(document(using: &rng))
            }
            out.removeLast(out.count - length)
        }
        return out
    }

    /// Next-token targets of a row with pads and the last position set to `ignoreIndex`.
    public func targets(_ row: [Int]) -> [Int] {
        (0..<row.count).map { t in
            t + 1 < row.count && row[t + 1] != vocabulary.pad ? row[t + 1] : Corpus.ignoreIndex
        }
    }

    /// One document (words, ending with `\n`) drawn from the mixture.
    public func document(using rng: inout SplitMix64) -> [String] {
        let hops = csqa.config.hops
        let continued = kind == .reasoning || kind == .generic  // top-level questions: fine-tune entities
        switch rng.weightedIndex(mixture.weights) {
        case 0: return gsm.problem(split: .train, using: &rng).words(.worked)
        case 1: return gsm.problem(split: .train, using: &rng).words(.direct)
        case 2: return gsm.fact(using: &rng).words
        case 3: return gsm.problem(split: .train, using: &rng).words(.story)
        case 4: return csqa.fact(using: &rng)
        case 5:
            let format: CSQAFormat = rng.below(2) == 0 ? .direct : .worked
            return csqa.question(level: 1, split: .train, using: &rng).words(format)
        case 6: return csqa.question(level: rng.int(in: 2...hops), split: .train, fineTune: continued,
                                     format: .worked, using: &rng).words(.worked)
        case 8:
            let format: CSQAFormat = rng.below(2) == 0 ? .direct : .worked
            return csqa.isaQuestion(using: &rng).words(format)
        default: return csqa.question(level: rng.int(in: 2...hops), split: .train, fineTune: continued, using: &rng).words(.direct)
        }
    }

    func ids(_ words: [String]) -> [Int] {
        // Generated words are in the vocabulary by construction.
        words.map { try! vocabulary.id(of: $0) }
    }
}
