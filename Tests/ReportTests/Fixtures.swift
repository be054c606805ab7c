import Foundation
import HDF5Log
@testable import Report
import XCTest

/// Synthetic run logs with known values, written with `RunLog` into a temporary results folder.
enum Fixtures {
    /// A small deterministic generator (so fixtures are identical on every run).
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// `config` of a run whose base model saw only the GSM-style world.
    static let mathOnlyConfig = #"{"data": {"corpus": {"base": {"gsmWorked": 0.4, "gsmDirect": 0.3, "kbFact": 0, "kbDirect": 0}}}}"#
    /// `config` of a run whose base model was pretrained on the knowledge-base world (as csqa's).
    static let knowledgeBaseConfig = #"{"data": {"corpus": {"base": {"gsmWorked": 0, "kbFact": 0.2, "kbWorked": 0.4}}}}"#

    struct RunSpec {
        var experiment: String
        var overrides: [(String, String)]
        var method: String
        var seed: Int
        var thoughtLength = 8
        var nTrue = 4
        var rationales = 2
        var status = "complete"
        /// Final GSM / CSQA soft accuracy; curves rise linearly from `start` to it.
        var gsm = 0.1
        var csqa = 0.4
        var start: (gsm: Double, csqa: Double)? = nil
        var seedsAsDoubles = false
        var tokens = false
        var hardGain = 0.5
        var thoughts = false
        var cot: (accuracy: [Double], base: [Double]?)? = nil
        var steps = 40
        /// The `config` attribute (resolved experiment JSON).
        var config = "{}"

        var id: String { (overrides.map { "\($0.0)=\($0.1)" } + ["seed=\(seed)"]).joined(separator: "_") }
    }

    static func log(_ r: RunSpec) -> RunLog {
        var noise = Noise(state: r.id.utf8.reduce(UInt64(r.seed)) { $0 &* 31 &+ UInt64($1) })
        let number: (Int) -> AttributeValue = { r.seedsAsDoubles ? .double(Double($0)) : .int(Int64($0)) }
        var attributes: [String: AttributeValue] = [
            "config": .string("{\"name\": \"\(r.experiment)\"}"), "status": .string(r.status),
            "software_version": .string("test"), "experiment": .string(r.experiment), "run": .string(r.id),
            "method": .string(r.method), "seed": number(r.seed), "thoughtLength": number(r.thoughtLength),
            "rationales": number(r.rationales), "nTrue": number(r.nTrue),
        ]
        attributes["config"] = .string(r.config)
        let n = r.steps
        let step = (0..<n).map(Double.init)
        func curve(_ from: Double, _ to: Double, _ jitter: Double) -> [Double] {
            (0..<n).map { from + (to - from) * Double($0) / Double(n - 1) + jitter * (noise.next() - 0.5) }
        }
        let thinking = r.method != "noThought"
        var train: [String: Column] = [
            "step": .int(step.map { Int64($0) }), "loss": .double(curve(3, 2, 0.2)), "nll_base": .double(curve(3, 2.2, 0.2)),
            "nll_talk": .double(curve(3, thinking ? 1.9 : 2.2, 0.2)), "policy_loss": .double(curve(0, 0, 0.1)),
            "reward_mean": .double(curve(0, thinking ? 0.3 : 0, 0.05)),
            "mixing_weight_mean": .double(curve(0, thinking ? 0.4 : 0, 0.02)),
            "grad_norm": .double(curve(1, 1, 0.1)), "lr": .double(curve(1e-3, 1e-3, 0)),
            "tokens": .int((0..<n).map { Int64($0 * 512) }), "seconds": .double(Array(repeating: 1.5, count: n)),
        ]
        if !thinking { train["nll_talk"] = .double(Array(repeating: .nan, count: n)) }
        let evalSteps = stride(from: 0, through: n - 1, by: 10).map(Double.init) + (((n - 1) % 10 == 0) ? [] : [Double(n - 1)])
        let start = r.start ?? (r.gsm, r.csqa)
        func evalCurve(_ from: Double, _ to: Double) -> [Double] {
            evalSteps.map { s in from + (to - from) * s / Double(n - 1) }
        }
        var eval: [String: Column] = ["step": .int(evalSteps.map { Int64($0) }),
                                      "gsm_soft": .double(evalCurve(start.gsm, r.gsm)),
                                      "gsm_exact": .double(evalCurve(start.gsm * 0.8, r.gsm * 0.8)),
                                      "csqa_soft": .double(evalCurve(start.csqa, r.csqa)),
                                      "csqa_exact": .double(evalCurve(start.csqa * 0.9, r.csqa * 0.9))]
        for k in 1...4 {
            let f = 1.6 - 0.3 * Double(k)
            eval["gsm_k\(k)_soft"] = .double(evalCurve(start.gsm * f, r.gsm * f))
            eval["gsm_k\(k)_exact"] = .double(evalCurve(start.gsm * f * 0.8, r.gsm * f * 0.8))
        }
        for h in 1...2 {
            let f = 1.2 - 0.3 * Double(h - 1)
            eval["csqa_hop\(h)_soft"] = .double(evalCurve(start.csqa * f, r.csqa * f))
        }
        eval["csqa_hop2_train_soft"] = .double(evalCurve(0.9, 0.9))
        var groups: [String: [String: Column]] = ["train": train, "eval": eval]
        if r.tokens {
            var nll: [Float] = [], delta: [Float] = []
            for _ in 0..<1500 {
                let x = -Foundation.log(1 - noise.next()) * 2
                nll.append(Float(x))
                delta.append(Float(r.hardGain * max(0, x - 2) - 0.05 + 0.3 * (noise.next() - 0.5)))
            }
            groups["tokens"] = ["nll_base": .float(nll), "delta_logp": .float(delta), "token": .int(nll.indices.map { Int64($0 % 50) })]
        }
        if r.thoughts {
            groups["thoughts"] = [
                "set": .string(["gsm-k2", "csqa-hop1"]),
                "context": .string(["Q: ana has 3 apples and buys 4 more . how many apples ?\nA:", "Q: where does a fish live ?\n(A) sea (B) tree\nA:"]),
                "thought": .string(["3 plus 4 is 7", "fish swim in water"]),
                "answer": .string(["7 \n", "A \n"]),
                "delta_logp": .float([1.2, -0.3]), "mixing_weight": .float([0.4, 0.3]),
            ]
        }
        if let cot = r.cot {
            var c: [String: Column] = ["k": .int((1...cot.accuracy.count).map(Int64.init)), "accuracy": .double(cot.accuracy)]
            if let b = cot.base { c["accuracy_base"] = .double(b) }
            groups["cot"] = c
        }
        return RunLog(attributes: attributes, groups: groups)
    }

