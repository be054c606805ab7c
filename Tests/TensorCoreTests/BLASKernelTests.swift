import XCTest
@testable import TensorCore

/// The kernel-choice rule of `BLAS.relaunchWithKernelIfNeeded` (the decision only; no exec here).
final class BLASKernelTests: XCTestCase {
    func testKernelOverrideRule() {
        let avx2: Set<String> = ["sse4_2", "avx", "avx2", "fma"], avx512 = avx2.union(["avx512f"])
        XCTAssertEqual(BLAS.kernelOverride(environment: [:], coreName: "Prescott", cpuFlags: avx2), "Haswell")
        XCTAssertEqual(BLAS.kernelOverride(environment: [:], coreName: "Nehalem", cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLAS.kernelOverride(environment: [:], coreName: "Core2", cpuFlags: ["sse2"]), nil)
        // A recognised kernel stays.
        XCTAssertEqual(BLAS.kernelOverride(environment: [:], coreName: "Zen", cpuFlags: avx2), nil)
        XCTAssertEqual(BLAS.kernelOverride(environment: [:], coreName: "Haswell", cpuFlags: avx512), nil)
        // A value already set is never overridden, and a relaunched process does not relaunch again.
        XCTAssertEqual(BLAS.kernelOverride(environment: ["OPENBLAS_CORETYPE": "Prescott"], coreName: "Prescott",
                                           cpuFlags: avx2), nil)
        XCTAssertEqual(BLAS.kernelOverride(environment: [BLAS.relaunchMarker: "1"], coreName: "Prescott",
                                           cpuFlags: avx2), nil)
    }

    func testCPUFlagsAndCoreNameAreReadable() {
        XCTAssertFalse(BLAS.coreName.isEmpty)
        #if os(Linux) && arch(x86_64)
        XCTAssertTrue(BLAS.cpuFlags().contains("sse2"))
        #endif
    }
}
