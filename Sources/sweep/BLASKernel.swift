import Foundation

/// Chooses an OpenBLAS kernel when none is set (see design/BUILD-NOTES.md): Debian's OpenBLAS
/// may not recognise the CPU and fall back to a slow generic kernel, and it reads
/// OPENBLAS_CORETYPE before main() runs, so the process re-executes itself once with the
/// variable set. A value that is already set is never overridden.
enum BLASKernel {
    static func ensureSelected() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let kernel = flags.contains("avx512f") ? "SkylakeX" : flags.contains("avx2") ? "Haswell" : nil
        guard let kernel else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv returns only on failure: carry on with the default kernel.
    }
}
