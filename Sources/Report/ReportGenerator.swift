import Figures
import Foundation

/// Reads the run logs, renders every figure into an output folder and writes `REPORT.md` into
/// the results folder.
public struct ReportGenerator {
    public var resultsDirectory: String
    public var figuresDirectory: String
    public var options: RenderOptions

    public init(resultsDirectory: String, figuresDirectory: String, options: RenderOptions = RenderOptions()) {
        self.resultsDirectory = resultsDirectory
        self.figuresDirectory = figuresDirectory
        self.options = options
    }

    /// What a generation produced.
    public struct Outcome {
        public var reportPath: String
        public var rendered: [RenderedFigure]
        /// Figures not drawn for lack of data.
        public var missingFigures: [String]
        /// Figures whose rendering failed (name: error).
        public var failures: [String]
        public var checks: [ClaimCheck]
        /// Claim 5b's rule in the experiments the claims table does not read.
        public var corpusAnalyses: [CorpusAnalysis]
        /// Claim 5a's rule in the experiments the claims table does not read.
        public var pauseAnalyses: [PauseAnalysis]
        /// The claims rows recomputed on `<results>/replication`.
        public var replication: [ReplicationRow]
        public var results: Results
    }

    public var reportPath: String { (resultsDirectory as NSString).appendingPathComponent("REPORT.md") }

    /// Renders all figures and writes the report. A figure that fails to render is reported in
    /// `failures` (and in the report); the others are still drawn.
    public func run() throws -> Outcome {
        let results = try Results.load(from: resultsDirectory)
        let (planned, missing) = PaperFigures(results: results).plan()
        let out = URL(fileURLWithPath: figuresDirectory)
        var rendered: [RenderedFigure] = [], listed: [(path: String, caption: String)] = [], failures: [String] = []
        let reportFolder = URL(fileURLWithPath: resultsDirectory).standardizedFileURL
        for p in planned {
            do {
                let r = try p.figure.render(to: out, name: p.name, options: options)
                rendered.append(r)
                listed.append((relativePath(r.png.standardizedFileURL, from: reportFolder), p.caption))
            } catch {
                failures.append("\(p.name): \(error)")
            }
        }
        let checks = ClaimChecker(results: results).checks()
        let previous = try? String(contentsOfFile: reportPath, encoding: .utf8)
        var document = ReportDocument(results: results, checks: checks, figures: listed,
                                      missingFigures: missing + failures.map { "\($0) (rendering failed)" },
                                      notes: previous.flatMap(ReportDocument.extractNotes(from:)))
        document.baseChecks = ReportGenerator.tables(ReportDocument.baseChecksFile, in: resultsDirectory)
        document.thoughtContent = ReportGenerator.tables(ReportDocument.thoughtContentFile, in: resultsDirectory)
        document.corpusAnalyses = CorpusAnalyses(
            results: results, claimed: Set(checks.filter { $0.number == "5b" }.compactMap(\.experiment))).analyses()
        document.pauseAnalyses = PauseAnalyses(
            results: results, claimed: Set(checks.filter { $0.number == "5a" }.compactMap(\.experiment))).analyses()
        let replicationDirectory = (resultsDirectory as NSString).appendingPathComponent(Replication.folder)
        document.replication = Replication(main: checks, mainResults: results,
                                           replication: try Results.load(from: replicationDirectory)).rows()
        try writeAtomically(document.markdown, to: reportPath)
        return Outcome(reportPath: reportPath, rendered: rendered, missingFigures: missing, failures: failures,
                       checks: checks, corpusAnalyses: document.corpusAnalyses, pauseAnalyses: document.pauseAnalyses,
                       replication: document.replication, results: results)
    }

    /// The `<experiment>/<file>` tables (`base-checks.md` written by `sweep base-checks --save`,
    /// `thought-content.md` by `sweep thought-content --save`), by experiment name.
    static func tables(_ file: String, in results: String) -> [(experiment: String, table: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: results))?.sorted() ?? []
        return names.compactMap { name in
            guard let text = try? String(contentsOfFile: "\(results)/\(name)/\(file)", encoding: .utf8)
            else { return nil }
            return (name, text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// `target` relative to the folder `base` (both absolute), with `..` as needed.
    func relativePath(_ target: URL, from base: URL) -> String {
        let t = target.pathComponents, b = base.pathComponents
        var i = 0
        while i < t.count, i < b.count, t[i] == b[i] { i += 1 }
        return (Array(repeating: "..", count: b.count - i) + t[i...]).joined(separator: "/")
    }
}