    static func write(_ runs: [RunSpec], to results: URL) throws {
        for r in runs {
            let folder = results.appendingPathComponent(r.experiment)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try log(r).write(to: folder.appendingPathComponent("\(r.id).h5").path)
        }
    }

    /// The main sweep: baseline plus t = 2, 4, 8 (4 ahead), 3 seeds each; gains grow with t.
    static func thoughtLength(seeds: [Int] = [1, 2, 3], gains: [Int: Double] = [2: 0.03, 4: 0.06, 8: 0.10]) -> [RunSpec] {
        var runs: [RunSpec] = []
        for seed in seeds {
            let j = 0.004 * Double(seed - 2)
            runs.append(RunSpec(experiment: "thought-length", overrides: [("method", "noThought")], method: "noThought", seed: seed,
                                gsm: 0.06 + j, csqa: 0.36 + j, start: (0.06, 0.36)))
            for (t, g) in gains.sorted(by: { $0.key < $1.key }) {
                runs.append(RunSpec(experiment: "thought-length", overrides: [("thoughtLength", "\(t)"), ("method", "quietSTaR")],
                                    method: "quietSTaR", seed: seed, thoughtLength: t, gsm: 0.06 + g + j, csqa: 0.36 + g + j,
                                    start: (0.06, 0.36), tokens: true, thoughts: seed == 1))
            }
        }
        return runs
    }

    static func controlsAndCot() -> [RunSpec] {
        var runs: [RunSpec] = []
        for seed in [1, 2] {
            let j = 0.003 * Double(seed)
            runs.append(RunSpec(experiment: "controls", overrides: [("method", "noThought")], method: "noThought", seed: seed, gsm: 0.06 + j, csqa: 0.36 + j))
            runs.append(RunSpec(experiment: "controls", overrides: [("method", "pause")], method: "pause", seed: seed, gsm: 0.065 + j, csqa: 0.37 + j))
            runs.append(RunSpec(experiment: "controls", overrides: [("method", "quietSTaR")], method: "quietSTaR", seed: seed, gsm: 0.15 + j, csqa: 0.45 + j))
            let acc = (1...8).map { 0.30 + 0.015 * Double($0) + j }
            runs.append(RunSpec(experiment: "cot", overrides: [("method", "quietSTaR")], method: "quietSTaR", seed: seed,
                                cot: (acc, acc.map { $0 - 0.06 })))
            runs.append(RunSpec(experiment: "cot", overrides: [("method", "noThought")], method: "noThought", seed: seed,
                                cot: (acc.map { $0 - 0.07 }, acc.map { $0 - 0.07 })))   // as a real no-thought run logs it
        }
        runs.append(RunSpec(experiment: "controls", overrides: [("method", "quietSTaR")], method: "quietSTaR", seed: 3, status: "running"))
        return runs
    }

    /// Writes `runs` into `<folder>/results` of a fresh folder named after `name` and generates the
    /// report and figures (into `<folder>/paper-figures`).
    static func generate(_ runs: [RunSpec], _ name: String) throws -> (URL, ReportGenerator.Outcome) {
        let dir = directory(name)
        try write(runs, to: dir.appendingPathComponent("results"))
        let generator = ReportGenerator(resultsDirectory: dir.appendingPathComponent("results").path,
                                        figuresDirectory: dir.appendingPathComponent("paper-figures").path)
        return (dir, try generator.run())
    }

    /// A fresh temporary folder; kept (and printed) when `REPORT_TEST_OUTPUT` names a folder.
    static func directory(_ test: String) -> URL {
        if let kept = ProcessInfo.processInfo.environment["REPORT_TEST_OUTPUT"], !kept.isEmpty {
            let url = URL(fileURLWithPath: kept).appendingPathComponent(test)
            try? FileManager.default.removeItem(at: url)
            return url
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("ReportTests-\(UUID().uuidString)")
    }

    static func cleanUp(_ url: URL) {
        if ProcessInfo.processInfo.environment["REPORT_TEST_OUTPUT"]?.isEmpty ?? true {
            try? FileManager.default.removeItem(at: url)
        }
    }
}
