import XCTest
@testable import Experiments
import QuietSTaR
import SyntheticData
import TensorCore
import Transformer

/// The base-model checks against simpler twins: direct scores equal the evaluator's no-thought
/// scores, greedy continuations equal a one-item-at-a-time argmax loop, and the oracle input is the
/// prompt followed by the true solution.
final class BaseChecksTests: XCTestCase {
    func fixture() throws -> (GPT, Vocabulary, [EvalSet]) {
        var data = DataConfig()
        data.eval.itemsPerSet = 12
        let v = try Vocabulary(config: data)
        var rng = RNG(seed: 3)
        let gpt = GPT(GPTConfig(vocab: v.count, context: 96, layers: 1, width: 32, heads: 2), using: &rng)
        return (gpt, v, EvalSuite.standard(vocabulary: v, seed: 9))
    }

    func testDirectScoresEqualTheEvaluatorsBaseScores() throws {
        let (gpt, v, sets) = try fixture()
        var cfg = QuietSTaRConfig()
        cfg.method = .noThought
        cfg.startMarkerInitToken = v.steps; cfg.endMarkerInitToken = v.period
        var rng = RNG(seed: 1)
        let model = QuietSTaRModel(gpt: gpt, config: cfg, using: &rng)
        let checks = BaseChecks.run(gpt, sets: sets, vocabulary: v, batch: 5, maxTokens: 2)
        for (set, r) in zip(sets, checks) {
            // scoreLast wants one prompt length: score item by item.
            var soft = 0.0, exact = 0.0
            for item in set.items {
                let s = Evaluator.scoreLast([item], model.predictLastWithThoughts(prompts: [item.prompt], using: &rng))[0]
                soft += s.soft; exact += s.exact
            }
            let n = Double(set.items.count)
            XCTAssertEqual(r.directSoft, soft / n, accuracy: 1e-5, set.name)
            XCTAssertEqual(r.directExact, exact / n, accuracy: 1e-9, set.name)
            XCTAssertEqual(r.items, set.items.count)
        }
    }

    func testGreedyEqualsOneItemLoopAndStopsAtTheStopToken() throws {
        let (gpt, v, sets) = try fixture()
        let inputs = sets.flatMap { $0.items.prefix(3).map { $0.prompt + [v.steps] } }
        let stop = v.period
        let got = BaseChecks.greedy(gpt, inputs, maxTokens: 6, stop: stop, batch: 4)
        for (input, g) in zip(inputs, got) {
            var seq = input, twin: [Int] = []
            for _ in 0..<6 {
                let out = gpt.forward(tokens: seq, batch: 1, length: seq.count).logits.data
                let last = Array(out[((seq.count - 1) * v.count)...])
                let t = last.indices.max { last[$0] < last[$1] || (last[$0] == last[$1] && $0 > $1) }!
                twin.append(t); seq.append(t)
                if t == stop { break }
            }
            XCTAssertEqual(g, twin)
        }
    }

    func testOracleScoresTheAnswerAfterTheTrueSolution() throws {
        let (gpt, v, sets) = try fixture()
        let set = sets[0]
        let r = BaseChecks.run(gpt, sets: [set], vocabulary: v, batch: 50, maxTokens: 1)[0]
        let pairs = set.items.map { ($0.prompt + $0.solution, $0) }
        let twin = BaseChecks.score(gpt, pairs, batch: 1)
        XCTAssertEqual(r.oracleSoft, twin.soft / Double(set.items.count), accuracy: 1e-5)
        XCTAssertEqual(r.oracleExact, twin.exact / Double(set.items.count), accuracy: 1e-9)
        XCTAssertTrue(set.items.allSatisfy { $0.solution.first == v.steps && $0.solution.count > 1 })
    }
}

