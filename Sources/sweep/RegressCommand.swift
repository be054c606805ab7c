import ArgumentParser
import Experiments
import Foundation
import Report
import TensorCore

/// `sweep regress`: run the regression sweep into a fresh temporary folder and compare its
/// curves with the stored reference (or, with `--update`, replace the reference).
/// The comparison is `Report.RegressionCheck`; this command only runs and prints.
struct RegressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Rerun the regression sweep from scratch and compare its curves with the reference.",
        discussion: """
            Runs every run of the experiment file (pretraining included) into a new temporary folder, \
            then compares every /eval curve point by point and the final /train values with \
            <reference>/<experiment>.json, within the tolerances of results/README.md. On a mismatch it \
            prints a table, draws reference vs now into the temporary folder and exits non-zero. \
            --update writes the new reference and lists what changed.
            """)

    @Option(help: "Experiment file of the regression sweep.") var experiment: String = "experiments/regression.json"
    @Option(help: "Folder of the references (<folder>/<experiment name>.json).") var reference: String = "results/reference"
    @Flag(help: "Replace the reference with this measurement and print what changed.") var update = false
    @Option(help: "Worker processes (1 BLAS thread each; results do not depend on it).") var jobs: Int = 2
    @Flag(help: "Keep the temporary results folder even when the check passes.") var keep = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be >= 1 (got \(jobs))") }
    }

    func run() throws {
        let plan = try SweepPlan.load(file: experiment)
        let experimentText = try String(contentsOfFile: experiment, encoding: .utf8)
        let referencePath = (reference as NSString).appendingPathComponent("\(plan.name).json")
        let old: RegressionReference?
        if FileManager.default.fileExists(atPath: referencePath) {
            old = try RegressionReference.read(from: referencePath)
        } else if update {
            old = nil
        } else {
            throw RegressError(message: "no reference at \(referencePath); create it with `make regress UPDATE=1` "
                                   + "(or `swift run sweep regress --update`)")
        }

        // A fresh folder: nothing (not even the pretrained base models) is reused.
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("regress-\(plan.name)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw RegressError(message: "cannot create a temporary folder: \(String(cString: strerror(errno)))") }
        let folder = String(cString: made)
        print("regress: running \(plan.runs.count) runs of \(experiment) from scratch in \(folder)")
        fflush(stdout)   // before the sweep's progress lines, which bypass print's buffer

        var options = SweepRunner.Options()
        options.results = folder
        options.jobs = jobs
        options.threadsPerJob = 1
        options.executable = Executable.path
        let runner = SweepRunner(plan: plan, options: options)
        try runner.check()
        let summary = try runner.execute(progress: SweepProgress())
        guard summary.failed.isEmpty, summary.complete.count == runner.runs.count else {
            print("regress: FAILED: \(summary.complete.count) of \(runner.runs.count) runs complete"
                  + (summary.failed.isEmpty ? "" : "; failed: " + summary.failed.joined(separator: ", "))
                  + "; logs kept in \(folder)/\(plan.name)/")
            throw ExitCode.failure
        }
        let measured = try RegressionReference.measure(
            experimentDirectory: (folder as NSString).appendingPathComponent(plan.name),
            experiment: plan.name, experimentFile: experimentText, machine: Machine.description)

        if update {
            if let old {
                let changes = RegressionCheck(reference: old, measured: measured, tolerance: .zero)
                if changes.passed {
                    print("regress: no change: every point is bit-identical to the old reference")
                } else {
                    print("regress: changes from the old reference (\(old.softwareVersions) on \(old.machine)):")
                    print(changes.table(limit: 200))
                    let within = RegressionCheck(reference: old, measured: measured)
                    print("regress: \(changes.mismatches.count) change(s); \(within.mismatches.count) of them beyond the check's tolerance")
                }
            } else {
                print("regress: no previous reference; writing the first one")
            }
            try measured.write(to: referencePath)
            print("regress: wrote \(referencePath) (\(measured.runs.count) runs, \(measured.softwareVersions), \(measured.machine))")
            finish(folder)
            return
        }

        let check = RegressionCheck(reference: old!, measured: measured)
        print("regress: reference \(referencePath): \(old!.softwareVersions) on \(old!.machine)")
        print("regress: now: \(measured.softwareVersions) on \(measured.machine)")
        if old!.experimentFile != experimentText {
            print("regress: note: \(experiment) differs from the file that produced the reference")
        }
        print("regress: \(check.summary)")
        if check.passed {
            print("regress: OK")
            finish(folder)
            return
        }
        print(check.table())
        do {
            if let figure = try RegressionFigure.render(check, to: folder) {
                print("regress: overlay figure (reference vs now): \(figure.png.path)")
            }
        } catch {
            print("regress: the overlay figure could not be drawn: \(error)")
        }
        print("regress: FAILED; run logs kept in \(folder)/\(plan.name)/")
        print("regress: if the change is intended, regenerate the reference with `make regress UPDATE=1`")
        throw ExitCode.failure
    }

    /// Removes the temporary folder unless --keep.
    private func finish(_ folder: String) {
        if keep {
            print("regress: results kept in \(folder)")
        } else {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}

/// A failure of `sweep regress` before any comparison (printed as `Error: <message>`).
struct RegressError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Where a measurement was made: CPU model, the product kernel and the OpenBLAS kernel setting.
enum Machine {
    static var description: String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown CPU"
        let kernel = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "default"
        return "\(cpu), products \(BLAS.productKernel.rawValue), OPENBLAS_CORETYPE=\(kernel)"
    }
}
