import XCTest
@testable import Report

/// The verdict rules: a case that holds, one that does not, one inconclusive, for each rule.
final class VerdictTests: XCTestCase {
    func summary(_ v: [Double]) -> SeedSummary { SeedSummary(v)! }

    func testComparisonRule() {
        let base = summary([0.05, 0.06, 0.07])                         // spread 2 pts
        XCTAssertEqual(VerdictRules.compare(summary([0.14, 0.15, 0.16]), over: base, bar: 5).0, .holds)         // +9 > 5, > 4
        XCTAssertEqual(VerdictRules.compare(summary([0.05, 0.06, 0.07]), over: base, bar: 5).0, .doesNotHold)   // 0 < 5 - 4
        XCTAssertEqual(VerdictRules.compare(summary([0.09, 0.10, 0.11]), over: base, bar: 5).0, .inconclusive)  // +4: within 2S
        // A big gain that the seed spread swamps is not enough.
        XCTAssertEqual(VerdictRules.compare(summary([0.02, 0.30]), over: base, bar: 5).0, .inconclusive)
        // A single seed never decides.
        XCTAssertEqual(VerdictRules.compare(summary([0.5]), over: base, bar: 5).0, .inconclusive)
    }

    func testMonotoneRule() {
        let tight = { (m: Double) in self.summary([m - 0.001, m + 0.001]) }
        XCTAssertEqual(VerdictRules.monotone([tight(0.1), tight(0.12), tight(0.15)]).0, .holds)
        XCTAssertEqual(VerdictRules.monotone([tight(0.15), tight(0.12), tight(0.10)]).0, .doesNotHold)
        XCTAssertEqual(VerdictRules.monotone([tight(0.10), tight(0.101), tight(0.1005)]).0, .inconclusive)
        XCTAssertEqual(VerdictRules.monotone([tight(0.1), tight(0.2)]).0, .inconclusive)
    }

    func testHardTokenRule() throws {
        // Hardest 10% (nll 10) gain 1.0; the rest gain 0: A = 0.1, H = 1.0 = 10 A.
        let nll = (0..<100).map { $0 < 10 ? 10.0 : 1.0 }
        let good = try XCTUnwrap(HardTokenEffect(nllBase: nll, deltaLogp: (0..<100).map { $0 < 10 ? 1.0 : 0.0 }))
        XCTAssertEqual(good.hard, 1.0, accuracy: 1e-12)
        XCTAssertEqual(good.all, 0.1, accuracy: 1e-12)
        XCTAssertEqual(VerdictRules.hardTokens(pooled: good, perRun: [good]).0, .holds)
        let flat = try XCTUnwrap(HardTokenEffect(nllBase: nll, deltaLogp: Array(repeating: 0.2, count: 100)))
        XCTAssertEqual(VerdictRules.hardTokens(pooled: flat, perRun: [flat]).0, .doesNotHold)
        // Hard tokens gain more, but only 2x the mean: inconclusive.
        let some = try XCTUnwrap(HardTokenEffect(nllBase: nll, deltaLogp: (0..<100).map { $0 < 10 ? 0.2 : 0.0889 }))
        XCTAssertEqual(VerdictRules.hardTokens(pooled: some, perRun: [some]).0, .inconclusive)
        // Pooled 10x, but one run of three has hard tokens gaining less: inconclusive, and it says how many.
        let easyOnly = try XCTUnwrap(HardTokenEffect(nllBase: nll, deltaLogp: (0..<100).map { $0 < 10 ? 0.0 : 0.1 }))
        XCTAssertLessThan(easyOnly.hard, easyOnly.all)
        let (v, reason) = VerdictRules.hardTokens(pooled: good, perRun: [good, easyOnly, good])
        XCTAssertEqual(v, .inconclusive)
        XCTAssertTrue(reason.hasSuffix("not in every run (in 2 of 3)"), reason)
    }

    func testCombination() {
        XCTAssertEqual(VerdictRules.all([.holds, .holds]), .holds)
        XCTAssertEqual(VerdictRules.all([.holds, .inconclusive]), .inconclusive)
        XCTAssertEqual(VerdictRules.all([.holds, .doesNotHold]), .doesNotHold)
        XCTAssertEqual(VerdictRules.all([]), .inconclusive)
    }
}
