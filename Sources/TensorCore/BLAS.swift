import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Thin wrappers over OpenBLAS: C = alpha * op(A) op(B) + beta * C, row-major.
public enum BLAS {
    /// Sets the number of workers for the suite's own splits (large matrix products, attention, row
    /// ops; see `Parallel`). OpenBLAS itself always runs on one thread: one thread pool instead of two
    /// competing for the cores, and each product's rounding is that of single-threaded sgemm.
    public static func setThreads(_ n: Int) {
        singleThreadedBLAS.touch()
        workerSetting = max(1, n)
    }

    /// The number of workers (`setThreads`; until then OpenBLAS's default thread count, which honours
    /// OPENBLAS_NUM_THREADS).
    public static var threads: Int { workerSetting > 0 ? workerSetting : singleThreadedBLAS.defaultThreads }

    nonisolated(unsafe) private static var workerSetting = 0

    /// Reads OpenBLAS's default thread count once, then sets OpenBLAS to one thread for good.
    /// `touch()` (first thing in `setThreads` and `gemm`) makes sure this ran before any product.
    private struct SingleThreaded {
        let defaultThreads: Int
        init() {
            defaultThreads = max(1, Int(openblas_get_num_threads()))
            openblas_set_num_threads(1)
        }
        @inline(__always) func touch() { precondition(defaultThreads > 0) }
    }
    private static let singleThreadedBLAS = SingleThreaded()

    /// OpenBLAS's own thread count (1 once any product ran or `setThreads` was called).
    static var openBLASThreads: Int { Int(openblas_get_num_threads()) }

    /// The kernel OpenBLAS chose for this CPU (e.g. "Haswell", "SkylakeX", "Zen").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Row-major sgemm on raw pointers. `lda`, `ldb`, `ldc` are row strides.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        singleThreadedBLAS.touch()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

// MARK: - Which code computes the products

/// The implementation behind every matrix product of the suite.
public enum ProductKernel: String, Sendable, CaseIterable {
    /// `SIMDGemm`: the suite's own register-tiled kernel (the default).
    case simd
    /// OpenBLAS's cblas_sgemm, single-threaded (`QSTAR_GEMM=openblas`).
    case openblas
}

extension BLAS {
    /// Name of the environment variable that chooses the product kernel.
    public static let productKernelVariable = "QSTAR_GEMM"

    /// The product kernel: `QSTAR_GEMM` (simd or openblas) if set, else simd. Results depend on it
    /// (the two round differently); within one kernel they do not depend on the thread count.
    nonisolated(unsafe) public static var productKernel: ProductKernel = kernelFromEnvironment()

    static func kernelFromEnvironment() -> ProductKernel {
        guard let raw = getenv(productKernelVariable) else { return .simd }
        let value = String(cString: raw)
        guard let k = ProductKernel(rawValue: value) else {
            fputs("error: environment variable \(productKernelVariable)=\(value): allowed values are "
                  + ProductKernel.allCases.map(\.rawValue).joined(separator: ", ") + "\n", stderr)
            exit(2)
        }
        return k
    }

    /// For benchmark output: the kernel in use, with OpenBLAS's own kernel name.
    public static var productKernelDescription: String {
        switch productKernel {
        case .simd: return SIMDGemm.tiling == .wide ? "simd (8x32 tiles of SIMD16<Float>)"
            : "simd (8x32 tiles in four passes of 4x16 SIMD8<Float>)"
        case .openblas: return "openblas (\(coreName))"
        }
    }

    /// C = alpha op(A) op(B) + beta C on the chosen kernel (`productKernel`), on the calling thread.
    /// With `bias` (n values), C = bias + alpha op(A) op(B) in every row (C not read, beta unused):
    /// the SIMD kernel adds it in its stores; for OpenBLAS the rows are filled with the bias first and
    /// the product lands on them with beta 1, the same bits.
    @inline(__always)
    public static func multiply(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                                bias: UnsafePointer<Float>? = nil) {
        switch productKernel {
        case .simd:
            SIMDGemm.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                          beta: beta, c: c, ldc: ldc, bias: bias)
        case .openblas:
            if let bias { for r in 0..<m { (c + r * ldc).update(from: bias, count: n) } }
            gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                 beta: bias == nil ? beta : 1, c: c, ldc: ldc)
        }
    }
}

