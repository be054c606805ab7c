/// A share of a sweep's runs for one of N independent processes (a Slurm array task).
///
/// `i/N` is 1-based (i in 1 ... N, as Slurm's `--array=1-N` numbers tasks). Run k (0-based, in
/// the sweep's order) belongs to shard (k mod N) + 1: round-robin, so each shard gets a mix of
/// methods and seeds, and every run is in exactly one shard.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else { throw ShardError(text: "\(index)/\(count)") }
        self.index = index; self.count = count
    }

    /// Parses `i/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw ShardError(text: text) }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(runIndex k: Int) -> Bool { k % count == index - 1 }

    /// The runs of this shard, in sweep order.
    public func select(_ runs: [RunSpec]) -> [RunSpec] { runs.filter { contains(runIndex: $0.index) } }
}

public struct ShardError: Error, CustomStringConvertible, Sendable {
    public let text: String
    public var description: String {
        "invalid shard \"\(text)\": expected i/N with N >= 1 and i in 1 ... N (1-based, e.g. 2/4)"
    }
}
