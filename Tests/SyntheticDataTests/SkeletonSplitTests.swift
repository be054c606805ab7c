import XCTest
@testable import SyntheticData

/// `GSMSkeleton.countSplit` (`sweep data gsm --splits`) enumerates the skeleton space; its twin is
/// sampling: the distinct skeletons that many draws of each split reach are exactly the counted ones.
final class SkeletonSplitTests: XCTestCase {
    func key(_ s: GSMSkeleton) -> String { "\(s.start) \(s.operations.map(\.rawValue)) \(s.operands)" }

    func testCountedSplitsEqualTheSkeletonsSamplingReaches() throws {
        let config = DataConfig().gsm
        let gen = try GSMGenerator(config: config)
        var rng = SplitMix64(seed: 11)
        for (k, draws) in [(1, 3000), (2, 30000)] {
            let total = try XCTUnwrap(GSMSkeleton.count(config: config, k: k))
            let ops = config.operations.count, operands = config.maxOperand - config.minOperand + 1
            XCTAssertEqual(total, config.modulus * Int(pow(Double(ops * operands), Double(k))), "k = \(k)")
            let (train, held) = GSMSkeleton.countSplit(config: config, k: k, limit: 1_000_000)
            XCTAssertEqual(train + held, total, "k = \(k)")
            XCTAssertGreaterThan(held, 0, "k = \(k)")
            for (split, expected) in [(Split.train, train), (.heldOut, held)] {
                var seen = Set<String>()
                for _ in 0..<draws { seen.insert(key(gen.problem(k: k, split: split, using: &rng).skeleton)) }
                XCTAssertEqual(seen.count, expected, "k = \(k), \(split)")
            }
        }
        // Enumeration stops at the limit.
        let (train, held) = GSMSkeleton.countSplit(config: config, k: 3, limit: 500)
        XCTAssertEqual(train + held, 500)
        XCTAssertNil(GSMSkeleton.count(config: config, k: 40))
    }
}
