import XCTest
@testable import Experiments
import QuietSTaR
import SyntheticData

/// Strict loading: every bad input gives one paragraph naming the file, the JSON path and the
/// allowed values.
final class LoadingTests: XCTestCase {
    func error(_ text: String, file: String = "exp.json") -> ExperimentError? {
        do { _ = try SweepPlan.parse(text: text, file: file); return nil } catch let e as ExperimentError { return e } catch {
            XCTFail("unexpected error type: \(error)"); return nil
        }
    }

    func assertError(_ text: String, contains parts: [String], line: UInt = #line) {
        guard let e = error(text) else { return XCTFail("no error for \(text)", line: line) }
        for p in parts { XCTAssertTrue(e.description.contains(p), "\"\(e.description)\" lacks \"\(p)\"", line: line) }
        XCTAssertTrue(e.description.hasPrefix("Experiment file exp.json"), line: line)
        XCTAssertFalse(e.description.contains("\n"), "one paragraph", line: line)
    }

    func testUnknownKeySuggestsClosestName() {
        assertError(#"{"base": {"quietstar": {"thoughtLenght": 4}}}"#,
                    contains: ["base.quietstar", "unknown key \"thoughtLenght\"", "did you mean \"thoughtLength\"", "rationales"])
        assertError(#"{"name": "x", "sweeps": {}}"#, contains: ["top level", "\"sweeps\"", "did you mean \"sweep\""])
        assertError(#"{"sweep": {"quietstar.thoughtLenght": [4]}}"#,
                    contains: ["at sweep", "did you mean \"quietstar.thoughtLength\""])
        assertError(#"{"base": {"data": {"gsm": {"modulos": 7}}}}"#, contains: ["base.data.gsm", "did you mean \"modulus\""])
    }

    func testKeyAtTheWrongLevelIsPointedToItsPlace() {
        // A section or setting given at the wrong level is named by its full path, not by an
        // unrelated name that happens to be few edits away.
        assertError(#"{"quietstar": {"thoughtLength": 3}}"#,
                    contains: ["top level", "unknown key \"quietstar\"", "did you mean \"base.quietstar\"?"])
        assertError(#"{"base": {"thoughtLength": 3}}"#,
                    contains: ["at base:", "did you mean \"base.quietstar.thoughtLength\"?"])
        assertError(#"{"base": {"model": {"lr": 0.001}}}"#,
                    contains: ["at base.model:", "did you mean \"base.pretrain.lr\" or \"base.train.lr\"?"])
        assertError(#"{"sweep": {"thoughtLength": [3, 7]}}"#,
                    contains: ["at sweep:", "did you mean \"quietstar.thoughtLength\"?"])
        assertError(#"{"extra": [{"method": "noThought"}]}"#,
                    contains: ["at extra[0]:", "did you mean \"quietstar.method\"?"])
        assertError(#"{"base": {"eval": {"items": 10}}}"#,
                    contains: ["did you mean \"itemsPerSet\" or \"base.eval.cot.items\"?"])
        // Neither a typo nor a key of the schema: no guess at all.
        guard let e = error(#"{"base": {"quietstar": {"temperatureOfThoughts": 1}}}"#) else { return XCTFail("no error") }
        XCTAssertFalse(e.description.contains("did you mean"), e.description)
    }

    func testWrongType() {
        assertError(#"{"base": {"train": {"steps": "ten"}}}"#,
                    contains: ["base.train.steps", "wrong type", "expected a number", "\"ten\""])
        assertError(#"{"base": {"model": 3}}"#, contains: ["base.model", "expected an object", "layers"])
        assertError(#"{"seeds": [1, "two"]}"#, contains: ["seeds[1]", "integers >= 0"])
        assertError(#"{"base": {"quietstar": {"method": "quietstar"}}}"#,
                    contains: ["base.quietstar.method", "did you mean \"quietSTaR\"", "quietSTaR, pause, noThought"])
    }

    func testOutOfRange() {
        assertError(#"{"base": {"quietstar": {"rationales": 0}}}"#, contains: ["quietstar.rationales", "1 ... 16"])
        assertError(#"{"base": {"model": {"width": 30, "heads": 4}}}"#, contains: ["model.heads", "divisor of model.width"])
        assertError(#"{"base": {"train": {"lr": -1}}}"#, contains: ["train.lr", "> 0"])
        assertError(#"{"base": {"model": {"sequenceLength": 32}}}"#, contains: ["model.sequenceLength", "64 ... 4096"])
        assertError(#"{"sweep": {"quietstar.thoughtLength": [4, 99]}}"#,
                    contains: ["quietstar.thoughtLength", "thoughtLength=99", "0 ... 64"])
        assertError(#"{"base": {"data": {"gsm": {"modulus": 1}}}}"#, contains: ["data.gsm.modulus"])
        assertError(#"{"base": {"data": {"gsm": {"shuffleFraction": 2}}}}"#, contains: ["data.gsm.shuffleFraction", "0 ... 1"])
        XCTAssertNil(error(#"{"base": {"data": {"gsm": {"shuffleFraction": 0.5}}}}"#))
        assertError(#"{"base": {"quietstar": {"endMarkerScale": 0}}}"#, contains: ["quietstar.endMarkerScale", "> 0 or null"])
        assertError(#"{"base": {"quietstar": {"endMarkerScale": "ten"}}}"#, contains: ["quietstar.endMarkerScale", "a number or null"])
        assertError(#"{"base": {"quietstar": {"mixingHeadLRScale": 0}}}"#, contains: ["quietstar.mixingHeadLRScale", "> 0 or null"])
        assertError(#"{"base": {"quietstar": {"mixingHeadLRScale": "ten"}}}"#, contains: ["quietstar.mixingHeadLRScale", "a number or null"])
        let headScale = try? SweepPlan.parse(text: #"{"name": "h", "sweep": {"quietstar.mixingHeadLRScale": [10]}}"#, file: "h.json")
        XCTAssertEqual(headScale?.runs[0].experiment.quietstar.mixingHeadLRScale, 10)
        XCTAssertNil(Experiment().quietstar.mixingHeadLRScale, "null by default: saved runs keep their resolved form")
        assertError(#"{"base": {"quietstar": {"mixingHeadTraining": "firstStep"}}}"#,
                    contains: ["quietstar.mixingHeadTraining", "did you mean \"firstTalkStep\"", "allTalkSteps, firstTalkStep"])
        let first = try? SweepPlan.parse(text: #"{"name": "f", "base": {"quietstar": {"mixingHeadTraining": "firstTalkStep"}}}"#, file: "f.json")
        XCTAssertEqual(first?.runs[0].experiment.quietstar.mixingHeadTraining, .firstTalkStep)
        XCTAssertNil(Experiment().quietstar.mixingHeadTraining)
        assertError(#"{"base": {"data": {"eval": {"itemsPerSet": 10}}}}"#, contains: ["data.eval.itemsPerSet", "eval.itemsPerSet"])
        assertError(#"{"base": {"data": {"kb": {"bridges": "contex"}}}}"#,
                    contains: ["base.data.kb.bridges", "did you mean \"context\"", "weights, context"])
        assertError(#"{"base": {"data": {"kb": {"bridges": 2}}}}"#, contains: ["base.data.kb.bridges", "a string or null"])
        assertError(#"{"base": {"data": {"kb": {"bridges": "context", "heldOutGroupFraction": 0.25}}}}"#,
                    contains: ["data.kb.heldOutGroupFraction", "0 when kb.bridges is context"])
        XCTAssertNil(error(#"{"base": {"data": {"kb": {"bridges": "context"}, "corpus": {"base": {"kbIsA": 0.1}}}}}"#))
        let context = try? SweepPlan.parse(text: #"{"name": "c", "base": {"data": {"kb": {"bridges": "context"}}}}"#, file: "c.json")
        XCTAssertEqual(context?.runs[0].experiment.data.kb.bridges, .context)
        assertError(#"{"base": {"quietstar": {"rewardBaseline": "nothing"}}}"#,
                    contains: ["base.quietstar.rewardBaseline", "mean, none"])
        let plan = try? SweepPlan.parse(text: #"{"name": "r", "extra": [{"quietstar.rationales": 1, "quietstar.rewardBaseline": "none"}]}"#,
                                        file: "r.json")
        XCTAssertEqual(plan?.runs.map(\.id), ["run", "rationales=1_rewardBaseline=none"])
        XCTAssertEqual(plan?.runs[0].experiment.quietstar.effectiveRewardBaseline, QuietSTaRConfig.RewardBaseline.mean)
        XCTAssertEqual(plan?.runs[1].experiment.quietstar.effectiveRewardBaseline, QuietSTaRConfig.RewardBaseline.none)
        // Unset, it is not stored: earlier runs keep their resolved configuration.
        let plain = try? SweepPlan.parse(text: #"{"name": "p"}"#, file: "p.json")
        XCTAssertEqual(plain?.runs[0].resolved.text().contains("rewardBaseline"), false)
    }

    func testEmptyListsAndSyntax() {
        assertError(#"{"sweep": {"quietstar.thoughtLength": []}}"#,
                    contains: ["sweep[\"quietstar.thoughtLength\"]", "empty list", "non-empty list"])
        assertError(#"{"seeds": []}"#, contains: ["seeds", "empty list"])
        assertError("{\"base\": {\n  \"train\": {\"steps\": 4,}}}", contains: ["line 2", "invalid JSON"])
        assertError(#"{"seeds": [1], "sweep": {"train.seed": [1, 2]}}"#, contains: ["train.seed", "also set by \"seeds\""])
    }

    func testMissingFile() {
        XCTAssertThrowsError(try SweepPlan.load(file: "/nonexistent/dir/x.json")) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("/nonexistent/dir/x.json"), text)
            XCTAssertTrue(text.contains("does not exist"), text)
        }
    }

    /// `sweep data --config` reads a data block, a run's saved configuration or an experiment file
    /// by the experiment files' rules, so it shows the corpus the runs train on: a partial mixture
    /// keeps the default weights it leaves out (not 0), exactly as in an experiment.
    func testDataConfigFileReadsLikeAnExperiment() throws {
        let block = #"{"kb": {"hops": 3}, "corpus": {"generic": {"kbFact": 0.9, "kbDirect": 0.1}}}"#
        let plan = try SweepPlan.parse(text: #"{"name": "d", "base": {"data": "# + block + "}}", file: "d.json")
        let run = plan.runs[0]
        XCTAssertEqual(run.experiment.data.corpus.generic.gsmStory, 0.45)
        XCTAssertEqual(try DataConfigFile.parse(text: run.resolved.text(), file: "run.json"), run.experiment.data)
        // A data block and an experiment file give the run's data; `data.eval` (derived from the
        // experiment's `eval`, read by no `sweep data` output) keeps the data default there.
        var data = run.experiment.data
        data.eval = EvalConfig()
        XCTAssertEqual(try DataConfigFile.parse(text: block, file: "b.json"), data)
        XCTAssertEqual(try DataConfigFile.parse(text: #"{"name": "d", "base": {"data": "# + block + "}}", file: "d.json"), data)
        XCTAssertEqual(try DataConfigFile.parse(text: "{}", file: "e.json"), DataConfig())
        XCTAssertEqual(try DataConfigFile.parse(text: block, file: "b.json").corpus.generic.summary,
                       "gsmDirect 0.1, arithmeticFact 0.45, gsmStory 0.45, kbFact 0.9, kbDirect 0.1")

        func failure(_ text: String) -> String {
            do { _ = try DataConfigFile.parse(text: text, file: "data.json"); return "" } catch { return "\(error)" }
        }
        let unknown = failure(#"{"corpus": {"generic": {"kbFct": 1}}}"#)
        XCTAssertTrue(unknown.hasPrefix("Experiment file data.json at corpus.generic: unknown key \"kbFct\" (did you mean \"kbFact\"?)"), unknown)
        let negative = failure(#"{"base": {"data": {"corpus": {"generic": {"kbFact": -1}}}}}"#)
        XCTAssertTrue(negative.hasPrefix("Experiment file data.json at base.data.corpus.generic.kbFact: invalid value -1.0."), negative)
        XCTAssertTrue(negative.contains("Allowed: a finite weight >= 0"), negative)
        let type = failure(#"{"data": {"kb": {"hops": "three"}}}"#)
        XCTAssertTrue(type.hasPrefix("Experiment file data.json at data.kb.hops: wrong type"), type)
        XCTAssertTrue(failure("[1]").contains("at top level: expected an object, found a list"))
        XCTAssertTrue(failure("{").contains("invalid JSON"))
    }

    func testDefaultsAndVocabularyTokens() throws {
        let plan = try SweepPlan.parse(text: #"{"name": "d", "base": {"quietstar": {"pauseToken": 3}}}"#, file: "d.json")
        XCTAssertEqual(plan.runs.count, 1)
        XCTAssertEqual(plan.runs[0].id, "run")
        let e = plan.runs[0].experiment
        XCTAssertEqual(e.model.layers, 2); XCTAssertEqual(e.model.width, 128); XCTAssertEqual(e.pretrain.steps, 6000); XCTAssertEqual(e.quietstar.markerScale, 1); XCTAssertEqual(e.quietstar.endMarkerScale, 10)
        XCTAssertEqual(e.quietstar.thoughtLength, 11); XCTAssertEqual(e.quietstar.rationales, 2)
        XCTAssertEqual(e.quietstar.nTrue, 4); XCTAssertEqual(e.pretrain.lr, 1e-3); XCTAssertEqual(e.train.batch, 8)
        XCTAssertEqual(e.quietstar.pauseToken, 3, "a given token is kept")
        XCTAssertNotEqual(e.quietstar.startMarkerInitToken, 0)
        XCTAssertEqual(e.quietstar.forbiddenThoughtTokens.count, 4)
        XCTAssertEqual(e.data.eval.itemsPerSet, e.eval.itemsPerSet)
        XCTAssertEqual(e.runContext, 64 + e.quietstar.maxPositionOffset + 1)
    }

    /// An optional field with a non-null default takes an explicit null (endMarkerScale null =
    /// the start marker's scale), and a number still overrides it.
    func testNullOverridesOptionalDefault() throws {
        let none = try SweepPlan.parse(text: #"{"name": "n", "base": {"quietstar": {"endMarkerScale": null}}}"#, file: "n.json")
        XCTAssertNil(none.runs[0].experiment.quietstar.endMarkerScale)
        XCTAssertEqual(none.runs[0].experiment.quietstar.effectiveEndMarkerScale, none.runs[0].experiment.quietstar.markerScale)
        let five = try SweepPlan.parse(text: #"{"name": "f", "base": {"quietstar": {"endMarkerScale": 5}}}"#, file: "f.json")
        XCTAssertEqual(five.runs[0].experiment.quietstar.endMarkerScale, 5)
    }

    /// An experiment that varies `data.*` over its runs: `variedFields` names the fields (sweep and
    /// extra), and `load(file:run:)` gives each run's own data; an unknown id lists the ids.
    func testDataOfOneRunOfAnExperimentThatVariesIt() throws {
        let text = #"{"name": "v", "base": {"data": {"kb": {"hops": 3}}}, "sweep": {"data.kb.hops": [2, 3]}, "#
            + #""extra": [{"data.gsm.maxDistractors": 1}, {"quietstar.thoughtLength": 5}], "seeds": [1]}"#
        XCTAssertEqual(try DataConfigFile.variedFields(text: text, file: "v.json"), ["data.kb.hops", "data.gsm.maxDistractors"])
        XCTAssertEqual(try DataConfigFile.variedFields(text: #"{"kb": {"hops": 2}}"#, file: "b.json"), [])
        XCTAssertEqual(try DataConfigFile.variedFields(text: #"{"name": "n", "sweep": {"quietstar.thoughtLength": [3]}}"#, file: "n.json"), [])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("varied-\(getpid()).json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let plan = try SweepPlan.load(file: file.path)
        XCTAssertEqual(plan.runs.count, 4)
        for run in plan.runs {
            XCTAssertEqual(try DataConfigFile.load(file: file.path, run: run.id), run.experiment.data, run.id)
        }
        XCTAssertEqual(Set(plan.runs.map(\.experiment.data.kb.hops)), [2, 3])
        XCTAssertEqual(try DataConfigFile.load(file: file.path).kb.hops, 3)
        XCTAssertThrowsError(try DataConfigFile.load(file: file.path, run: "hops=4_seed=1")) { e in
            let text = "\(e)"
            XCTAssertTrue(text.hasPrefix("--run: \(file.path) has no run \"hops=4_seed=1\". Its runs: ")
                          && text.hasSuffix(plan.runs.map(\.id).joined(separator: ", ") + "."), text)
        }
    }

    /// Every experiment file of the repository loads, and writes every corpus mixture it changes in
    /// full (no mixture keeps a default weight it leaves out, which `notes` would point out).
    func testEveryExperimentFileLoads() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../experiments").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        XCTAssertTrue(files.contains("smoke.json") && files.contains("thought-length.json"), "\(files)")
        for f in files {
            let plan = try SweepPlan.load(file: dir.appendingPathComponent(f).path)
            XCTAssertFalse(plan.runs.isEmpty, f)
            XCTAssertEqual(plan.notes.filter { $0.contains("merges with its default") }, [], f)
            let runner = SweepRunner(plan: plan, options: SweepRunner.Options())
            XCTAssertNoThrow(try runner.check(), f)
        }
    }

    /// The experiments compared with each other by the claims run on the same base model per seed:
    /// controls, corpus and ablations on thought-length's, csqa-controls on csqa's; so do
    /// thought-length-long, corpus-packed, corpus-tokens, mixing-head, csqa-long, csqa-corpus-tokens and
    /// csqa-mixing-head, which the notes compare with thought-length, corpus, csqa and csqa-corpus
    /// (`train.packing` is not part of the key); corpus-packed-base has its own.
    func testComparedExperimentsShareTheirBaseModels() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../experiments").standardizedFileURL
        func keys(_ name: String) throws -> [Int: Set<String>] {
            let plan = try SweepPlan.load(file: dir.appendingPathComponent("\(name).json").path)
            return Dictionary(grouping: plan.runs, by: { $0.experiment.train.seed }).mapValues { Set($0.map(\.baseKey)) }
        }
        let main = try keys("thought-length")
        XCTAssertEqual(main.count, 3)
        XCTAssertTrue(main.values.allSatisfy { $0.count == 1 })
        for name in ["controls", "corpus", "ablations", "thought-length-long", "corpus-packed", "corpus-tokens", "mixing-head"] { XCTAssertEqual(try keys(name), main, name) }
        let csqa = try keys("csqa")
        XCTAssertEqual(csqa.count, 3)
        XCTAssertNotEqual(csqa, main)
        for name in ["csqa-controls", "csqa-long", "csqa-corpus", "csqa-corpus-tokens", "csqa-mixing-head"] { XCTAssertEqual(try keys(name), csqa, name) }
        // corpus-packed-base pretrains on packed rows (`data.corpus.packing` is part of the key):
        // its own base model per seed, shared by both corpora and methods.
        let packed = try keys("corpus-packed-base")
        XCTAssertEqual(packed.count, 3)
        XCTAssertTrue(packed.values.allSatisfy { $0.count == 1 })
        for seed in 1...3 { XCTAssertTrue(packed[seed]!.isDisjoint(with: main[seed]!), "seed \(seed)") }
    }

    /// experiments/replication/*.json are their namesakes in experiments/ on seeds no other
    /// experiment file uses: equal in everything but `seeds` and `description`, and loadable.
    func testReplicationFilesDifferFromTheirOriginalsOnlyInSeeds() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../experiments").standardizedFileURL
        func object(_ path: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(path))) as? [String: Any], path)
        }
        let replicated = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("replication").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(replicated, ["controls.json", "corpus.json", "csqa.json", "mixing-head.json", "thought-length.json"])
        let others = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        var usedSeeds = Set<Int>()
        for f in others { usedSeeds.formUnion(try object(f)["seeds"] as? [Int] ?? []) }
        for f in replicated {
            var copy = try object("replication/" + f), original = try object(f)
            XCTAssertEqual(copy["seeds"] as? [Int], [7, 8, 9], f)
            XCTAssertTrue(usedSeeds.isDisjoint(with: [7, 8, 9]), "\(usedSeeds)")
            for key in ["seeds", "description"] { copy[key] = nil; original[key] = nil }
            XCTAssertEqual(NSDictionary(dictionary: copy), NSDictionary(dictionary: original), f)
            let plan = try SweepPlan.load(file: dir.appendingPathComponent("replication/" + f).path)
            XCTAssertEqual(Set(plan.runs.map(\.experiment.train.seed)), [7, 8, 9], f)
            XCTAssertNoThrow(try SweepRunner(plan: plan, options: SweepRunner.Options()).check(), f)
        }
    }
}