// MARK: - Kernel choice at process start

extension BLAS {
    /// Kernels without AVX2: what a DYNAMIC_ARCH OpenBLAS falls back to when it does not recognise a
    /// newer CPU. On a CPU with AVX2 they leave most of the speed unused.
    public static let preAVX2Cores: Set<String> = [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
        "Northwood", "Banias", "Athlon", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat",
        "Sandybridge", "Bulldozer", "Piledriver", "Steamroller", "Excavator", "Nano", "Generic",
    ]

    /// Name of the environment variable that marks a process as already relaunched.
    public static let relaunchMarker = "QSTAR_BLAS_RELAUNCHED"

    /// The `OPENBLAS_CORETYPE` to relaunch with, or nil to keep the current kernel. Pure: the caller
    /// passes the environment, the kernel OpenBLAS picked and the CPU flags.
    ///   - never when OPENBLAS_CORETYPE is already set (the user's choice wins) or after a relaunch;
    ///   - only when `coreName` is a pre-AVX2 fallback and the CPU can do better:
    ///     avx512f -> "SkylakeX", avx2 -> "Haswell".
    public static func kernelOverride(environment: [String: String], coreName: String,
                                      cpuFlags: Set<String>) -> String? {
        if environment["OPENBLAS_CORETYPE"] != nil || environment[relaunchMarker] != nil { return nil }
        guard preAVX2Cores.contains(coreName) else { return nil }
        if cpuFlags.contains("avx512f") { return "SkylakeX" }
        if cpuFlags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// The `flags` of the first processor in /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let f = fopen(path, "r") else { return [] }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0 {
            let s = String(cString: line!)
            guard s.hasPrefix("flags") || s.hasPrefix("Features"), let colon = s.firstIndex(of: ":") else { continue }
            return Set(s[s.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
                .map(String.init))
        }
        return []
    }

    /// Call first thing in an executable's main. OpenBLAS reads OPENBLAS_CORETYPE in a library
    /// constructor, before any Swift code runs, so a better kernel can only be chosen by starting
    /// the process again: when `kernelOverride` says so, this sets OPENBLAS_CORETYPE (and a marker
    /// against loops) and re-executes /proc/self/exe with the same arguments. Otherwise, or if the
    /// exec fails, it returns and the process continues with the kernel it has. Returns the kernel it
    /// would have relaunched with (only observable when the exec failed), else nil.
    @discardableResult
    public static func relaunchWithKernelIfNeeded() -> String? {
        var env: [String: String] = [:]
        for key in ["OPENBLAS_CORETYPE", relaunchMarker] {
            if let v = getenv(key) { env[key] = String(cString: v) }
        }
        guard let kernel = kernelOverride(environment: env, coreName: coreName, cpuFlags: cpuFlags()) else {
            return nil
        }
        setenv("OPENBLAS_CORETYPE", kernel, 0)  // 0: never overwrite a value set meanwhile
        setenv(relaunchMarker, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        return kernel  // exec failed: carry on with the current kernel
    }
}

// MARK: - Allocator settings for executables

/// Process-level settings an executable may apply at start (the library itself never calls this).
public enum ProcessTuning {
    /// Keeps freed heap memory in the process instead of handing it back to the kernel after every
    /// op: a training step allocates and frees the same few dozen multi-megabyte buffers each time,
    /// and with glibc's defaults each of them is unmapped (or trimmed off the heap top) on free and
    /// page-faulted back in, zero-filled by the kernel, on the next allocation. Returns whether
    /// the settings were applied (glibc only).
    @discardableResult
    public static func keepFreedMemory() -> Bool {
        #if canImport(Glibc)
        // Blocks up to 256 MB come from the heap (not mmap), and the heap top is trimmed only when
        // 512 MB are free there. Peak memory is unchanged; freed blocks are reused.
        let a = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 20)
        let b = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 512 << 20)
        return a == 1 && b == 1
        #else
        return false
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, which Glibc does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
