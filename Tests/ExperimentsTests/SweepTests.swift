import XCTest
@testable import Experiments

final class SweepTests: XCTestCase {
    let text = #"""
    {"name": "t", "base": {"train": {"steps": 7}},
     "sweep": {"quietstar.thoughtLength": [4, 8, 12], "quietstar.method": ["quietSTaR", "noThought"]},
     "seeds": [1, 2, 3]}
    """#

    func testExpansionOrderAndIds() throws {
        let plan = try SweepPlan.parse(text: text, file: "t.json")
        XCTAssertEqual(plan.runs.count, 18)
        XCTAssertEqual(plan.runs[0].id, "thoughtLength=4_method=quietSTaR_seed=1")
        XCTAssertEqual(plan.runs[1].id, "thoughtLength=4_method=quietSTaR_seed=2")
        XCTAssertEqual(plan.runs[3].id, "thoughtLength=4_method=noThought_seed=1")
        XCTAssertEqual(plan.runs[17].id, "thoughtLength=12_method=noThought_seed=3")
        XCTAssertEqual(Set(plan.runs.map(\.id)).count, 18)
        XCTAssertEqual(plan.runs.map(\.index), Array(0..<18))
        let r = plan.runs[17].experiment
        XCTAssertEqual(r.quietstar.thoughtLength, 12); XCTAssertEqual(r.quietstar.method, .noThought)
        XCTAssertEqual(r.train.seed, 3); XCTAssertEqual(r.pretrain.seed, 3, "seeds set pretrain.seed by default")
        XCTAssertEqual(r.train.steps, 7)
        // Deterministic: parsing again gives the same runs, configs and base keys.
        let again = try SweepPlan.parse(text: text, file: "t.json")
        XCTAssertEqual(again.runs.map(\.id), plan.runs.map(\.id))
        XCTAssertEqual(again.runs.map(\.resolved), plan.runs.map(\.resolved))
        XCTAssertEqual(again.runs.map(\.baseKey), plan.runs.map(\.baseKey))
    }

    /// One rationale with the mean baseline learns without a policy gradient: said before the runs
    /// start, for exactly those runs (not for r = 2, `none`, the baseline or a zero policy weight).
    func testNoteForRunsWithoutPolicyGradient() throws {
        let plan = try SweepPlan.parse(text: #"""
            {"name": "n", "sweep": {"quietstar.rationales": [1, 2]},
             "extra": [{"quietstar.rationales": 1, "quietstar.rewardBaseline": "none"},
                       {"quietstar.rationales": 1, "quietstar.method": "noThought"},
                       {"quietstar.rationales": 1, "quietstar.policyWeight": 0}],
             "seeds": [1, 2]}
            """#, file: "n.json")
        XCTAssertEqual(plan.notes.count, 1)
        XCTAssertTrue(plan.notes[0].hasPrefix("note: 2 runs (rationales=1_seed=1, rationales=1_seed=2) sample one rationale"),
                      plan.notes[0])
        XCTAssertTrue(plan.notes[0].contains("no policy gradient"), plan.notes[0])
        XCTAssertEqual(try SweepPlan.parse(text: text, file: "t.json").notes, [])
    }

    /// A corpus mixture merges with its default key by key, so one that leaves out a kind with a
    /// non-zero default weight keeps it: said before the runs start, naming the corpus and the
    /// weights kept; nothing for mixtures that give every such kind (0 included) or none at all.
    func testNoteForMixtureThatKeepsDefaultWeights() throws {
        func plan(_ corpus: String) throws -> SweepPlan {
            try SweepPlan.parse(text: #"{"name": "m", "base": {"data": {"corpus": "# + corpus + "}}}", file: "m.json")
        }
        func notes(_ corpus: String) throws -> [String] { try plan(corpus).notes }
        let generic = try plan(#"{"generic": {"kbFact": 0.9, "kbDirect": 0.1}}"#)
        XCTAssertEqual(generic.notes, ["note: base.data.corpus.generic gives kbFact, kbDirect and keeps the default weights "
            + "arithmeticFact 0.45, gsmDirect 0.1, gsmStory 0.45 (a mixture merges with its default key by key); "
            + "write 0 for a kind the corpus should not have"])
        let g = generic.runs[0].experiment.data.corpus.generic
        XCTAssertEqual([g.gsmDirect, g.arithmeticFact, g.gsmStory, g.kbFact, g.kbDirect], [0.1, 0.45, 0.45, 0.9, 0.1],
                       "the note describes what the run gets")
        let two = try notes(#"{"reasoning": {"gsmDirect": 0.5}, "base": {"gsmWorked": 1}}"#)
        XCTAssertEqual(two.count, 2, "\(two)")
        XCTAssertTrue(two[0].hasPrefix("note: base.data.corpus.base gives gsmWorked and keeps the default weights arithmeticFact 0.3, gsmDirect 0.3 "), two[0])
        XCTAssertTrue(two[1].hasPrefix("note: base.data.corpus.reasoning gives gsmDirect and keeps the default weights arithmeticFact 0.2, gsmWorked 0.2 "), two[1])
        XCTAssertEqual(try notes(#"{"generic": {"kbFact": 0.9, "kbDirect": 0.1, "gsmDirect": 0, "arithmeticFact": 0, "gsmStory": 0}}"#), [])
        XCTAssertEqual(try notes(#"{"generic": {}, "packing": "packed"}"#), [])
        XCTAssertEqual(try notes(#"{"warmup": {"arithmeticFact": 0.5, "kbFact": 0.5}}"#), [])
    }

    func testBaseKeyDependsOnlyOnPretrainingFields() throws {
        let plan = try SweepPlan.parse(text: text, file: "t.json")
        let bySeed = Dictionary(grouping: plan.runs, by: { $0.experiment.pretrain.seed })
        for (_, runs) in bySeed { XCTAssertEqual(Set(runs.map(\.baseKey)).count, 1, "t and method do not change the base") }
        XCTAssertEqual(Set(plan.runs.map(\.baseKey)).count, 3, "one base per seed")
        let shared = try SweepPlan.parse(text: #"{"seeds": [1, 2], "seedScope": "train", "base": {"eval": {"itemsPerSet": 3}}}"#, file: "s.json")
        XCTAssertEqual(Set(shared.runs.map(\.baseKey)).count, 1, "seedScope train shares the base; eval settings do not matter")
        XCTAssertEqual(shared.runs.map(\.experiment.train.seed), [1, 2])
        // The generic corpus is not read by pretraining: it does not change the key; the base and
        // reasoning corpora do.
        func key(_ corpus: String) throws -> String {
            let p = try SweepPlan.parse(text: #"{"seeds": [1], "base": {"data": {"corpus": "# + corpus + "}}}", file: "c.json")
            return try XCTUnwrap(p.runs.first).baseKey
        }
        let plain = try key("{}")
        XCTAssertEqual(try key(#"{"generic": {"kbFact": 0.9, "kbDirect": 0.1}}"#), plain)
        XCTAssertEqual(try key(#"{"generic": {"gsmDirect": 0.1, "arithmeticFact": 0.45, "gsmStory": 0.45}}"#), plain)
        XCTAssertNotEqual(try key(#"{"base": {"gsmWorked": 0.5, "arithmeticFact": 0.5}}"#), plain)
        XCTAssertNotEqual(try key(#"{"reasoning": {"gsmDirect": 1}}"#), plain, "the reasoning corpus stays in the key, as it always was")
    }

    func testShardsPartitionTheRuns() throws {
        let plan = try SweepPlan.parse(text: text, file: "t.json")
        for n in 1...20 {
            var seen: [Int: Int] = [:]
            for i in 1...n {
                let s = try Shard(index: i, count: n)
                for r in s.select(plan.runs) { seen[r.index, default: 0] += 1 }
            }
            XCTAssertEqual(seen.count, plan.runs.count, "n = \(n)")
            XCTAssertTrue(seen.values.allSatisfy { $0 == 1 }, "every run in exactly one shard, n = \(n)")
        }
        XCTAssertEqual(try Shard(parsing: "2/4").select(plan.runs).map(\.index), [1, 5, 9, 13, 17])
        XCTAssertThrowsError(try Shard(parsing: "0/4"))
        XCTAssertThrowsError(try Shard(parsing: "5/4"))
        XCTAssertThrowsError(try Shard(parsing: "1-4"))
    }

    func testOnlyKeepsTheNamedRunsBeforeSharding() throws {
        let plan = try SweepPlan.parse(text: text, file: "t.json")
        var o = SweepRunner.Options()
        o.results = NSTemporaryDirectory() + "qs-only-\(UUID().uuidString)"
        o.only = ["thoughtLength=12_method=noThought_seed=3", "thoughtLength=4_method=quietSTaR_seed=2"]
        XCTAssertEqual(SweepRunner(plan: plan, options: o).runs.map(\.index), [1, 17], "sweep order, not --only order")
        XCTAssertNoThrow(try SweepRunner(plan: plan, options: o).check())
        o.shard = try Shard(parsing: "2/2")
        XCTAssertEqual(SweepRunner(plan: plan, options: o).runs.map(\.index), [1, 17], "both indices are odd: shard 2 of 2")
        o.shard = try Shard(parsing: "1/2")
        XCTAssertEqual(SweepRunner(plan: plan, options: o).runs.map(\.index), [])
        o.shard = nil
        o.only = []
        XCTAssertEqual(SweepRunner(plan: plan, options: o).runs.count, 18, "no --only: every run")
        o.only = ["thoughtLength=4_method=quietSTaR_seed=9"]
        XCTAssertThrowsError(try SweepRunner(plan: plan, options: o).check()) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("t.json has no run \"thoughtLength=4_method=quietSTaR_seed=9\""), text)
            XCTAssertTrue(text.contains("thoughtLength=4_method=quietSTaR_seed=1, "), "lists the runs: \(text)")
        }
    }

    func testSlurmScript() {
        var s = SlurmScript(jobName: "sweep-t", executable: "/repo/.build/debug/sweep", experimentFile: "/repo/experiments/t.json",
                            results: "/repo/results", workingDirectory: "/repo", shards: 6)
        s.partition = "cpu"
        s.time = "01:00:00"
        let text = s.text
        XCTAssertTrue(text.hasPrefix("#!/bin/bash\n"))
        for line in ["#SBATCH --array=1-6", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=01:00:00",
                     "cd '/repo'",
                     "exec '/repo/.build/debug/sweep' '/repo/experiments/t.json' --shard \"${SLURM_ARRAY_TASK_ID}/6\" --results '/repo/results' --jobs 2 --threads 1"] {
            XCTAssertTrue(text.contains(line), "missing \(line) in\n\(text)")
        }
    }

    func testJSONRoundTripKeepsOrder() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": [true, null, "x\n"], "c": {"z": 1.5e-3}}"#)
        XCTAssertEqual(v.text(), #"{"b":1,"a":[true,null,"x\n"],"c":{"z":1.5e-3}}"#)
        XCTAssertEqual(v.text(sortedKeys: true), #"{"a":[true,null,"x\n"],"b":1,"c":{"z":1.5e-3}}"#)
        XCTAssertThrowsError(try JSONParser.parse(#"{"a": 1, "a": 2}"#))
        XCTAssertEqual(editDistance("thoughtLenght", "thoughtLength"), 2)
    }
}
