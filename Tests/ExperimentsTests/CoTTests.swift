import Foundation
import HDF5Log
import SyntheticData
import XCTest
@testable import Experiments

/// Chain-of-thought maj@k: the vote, reading answers, and the datasets a run writes.
final class CoTTests: XCTestCase {
    func testMajorityVote() {
        XCTAssertEqual(MajorityVote.winner([3, 5, 5, nil]), 5)
        XCTAssertEqual(MajorityVote.winner([5, 3, 3, 5]), 5, "tie: the earliest answer")
        XCTAssertEqual(MajorityVote.winner([nil, 3, 5, 5, 3]), 3, "tie: the earliest answer")
        XCTAssertEqual(MajorityVote.winner([nil, nil, 7]), 7, "no answer never votes")
        XCTAssertNil(MajorityVote.winner([nil, nil]))
        XCTAssertNil(MajorityVote.winner([]))

        // Item 1 (truth 4): right at k = 1, tie 4/2 at k = 2 (4 first), 2 wins from k = 3.
        // Item 2 (truth 1): no answer, then 1: right from k = 2.
        // Item 3 (truth 0): never right.
        let samples: [[Int?]] = [[4, 2, 2], [nil, 1, 3], [5, 5, nil]]
        XCTAssertEqual(MajorityVote.accuracy(samples: samples, truth: [4, 1, 0], maxK: 3), [1.0 / 3, 2.0 / 3, 1.0 / 3])
    }

    func testFinalAnswerIsTheLastNumberBeforeTheNewline() throws {
        let v = try Vocabulary(config: DataConfig())
        let cot = CoTEvaluation(spec: CoTSpec(), evaluator: Evaluator(experiment: Experiment(), vocabulary: v), vocabulary: v)
        func answer(_ text: String) throws -> Int? { cot.finalAnswer(try v.encode(text)) }
        XCTAssertEqual(try answer("bob = 8 . cid = 6 . 6\n"), 6)
        XCTAssertEqual(try answer("bob = 8 . cid = 6 . 7\nQ: 9"), 7)
        XCTAssertEqual(try answer("bob = 8 . cid ="), 8, "no newline: the last number generated")
        XCTAssertNil(try answer("bob = .\n3"))
        XCTAssertNil(cot.finalAnswer([]))
        // Items: round-robin over the GSM sets; the prompt ends with `steps:`.
        var spec = CoTSpec()
        spec.items = 4
        let four = CoTEvaluation(spec: spec, evaluator: Evaluator(experiment: Experiment(), vocabulary: v), vocabulary: v)
        XCTAssertEqual(four.items.map(\.difficulty), [1, 2, 3, 1])
        XCTAssertEqual(four.prompt(four.items[0]).suffix(2), [v.answer, v.steps])
    }

    /// The fixture run has `eval.cot.items = 4`: its log holds /cot/k, /cot/accuracy and
    /// /cot/accuracy_base, and recomputing maj@k on the reloaded model gives the same numbers.
    func testRunWritesCoTDatasetsThatTheSavedModelReproduces() throws {
        let (results, id) = TrainedRunFixture.trained
        let run = try TrainedRun.load(id, results: results)
        let log = try RunLog.read(from: run.logPath)
        let group = try XCTUnwrap(log.groups["cot"])
        XCTAssertEqual(group["k"], .int([1, 2, 3, 4, 5, 6, 7, 8]))
        guard case .double(let acc)? = group["accuracy"], case .double(let base)? = group["accuracy_base"] else {
            return XCTFail("accuracy columns missing or not float64: \(group)")
        }
        XCTAssertEqual(acc.count, 8)
        XCTAssertEqual(base.count, 8)
        for a in acc + base { XCTAssertTrue(a >= 0 && a <= 1 && (a * 4).rounded() == a * 4, "\(a) is n / 4") }

        let evaluator = Evaluator(experiment: run.experiment, vocabulary: run.vocabulary)
        let cot = CoTEvaluation(spec: run.experiment.eval.cot, evaluator: evaluator, vocabulary: run.vocabulary)
        let again = cot.evaluate(run.model)
        XCTAssertEqual(again.accuracy, acc)
        XCTAssertEqual(again.accuracyBase, base)
        XCTAssertEqual(again.answers.count, 4)
        XCTAssertTrue(again.answers.allSatisfy { $0.count == 8 })
        // The vote over the recorded answers is what the accuracy says.
        XCTAssertEqual(MajorityVote.accuracy(samples: again.answers, truth: cot.items.map { $0.answer[0] }, maxK: 8), acc)
    }