/// `sweep base-checks --save --keep-current` keeps a saved table only when it is the one it would
/// write now: the same base models, the same items per set.
final class SavedBaseChecksTests: XCTestCase {
    func table(_ rows: [(String, Int)]) -> String {
        let r = { (items: Int) in BaseChecks.SetResult(name: "gsm-k1", items: items, directSoft: 0.411, directExact: 0.39,
                                                       workedExact: 1, oracleSoft: 0.998, oracleExact: 1) }
        return (BaseChecks.tableHeader + rows.enumerated().map { i, row in
            BaseChecks.tableRow(baseKey: row.0, pretrainSeed: i + 1, r(row.1))
        }).joined(separator: "\n") + "\n"
    }

    func testRowsReadBackFromTheWrittenFormat() {
        let rows = BaseChecks.savedRows(table([("9b87e2582c965ab2", 200), ("119484e5e9158bb3", 100)]))
        XCTAssertEqual(rows.map(\.baseKey), ["9b87e2582c965ab2", "119484e5e9158bb3"])
        XCTAssertEqual(rows.map(\.items), [200, 100])
    }

    func testCurrentOnlyWithExactlyTheseBaseModelsAndItems() {
        let keys: Set<String> = ["aaaa", "bbbb"]
        let saved = table([("aaaa", 200), ("aaaa", 200), ("bbbb", 200)])
        XCTAssertTrue(BaseChecks.savedTableIsCurrent(saved, baseKeys: keys, items: [200]))
        XCTAssertTrue(BaseChecks.savedTableIsCurrent(table([("aaaa", 200), ("bbbb", 100)]), baseKeys: keys, items: [200, 100]))
        // A base model missing, an extra one, another key (changed world), other items, nothing saved.
        XCTAssertFalse(BaseChecks.savedTableIsCurrent(table([("aaaa", 200)]), baseKeys: keys, items: [200]))
        XCTAssertFalse(BaseChecks.savedTableIsCurrent(table([("aaaa", 200), ("bbbb", 200), ("cccc", 200)]),
                                                      baseKeys: keys, items: [200]))
        XCTAssertFalse(BaseChecks.savedTableIsCurrent(table([("aaaa", 200), ("bbbc", 200)]), baseKeys: keys, items: [200]))
        XCTAssertFalse(BaseChecks.savedTableIsCurrent(saved, baseKeys: keys, items: [100]))
        XCTAssertFalse(BaseChecks.savedTableIsCurrent(table([]), baseKeys: keys, items: [200]))
        XCTAssertFalse(BaseChecks.savedTableIsCurrent("", baseKeys: keys, items: [200]))
    }

    /// Item counts: the sets' own, plus the chain-of-thought items' when they are chains of their own
    /// length; `--items` replaces both.
    func testItemCounts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("itemcounts-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func plan(_ cot: String) throws -> SweepPlan {
            let file = dir.appendingPathComponent("e.json")
            try #"{"name": "e", "base": {"eval": {"itemsPerSet": 30, "cot": \#(cot)}}, "sweep": {}, "seeds": [1, 2]}"#
                .write(to: file, atomically: true, encoding: .utf8)
            return try SweepPlan.load(file: file.path)
        }
        XCTAssertEqual(BaseChecks.itemCounts(try plan(#"{"items": 12}"#)), [30])
        XCTAssertEqual(BaseChecks.itemCounts(try plan(#"{"items": 12, "steps": 4}"#)), [30, 12])
        XCTAssertEqual(BaseChecks.itemCounts(try plan(#"{"items": 12, "steps": 4}"#), items: 7), [7])
    }

    /// The committed tables are current for the committed experiments (what `make reproduce` keeps).
    func testCommittedTablesReadAsTheirExperimentsBaseModels() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for name in ["thought-length", "cot", "csqa"] {
            let plan = try SweepPlan.load(file: root.appendingPathComponent("experiments/\(name).json").path)
            let text = try String(contentsOf: root.appendingPathComponent("results/\(name)/base-checks.md"), encoding: .utf8)
            XCTAssertTrue(BaseChecks.savedTableIsCurrent(text, baseKeys: Set(plan.runs.map(\.baseKey)),
                                                         items: BaseChecks.itemCounts(plan)), name)
        }
    }
}
