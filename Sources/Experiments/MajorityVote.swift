/// Majority voting over sampled answers (chain-of-thought maj@k, paper Figure 5).
///
/// A sample's answer is a number, or nil when none could be read; nil never votes. The winner is
/// the answer with the most votes; among answers tied on the most votes, the one whose first vote
/// came earliest. No votes at all: no winner (counted wrong).
public enum MajorityVote {
    /// The majority answer of `answers` (in sample order), or nil if no sample has an answer.
    public static func winner(_ answers: [Int?]) -> Int? {
        var count: [Int: Int] = [:]
        var first: [Int: Int] = [:]
        for (i, a) in answers.enumerated() {
            guard let a else { continue }
            count[a, default: 0] += 1
            if first[a] == nil { first[a] = i }
        }
        return count.keys.min { x, y in
            count[x]! != count[y]! ? count[x]! > count[y]! : first[x]! < first[y]!
        }
    }

    /// maj@k accuracy for k = 1 ... maxK: `accuracy[k - 1]` is the fraction of items whose vote
    /// over their FIRST k samples equals the item's true answer.
    /// - samples: per item, its samples' answers (at least maxK each).
    /// - truth: per item, the true answer.
    public static func accuracy(samples: [[Int?]], truth: [Int], maxK: Int) -> [Double] {
        precondition(samples.count == truth.count, "MajorityVote.accuracy: \(samples.count) items, \(truth.count) answers")
        precondition(samples.allSatisfy { $0.count >= maxK }, "MajorityVote.accuracy: fewer than \(maxK) samples")
        precondition(maxK >= 1, "MajorityVote.accuracy: maxK must be >= 1")
        guard !samples.isEmpty else { return [Double](repeating: .nan, count: maxK) }
        return (1...maxK).map { k in
            let right = zip(samples, truth).filter { winner(Array($0.0.prefix(k))) == $0.1 }.count
            return Double(right) / Double(samples.count)
        }
    }
}
