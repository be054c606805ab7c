import ArgumentParser
import Foundation
import Report

/// `sweep figures`: render the paper's figures from the run logs and write the results report.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Render the paper's figures from results/<experiment>/*.h5 and write <results>/REPORT.md.")

    @Option(help: "Folder holding one sub-folder of run logs per experiment.") var results: String = "results"
    @Option(help: "Folder for the figures (PNG, SVG, .gp script and .dat data).") var out: String = "paper-figures"

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: results, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--results \(results): no such folder (it should hold one folder of run logs per experiment)")
        }
    }

    func run() throws {
        let outcome = try ReportGenerator(resultsDirectory: results, figuresDirectory: out).run()
        let counted = outcome.results.experiments.values.map(\.count).reduce(0, +)
        print("read \(counted) complete run(s) in \(outcome.results.experimentNames.count) experiment(s) from \(results)"
            + (outcome.results.skipped.isEmpty ? "" : "; \(outcome.results.skipped.count) not complete, not counted")
            + (outcome.results.problems.isEmpty ? "" : "; \(outcome.results.problems.count) unreadable"))
        for f in outcome.rendered { print("figure: \(f.png.path) (+ .svg, .gp, .dat)") }
        for m in outcome.missingFigures { print("not drawn: \(m)") }
        for c in outcome.checks {
            print("claim \(c.number)\(c.task.isEmpty ? "" : " \(c.task)"): \(c.verdict.rawValue)")
        }
        func would(_ v: Verdict) -> String { v == .inconclusive ? "inconclusive" : "would " + (v == .holds ? "hold" : "not hold") }
        for a in outcome.pauseAnalyses {
            print("analysis 5a \(a.experiment) \(a.task) (\(a.setting)): \(would(a.verdict))")
        }
        for a in outcome.corpusAnalyses {
            print("analysis 5b \(a.experiment) \(a.task) (reasoning runs of \(a.reasoningFrom)): \(would(a.verdict))")
        }
        for r in outcome.replication {
            print("replication \(r.number)\(r.task.isEmpty ? "" : " \(r.task)") (seeds \(r.seeds.map(String.init).joined(separator: ", "))): \(r.verdict.rawValue)")
        }
        print("report: \(outcome.reportPath)")
        if !outcome.failures.isEmpty {
            for f in outcome.failures { FileHandle.standardError.write(Data("error: figure \(f)\n".utf8)) }
            throw ExitCode.failure
        }
    }
}
