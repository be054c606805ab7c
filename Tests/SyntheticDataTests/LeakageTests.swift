import XCTest
@testable import SyntheticData

/// Evaluation material never appears in training text. Checked on the token rows the trainer
/// receives, not on the generators' split flags.
final class LeakageTests: XCTestCase {
    /// Prompts (`Q:` ... `A:`) found in a row.
    func prompts(in row: [Int], _ v: Vocabulary) -> [[Int]] {
        var out: [[Int]] = []
        var start: Int? = nil
        for (i, t) in row.enumerated() {
            if t == v.question { start = i }
            if t == v.answer, let s = start { out.append(Array(row[s...i])); start = nil }
        }
        return out
    }

    /// Leaks in a set of rows: eval prompts present, or a document naming a held-out entity that
    /// is anything but its single `is` fact (in particular, one that names its property values).
    func leaks(rows: [[Int]], evalPrompts: Set<[Int]>, v: Vocabulary) -> [String] {
        let kb = v.knowledgeBase
        let held = Dictionary(uniqueKeysWithValues: kb.heldOutEntities.map { (try! v.id(of: $0), $0) })
        var found: [String] = []
        for row in rows {
            for p in prompts(in: row, v) where evalPrompts.contains(p) { found.append("prompt: " + v.decode(p)) }
            for doc in documents(row, v) {
                for e in Set(doc.compactMap { held[$0] }).sorted() {
                    let values = Relation.allCases.map { try! v.id(of: kb.answer(subject: e, relation: $0)) }
                    let isFact = try! v.encode(words: [e, "is", kb.parent[e]!, ".", "\n"])
                    // A membership question `Q: what is <e> ?` may name it too (no property values).
                    let isA = try! v.encode(words: ["Q:", "what", "is", e, "?"])
                    if doc.contains(where: values.contains) { found.append("pair: " + v.decode(doc)) }
                    else if !isFact.starts(with: doc) && !doc.starts(with: isA) && !isA.starts(with: doc) {
                        found.append("held-out entity in: " + v.decode(doc))
                    }
                }
            }
            if row.contains(v.thoughtStart) || row.contains(v.thoughtEnd) { found.append("thought marker") }
        }
        return found
    }

    /// Direct questions (`A:` followed by the letter) about a held-out group in a set of rows
    /// (membership questions, which may list it as a choice, aside).
    func directHeldOutGroupQuestions(rows: [[Int]], v: Vocabulary) -> [String] {
        let groups = Set(v.knowledgeBase.heldOutGroups.map { try! v.id(of: $0) })
        let steps = try! v.id(of: "steps:")
        let isA = try! v.encode(words: ["Q:", "what", "is"])
        var found: [String] = []
        for row in rows {
            for (i, t) in row.enumerated() where t == v.answer && i + 1 < row.count && row[i + 1] != steps {
                guard let q = row[..<i].lastIndex(of: v.question), !row[q...].starts(with: isA) else { continue }
                if row[q..<i].contains(where: groups.contains) { found.append(v.decode(Array(row[q...(i + 1)]))) }
            }
        }
        return found
    }

    func check(hops: Int, packing: Packing, heldOutGroupFraction: Double = 0, shuffleSentences: Bool = false,
               shuffleFraction: Double = 0, bridges: Bridges = .weights) throws {
        var c = bothWorldsConfig(hops: hops, packing: packing)
        c.kb.heldOutGroupFraction = heldOutGroupFraction
        c.kb.bridges = bridges
        c.gsm.shuffleSentences = shuffleSentences
        c.gsm.shuffleFraction = shuffleFraction
        // Membership questions too (held-out entities among their subjects in the weights world;
        // the context world's ask for a link stated in the question).
        c.corpus.base.kbIsA = 0.1
        c.eval.itemsPerSet = 500
        let v = try Vocabulary(config: c)
        // The standard sets and the chain-of-thought chain sets (eval.cot.steps), within the
        // training range and beyond it.
        let sets = EvalSuite.standard(vocabulary: v, seed: 77)
            + (1...4).map { EvalSuite.chains(k: $0, count: 200, vocabulary: v, seed: 77) }
        let evalPrompts = Set(sets.flatMap { $0.items.map(\.prompt) })
        XCTAssertGreaterThan(evalPrompts.count, 1000)
        var rows: [[Int]] = []
        for kind in CorpusKind.allCases {
            let corpus = try Corpus(kind: kind, vocabulary: v, seed: 3)
            for b in 0..<40 { rows += corpus.batch(index: b, size: 64, length: 96) }
        }
        let trainPrompts = Set(rows.flatMap { prompts(in: $0, v) })
        XCTAssertGreaterThan(trainPrompts.count, 3000, "enough questions to make the check meaningful")
        let found = leaks(rows: rows, evalPrompts: evalPrompts, v: v) + directHeldOutGroupQuestions(rows: rows, v: v)
        XCTAssertTrue(found.isEmpty, "\(found.count) leaks, first: \(found.prefix(3))")
        // The held-out entities do occur (as facts), so the entity check ran on real documents.
        if bridges == .context { return }
        let heldIDs = Set(v.knowledgeBase.heldOutEntities.map { try! v.id(of: $0) })
        XCTAssertTrue(rows.contains { $0.contains(where: heldIDs.contains) })
    }

