import XCTest
@testable import SyntheticData

/// `kb.heldOutGroupFraction`: groups held out with all their entities, so no direct training question
/// gives a group -> value shortcut for a held-out entity (worked group questions remain).
final class HeldOutGroupTests: XCTestCase {
    func config(_ fraction: Double) -> DataConfig {
        var c = DataConfig()
        c.kb.hops = 3
        c.kb.fineTuneEntityFraction = 0.2
        c.kb.heldOutGroupFraction = fraction
        let kbOnly = CorpusMixture(kbFact: 0.1, kbOneHop: 0.1, kbWorked: 0.35, kbDirect: 0.35, kbIsA: 0.1)
        c.corpus.base = kbOnly; c.corpus.reasoning = kbOnly; c.corpus.generic = kbOnly
        return c
    }

    /// Subjects of every non-membership question in 40 batches of a corpus, in one format.
    func questionSubjects(_ kind: CorpusKind, _ v: Vocabulary, _ format: CSQAFormat) throws -> Set<String> {
        let corpus = try Corpus(kind: kind, vocabulary: v, seed: 4)
        let kb = v.knowledgeBase
        let subjects = Dictionary(uniqueKeysWithValues: (kb.entities + kb.groups + kb.config.categories)
            .map { (try! v.id(of: $0), $0) })
        let what = try v.id(of: "what"), isWord = try v.id(of: "is"), steps = try v.id(of: "steps:")
        var out: Set<String> = []
        for b in 0..<40 {
            for row in corpus.batch(index: b, size: 32, length: 64) where row.first == v.question {
                let prompt = Array(row.prefix { $0 != v.answer })
                if prompt.count > 2 && prompt[1] == what && prompt[2] == isWord { continue }
                guard prompt.count + 1 < row.count, (row[prompt.count + 1] == steps) == (format == .worked) else { continue }
                if let s = prompt.first(where: { subjects[$0] != nil }) { out.insert(subjects[s]!) }
            }
        }
        return out
    }

    func testHeldOutEntitiesAreTheMembersOfHeldOutGroups() throws {
        let v = try Vocabulary(config: config(0.25))
        let kb = v.knowledgeBase
        XCTAssertEqual(kb.heldOutGroups.count, 5)
        let members = Set(kb.entities.filter { kb.heldOutGroups.contains(kb.parent[$0]!) })
        XCTAssertEqual(Set(kb.heldOutEntities), members)
        XCTAssertEqual(kb.heldOutEntities.count, kb.config.heldOutEntityCount)
        XCTAssertEqual(kb.heldOutEntities.count, 15)  // 48 entities over 20 groups: 5 groups of 3
        XCTAssertEqual(kb.fineTuneEntities.count, 10)
        XCTAssertTrue(Set(kb.fineTuneEntities + kb.trainEntities).isDisjoint(with: members))
        XCTAssertEqual(Set(kb.fineTuneEntities + kb.trainEntities + kb.heldOutEntities).count, kb.entities.count)
        // Held-out groups spread over categories.
        XCTAssertEqual(Set(kb.heldOutGroups.map { kb.parent[$0]! }).count, 5)
    }

    func testNoDirectTrainingQuestionAsksAboutAHeldOutGroupOrItsEntities() throws {
        let v = try Vocabulary(config: config(0.25))
        let kb = v.knowledgeBase
        let held = Set(kb.heldOutGroups + kb.heldOutEntities)
        for kind in [CorpusKind.base, .reasoning, .generic] {
            let direct = try questionSubjects(kind, v, .direct)
            XCTAssertTrue(direct.isDisjoint(with: held), "\(kind): \(direct.intersection(held).sorted())")
            // The check sees group questions at all: the other groups are asked about.
            XCTAssertFalse(direct.isDisjoint(with: Set(kb.groups).subtracting(held)), "\(kind)")
            // Worked questions ask about held-out groups, never about held-out entities.
            let worked = try questionSubjects(kind, v, .worked)
            XCTAssertEqual(worked.intersection(held), Set(kb.heldOutGroups), "\(kind)")
        }
        // Evaluation asks about held-out groups (level 2) and held-out entities (level 3).
        let sets = EvalSuite.standard(vocabulary: v, seed: 5)
        let hop2 = sets.first { $0.name == "csqa-hop2" }!.items.map { v.decode($0.prompt) }
        XCTAssertTrue(hop2.contains { p in kb.heldOutGroups.contains { p.contains(" \($0) ") } })
    }

    /// At 0 nothing is held out by group and the field is not encoded (that the world and its
    /// split are unchanged at 0 shows in the regression check and the stale-run check of the
    /// committed results); the memberships never depend on the fraction.
    func testZeroIsNotEncodedAndMembershipsDoNotDependOnTheFraction() throws {
        let zero = try Vocabulary(config: config(0))
        XCTAssertTrue(zero.knowledgeBase.heldOutGroups.isEmpty)
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(KBConfig()), as: UTF8.self).contains("heldOutGroup"))
        var used = KBConfig(); used.hops = 3; used.heldOutGroupFraction = 0.25
        XCTAssertEqual(try JSONDecoder().decode(KBConfig.self, from: try JSONEncoder().encode(used)), used)
        let with = try Vocabulary(config: config(0.25))
        XCTAssertEqual(with.knowledgeBase.parent, zero.knowledgeBase.parent)
        XCTAssertNotEqual(with.knowledgeBase.heldOutEntities, zero.knowledgeBase.heldOutEntities)
    }

    func testBadFractionNamesTheField() {
        for (hops, bad) in [(3, -0.1), (3, 0.6), (3, 0.01), (2, 0.25)] {
            var c = DataConfig(); c.kb.hops = hops; c.kb.heldOutGroupFraction = bad
            XCTAssertThrowsError(try c.validate(), "\(hops) \(bad)") { e in
                XCTAssertTrue("\(e)".contains("kb.heldOutGroupFraction"), "\(e)")
            }
        }
        // 5 of 10 groups hold all 4 entities: none would be left to train on.
        var all = DataConfig(); all.kb.hops = 3; all.kb.entityCount = 4; all.kb.groupCount = 10
        all.kb.heldOutGroupFraction = 0.5
        XCTAssertThrowsError(try all.validate()) { e in
            XCTAssertTrue("\(e)".contains("kb.heldOutGroupFraction") && "\(e)".contains("these hold 4"), "\(e)")
        }
        var fine = DataConfig(); fine.kb.hops = 3; fine.kb.heldOutGroupFraction = 0.5
        XCTAssertNoThrow(try fine.validate())
    }
}
