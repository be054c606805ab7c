import Figures
import Foundation

/// The overlay figure of a failed regression check: for each evaluation curve with a mismatch,
/// the reference (dashed) and the new measurement (solid) against the training step.
///
/// When no evaluation curve is off (only final training values, configurations or whole runs),
/// the task means (`gsm_soft`, `csqa_soft`) of the affected runs are drawn instead, so the
/// figure always shows where the runs went.
public enum RegressionFigure {
    /// At most this many panels (the table lists every mismatch).
    public static let maximumPanels = 12

    /// The figure, or nil when there is nothing to draw (no mismatch, or no finite point).
    public static func figure(for check: RegressionCheck) -> LineFigure? {
        let reference = Dictionary(check.reference.runs.map { ($0.run, $0) }, uniquingKeysWith: { a, _ in a })
        let measured = Dictionary(check.measured.runs.map { ($0.run, $0) }, uniquingKeysWith: { a, _ in a })
        var wanted: [(run: String, column: String)] = []
        func add(_ run: String, _ column: String) {
            if !wanted.contains(where: { $0.run == run && $0.column == column }) { wanted.append((run, column)) }
        }
        for m in check.mismatches where m.curve.hasPrefix("eval/") && m.curve != "eval/step" {
            add(m.run, String(m.curve.dropFirst("eval/".count)))
        }
        if wanted.isEmpty {
            for m in check.mismatches {
                for column in ["gsm_soft", "csqa_soft"] { add(m.run, column) }
            }
        }
        var panels: [Panel] = []
        for (run, column) in wanted {
            guard panels.count < maximumPanels else { break }
            var series: [Series] = []
            for (name, source, dashed) in [("reference", reference[run], true), ("now", measured[run], false)] {
                guard let source, let values = source.eval[column] else { continue }
                let points = zip(source.evalSteps, values).filter { $0.1.isFinite }
                if points.isEmpty { continue }
                series.append(Series(name: name, x: points.map { Double($0.0) }, y: points.map(\.1),
                                     dashed: dashed, showsPoints: true))
            }
            if series.isEmpty { continue }
            panels.append(Panel(title: "\(run): \(column)", xLabel: "training step", yLabel: column,
                                series: series, legend: .below))
        }
        guard !panels.isEmpty else { return nil }
        return LineFigure(title: "Regression check: reference (dashed) vs now (solid)", panels: panels,
                          layout: .grid(columns: min(3, panels.count)))
    }

    /// Renders the figure into `directory` as `regression-overlay.{png,svg,gp,dat}`; nil when
    /// there is nothing to draw.
    /// - Throws: `FigureError` when gnuplot is missing or fails.
    public static func render(_ check: RegressionCheck, to directory: String,
                              options: RenderOptions = RenderOptions()) throws -> RenderedFigure? {
        guard let figure = figure(for: check) else { return nil }
        return try figure.render(to: URL(fileURLWithPath: directory), name: "regression-overlay", options: options)
    }
}