    /// `eval.cot.steps` = k: the items are the held-out chains of k operations
    /// (`EvalSuite.chains` with the evaluation seed), here longer than any in the default training text.
    func testStepsTakesChainsOfThatLength() throws {
        let v = try Vocabulary(config: DataConfig())
        var e = Experiment()
        e.eval.cot.items = 6
        e.eval.cot.steps = 4
        let cot = CoTEvaluation(spec: e.eval.cot, evaluator: Evaluator(experiment: e, vocabulary: v), vocabulary: v)
        XCTAssertEqual(cot.items, EvalSuite.chains(k: 4, count: 6, vocabulary: v, seed: UInt64(e.eval.seed)).items)
        XCTAssertEqual(cot.items.map(\.difficulty), [4, 4, 4, 4, 4, 4])
        XCTAssertEqual(v.decode(cot.items[0].solution).split(separator: "=").count - 1, 4)
    }

    /// steps is optional: absent from the default encoding (configs and cache keys without it are
    /// unchanged), accepted in a file, and out-of-range values name the field and the allowed ones.
    func testStepsIsOptionalAndChecked() throws {
        let encoded = String(decoding: try JSONEncoder().encode(Experiment().eval.cot), as: UTF8.self)
        XCTAssertFalse(encoded.contains("steps"), encoded)
        let ok = #"{"base": {"eval": {"cot": {"items": 5, "steps": 4}}}}"#
        XCTAssertEqual(try SweepPlan.parse(text: ok, file: "exp.json").runs[0].experiment.eval.cot.steps, 4)
        let null = #"{"base": {"eval": {"cot": {"items": 5, "steps": null}}}}"#
        XCTAssertNil(try SweepPlan.parse(text: null, file: "exp.json").runs[0].experiment.eval.cot.steps)
        for bad in ["0", "9"] {
            let text = #"{"base": {"eval": {"cot": {"items": 5, "steps": "# + bad + "}}}}"
            XCTAssertThrowsError(try SweepPlan.parse(text: text, file: "exp.json")) { e in
                XCTAssertTrue("\(e)".contains("exp.json") && "\(e)".contains("eval.cot.steps")
                              && "\(e)".contains("1 ... 8 or null"), "\(e)")
            }
        }
        // Fewer names: the longest chain the world can state.
        let few = #"{"base": {"data": {"gsm": {"names": ["a1", "a2", "a3", "a4", "a5"]}}, "eval": {"cot": {"items": 5, "steps": 5}}}}"#
        XCTAssertThrowsError(try SweepPlan.parse(text: few, file: "exp.json")) { e in
            XCTAssertTrue("\(e)".contains("eval.cot.steps") && "\(e)".contains("1 ... 4 or null"), "\(e)")
        }
        let wrongType = #"{"base": {"eval": {"cot": {"items": 5, "steps": "4"}}}}"#
        XCTAssertThrowsError(try SweepPlan.parse(text: wrongType, file: "exp.json")) { e in
            XCTAssertTrue("\(e)".contains("eval.cot.steps"), "\(e)")
        }
    }

    func testCoTOptionIsCheckedAndOffByDefault() throws {
        XCTAssertEqual(Experiment().eval.cot.items, 0)
        let bad = #"{"base": {"eval": {"cot": {"samples": 0}}}}"#
        XCTAssertThrowsError(try SweepPlan.parse(text: bad, file: "exp.json")) { e in
            XCTAssertTrue("\(e)".contains("eval.cot.samples") && "\(e)".contains("1 ... 64"), "\(e)")
        }
        let typo = #"{"base": {"eval": {"cot": {"item": 3}}}}"#
        XCTAssertThrowsError(try SweepPlan.parse(text: typo, file: "exp.json")) { e in
            XCTAssertTrue("\(e)".contains("did you mean \"items\""), "\(e)")
        }
    }
}
