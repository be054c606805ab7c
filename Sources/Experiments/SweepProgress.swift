import Foundation
import QuietSTaR

/// Progress output of a sweep. On a terminal: a live line per run (step, loss, reward, mixing
/// weight, latest accuracies, ETA) redrawn with `\r`, and a sweep line (runs done / total, ETA).
/// Otherwise (a log file, a Slurm job): one line per evaluation and per finished run.
public final class SweepProgress {
    public let live: Bool
    private let write: (String) -> Void
    private var lastLive = Date.distantPast
    private var latest = ""
    private var sweepLine = ""
    private var lineOpen = false

    /// `live` defaults to whether stdout is a terminal; `write` defaults to stdout.
    public init(live: Bool? = nil, write: ((String) -> Void)? = nil) {
        self.live = live ?? (isatty(STDOUT_FILENO) == 1)
        self.write = write ?? { s in FileHandle.standardOutput.write(Data(s.utf8)) }
    }

    /// A permanent line (ends any live line first).
    public func line(_ text: String) {
        if lineOpen { write("\r\u{1B}[K"); lineOpen = false }
        write(text + "\n")
    }

    func sweep(done: Int, total: Int, eta: Double?) {
        sweepLine = "[\(done)/\(total) runs\(eta.map { ", sweep ETA \(SweepProgress.time($0))" } ?? "")]"
    }

    func step(run: String, step: Int, total: Int, stats: StepStats, secondsPerStep: Double) {
        guard live, Date().timeIntervalSince(lastLive) > 0.2 || step == total else { return }
        lastLive = Date()
        let eta = SweepProgress.time(secondsPerStep * Double(total - step))
        let text = "\(sweepLine) \(run) step \(step)/\(total) loss \(f(stats.loss)) reward \(f(stats.rewardMean)) "
            + "w \(f(stats.mixingWeightMean)) \(latest) ETA \(eta)"
        write("\r\u{1B}[K" + text)
        lineOpen = true
    }

    func eval(run: String, step: Int, result: Evaluator.Result) {
        latest = "gsm \(String(format: "%.3f", result.gsmSoft))/\(String(format: "%.3f", result.gsmExact)) "
            + "csqa \(String(format: "%.3f", result.csqaSoft))/\(String(format: "%.3f", result.csqaExact))"
        if !live { line("\(sweepLine) \(run) eval step \(step): \(latest) (soft/exact)") }
    }

    private func f(_ x: Float) -> String { String(format: "%.3f", x) }

    static func time(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m" : t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : "\(t)s"
    }
}
