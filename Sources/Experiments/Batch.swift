import SyntheticData

/// A training batch as the models take it: B rows of the same length, flattened.
///
/// Unpacked corpus rows end in padding, which is never scored. The batch is cut to the longest
/// row's last non-pad token: nothing scored is lost (the last kept position's target is padding,
/// hence ignored either way) and no thought is computed over columns of pure padding.
struct Batch {
    let tokens: [Int]
    let targets: [Int]
    let size: Int
    let length: Int

    init(rows: [[Int]], corpus: Corpus, pad: Int) {
        let full = rows.first?.count ?? 0
        var used = 1
        for r in rows {
            if let last = r.lastIndex(where: { $0 != pad }) { used = max(used, last + 1) }
        }
        used = min(used, full)
        size = rows.count
        length = used
        tokens = rows.flatMap { $0.prefix(used) }
        targets = rows.flatMap { corpus.targets($0).prefix(used) }
    }
}