    func testNoLeakUnpackedTwoHops() throws { try check(hops: 2, packing: .unpacked) }
    func testNoLeakPackedThreeHops() throws { try check(hops: 3, packing: .packed) }
    func testNoLeakWithHeldOutGroups() throws { try check(hops: 3, packing: .packed, heldOutGroupFraction: 0.25) }
    /// The world of experiments/cot.json (GSM-style sentences in random order).
    func testNoLeakShuffledSentences() throws { try check(hops: 3, packing: .unpacked, shuffleSentences: true) }
    func testNoLeakHalfShuffledSentences() throws { try check(hops: 3, packing: .unpacked, shuffleFraction: 0.5) }
    /// Links in the question (`kb.bridges` = context): the split is by question text alone. Fresh
    /// names make multi-hop texts almost never repeat, so this bites on the one-hop questions;
    /// ContextBridgeTests checks the multi-hop split flag itself.
    func testNoLeakContextBridges() throws { try check(hops: 3, packing: .packed, bridges: .context) }

    /// The checker itself finds leaks when held-out items are put into training rows.
    func testCheckerDetectsPlantedLeaks() throws {
        let v = try Vocabulary(config: bothWorldsConfig())
        let sets = EvalSuite.standard(vocabulary: v, seed: 77)
        let gsmItem = sets.first { $0.name == "gsm-k2" }!.items[0]
        let csqaItem = sets.first { $0.name == "csqa-hop2" }!.items[0]
        let evalPrompts = Set(sets.flatMap { $0.items.map(\.prompt) })
        XCTAssertEqual(leaks(rows: [gsmItem.prompt + gsmItem.answer], evalPrompts: evalPrompts, v: v).count, 1)
        // A worked held-out question names the entity with its property: flagged twice
        // (as an eval prompt and as an entity-value pair).
        let worked = csqaItem.prompt + csqaItem.solution + csqaItem.answer
        XCTAssertEqual(leaks(rows: [worked], evalPrompts: evalPrompts, v: v).count, 2)
        // A fresh held-out-entity question (not in the eval set) is still flagged by the pair check.
        let gen = CSQAGenerator(knowledgeBase: v.knowledgeBase)
        var rng = SplitMix64(seed: 99)
        let q = gen.question(level: 2, split: .heldOut, using: &rng)
        let doc = try v.encode(words: q.words(.direct))
        XCTAssertFalse(leaks(rows: [doc], evalPrompts: [], v: v).isEmpty)
        // A direct question about a held-out group is flagged, a worked one is not.
        var c = bothWorldsConfig(hops: 3); c.kb.heldOutGroupFraction = 0.25
        let g = try Vocabulary(config: c)
        let groupQ = CSQAGenerator(knowledgeBase: g.knowledgeBase)
            .question(subject: g.knowledgeBase.heldOutGroups[0], relation: .eat, split: .heldOut, using: &rng)
        XCTAssertEqual(directHeldOutGroupQuestions(rows: [try g.encode(words: groupQ.words(.direct))], v: g).count, 1)
        XCTAssertEqual(directHeldOutGroupQuestions(rows: [try g.encode(words: groupQ.words(.worked))], v: g).count, 0)
    }
}
