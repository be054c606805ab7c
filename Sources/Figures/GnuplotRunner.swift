import Foundation

/// Writes a `GnuplotJob` into a folder and runs gnuplot on it.
enum GnuplotRunner {
    /// Finds gnuplot: an explicit path, then `$GNUPLOT`, then every directory of `$PATH`.
    static func locate(explicit: String?) throws -> URL {
        let fm = FileManager.default
        var tried: [String] = []
        let env = ProcessInfo.processInfo.environment
        if let path = explicit ?? env["GNUPLOT"], !path.isEmpty {
            if fm.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
            throw FigureError.gnuplotNotFound(searched: [path])
        }
        let dirs = (env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for dir in dirs {
            let candidate = String(dir) + "/gnuplot"
            tried.append(candidate)
            if fm.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw FigureError.gnuplotNotFound(searched: tried)
    }

    /// Writes data files and script, runs `gnuplot <name>.gp` in `directory`, checks the outputs.
    static func render(_ job: GnuplotJob, to directory: URL, name: String,
                       options: RenderOptions) throws -> RenderedFigure {
        try validateFigureName(name)
        let gnuplot = try locate(explicit: options.gnuplotPath)
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)

        var dataURLs: [URL] = []
        for file in job.dataFiles {
            let url = directory.appendingPathComponent(file.fileName)
            try Data(file.contents.utf8).write(to: url, options: .atomic)
            dataURLs.append(url)
        }
        let scriptURL = directory.appendingPathComponent("\(name).gp")
        try Data(job.script(name: name, options: options).utf8).write(to: scriptURL, options: .atomic)
        let png = directory.appendingPathComponent("\(name).png")
        let vector = directory.appendingPathComponent("\(name).\(options.vectorFormat.rawValue)")
        // Remove stale pictures so that a silent failure cannot pass for success.
        for url in [png, vector] where fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }

        let (status, stderr) = try run(gnuplot, arguments: ["\(name).gp"], in: directory)
        guard status == 0 else {
            throw FigureError.gnuplotFailed(script: scriptURL.path, status: status, stderr: stderr)
        }
        for url in [png, vector] {
            let size = (try? fm.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            if (size ?? 0) == 0 { throw FigureError.outputMissing(path: url.path, stderr: stderr) }
        }
        return RenderedFigure(script: scriptURL, dataFiles: dataURLs, png: png, vector: vector,
                              gnuplotMessages: stderr)
    }

    /// Runs `executable` in `directory`; returns the exit status and everything printed on stderr.
    static func run(_ executable: URL, arguments: [String], in directory: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        do {
            try process.run()
        } catch {
            throw FigureError.gnuplotNotFound(searched: [executable.path + " (\(error))"])
        }
        // Read before waiting: a full pipe would otherwise block gnuplot forever.
        let data = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process.terminationStatus, text)
    }
}
