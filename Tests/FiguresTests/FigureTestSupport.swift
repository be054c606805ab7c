import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Figures

/// Shared checks for rendered figures.
enum FigureTestSupport {
    /// A fresh folder per test. Set `FIGURES_TEST_OUTPUT` to keep the pictures for inspection.
    static func outputDirectory(_ test: String) -> URL {
        if let kept = ProcessInfo.processInfo.environment["FIGURES_TEST_OUTPUT"], !kept.isEmpty {
            return URL(fileURLWithPath: kept).appendingPathComponent(test)
        }
        return FileManager.default.temporaryDirectory
            .appendingPathComponent("FiguresTests-\(UUID().uuidString)").appendingPathComponent(test)
    }

    static func removeUnlessKept(_ directory: URL) {
        if ProcessInfo.processInfo.environment["FIGURES_TEST_OUTPUT"]?.isEmpty ?? true {
            try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
        }
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG exists, starts with the PNG signature, and has the expected pixel size (IHDR).
    static func assertValidPNG(_ url: URL, width: Int? = nil, height: Int? = nil,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertGreaterThan(bytes.count, 1000, "PNG suspiciously small", file: file, line: line)
        XCTAssertEqual(Array(bytes.prefix(8)), pngSignature, "not a PNG", file: file, line: line)
        guard bytes.count > 24 else { return }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        if let width { XCTAssertEqual(be32(16), width, "PNG width", file: file, line: line) }
        if let height { XCTAssertEqual(be32(20), height, "PNG height", file: file, line: line) }
    }

    /// The SVG is well-formed XML and its text contains every string of `texts` (XML-unescaped).
    static func assertSVG(_ url: URL, contains texts: [String],
                          file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: url)
        let collector = SVGTextCollector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))",
                      file: file, line: line)
        let allText = collector.text
        for text in texts {
            XCTAssertTrue(allText.contains(text), "SVG text lacks \"\(text)\"", file: file, line: line)
        }
    }

    /// Reruns `gnuplot <name>.gp` in the figure's folder after deleting the pictures, and checks
    /// that they come back: the script must not depend on the process that wrote it.
    static func assertScriptRerunsStandalone(_ figure: RenderedFigure,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let fm = FileManager.default
        try fm.removeItem(at: figure.png)
        try fm.removeItem(at: figure.vector)
        let folder = figure.script.deletingLastPathComponent()
        let gnuplot = try GnuplotRunner.locate(explicit: nil)
        let (status, stderr) = try GnuplotRunner.run(gnuplot, arguments: [figure.script.lastPathComponent],
                                                     in: folder)
        XCTAssertEqual(status, 0, stderr, file: file, line: line)
        XCTAssertEqual(stderr, "", "gnuplot complained on rerun", file: file, line: line)
        try assertValidPNG(figure.png, file: file, line: line)
        XCTAssertTrue(fm.fileExists(atPath: figure.vector.path), "vector picture not regenerated",
                      file: file, line: line)
    }
}

/// Collects the character data of an XML document, one space between text nodes.
final class SVGTextCollector: NSObject, XMLParserDelegate {
    private(set) var text = ""
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) { text += " " }
}
