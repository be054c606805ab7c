import CBLAS

/// Thin wrappers over OpenBLAS: C = alpha * op(A) op(B) + beta * C, row-major.
public enum BLAS {
    /// Sets the number of threads OpenBLAS may use.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// The kernel OpenBLAS chose for this CPU (e.g. "Haswell", "SkylakeX", "Zen").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Row-major sgemm on raw pointers. `lda`, `ldb`, `ldc` are row strides.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
