import Foundation
#if canImport(Synchronization)
import Synchronization
#endif

/// Splits independent work over the cores. Every split used in the suite gives each index to exactly
/// one worker and never combines results across workers, so the results are bit-identical whatever
/// the scheduling (and whatever the number of workers).
enum Parallel {
    /// The number of workers: `BLAS.setThreads`, so `BLAS.setThreads(1)` makes everything serial.
    static var width: Int { max(1, BLAS.threads) }

    /// Runs body(i) for i in 0..<n, on up to `width` workers (inline when 1).
    /// Worker w takes the contiguous range of indices w*n/workers ..< (w+1)*n/workers; which thread
    /// runs which range does not matter.
    static func forEach(_ n: Int, workers: Int = Parallel.width, _ body: (Range<Int>) -> Void) {
        let w = min(workers, n)
        if w <= 1 { if n > 0 { body(0..<n) }; return }
        #if canImport(Synchronization)
        if #available(macOS 15, *) {
            if !WorkerPool.shared.perform(w, { i in body((i * n / w)..<((i + 1) * n / w)) }) {
                for i in 0..<w { body((i * n / w)..<((i + 1) * n / w)) }  // a section is running: inline
            }
            return
        }
        #endif
        DispatchQueue.concurrentPerform(iterations: w) { i in
            body((i * n / w)..<((i + 1) * n / w))
        }
    }

    /// Element-wise work on 0..<n: body gets contiguous chunks whose boundaries are multiples of 8,
    /// split over the workers when n >= `minimum` (one call with 0..<n otherwise). For loops where
    /// each index is computed on its own, so the split cannot change any value.
    static func chunks(_ n: Int, minimum: Int = 65_536, _ body: (Range<Int>) -> Void) {
        if n < minimum || width <= 1 { if n > 0 { body(0..<n) }; return }
        forEach((n + 7) / 8) { g in body((g.lowerBound * 8)..<min(n, g.upperBound * 8)) }
    }

    /// The number of workers for `units` independent pieces of `unitSize` values each: 1 below
    /// `minimum` values in all, else `width`.
    static func workers(units: Int, unitSize: Int, minimum: Int = 65_536) -> Int {
        units * unitSize >= minimum ? width : 1
    }
}

#if canImport(Synchronization)
/// Persistent helper threads for `Parallel.forEach`. A training step runs several hundred short
/// parallel sections (tens of microseconds each); waking a sleeping thread for each of them (as
/// DispatchQueue.concurrentPerform does) costs a large part of the section on a virtual machine.
/// Helpers instead spin for a short while after each section (`spinNanoseconds`), then sleep until
/// the next one. The calling thread takes part in every section and waits for the others at its end.
/// Idle helpers call sched_yield between polls, so on a loaded machine other processes' threads go
/// first. Sections run one at a time; a section started while another runs (from inside a section,
/// or from another thread) runs inline on its caller, with the same ranges.
@available(macOS 15, *)
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()
    /// How long an idle helper keeps polling for the next section before it sleeps. Nine in ten
    /// gaps between the sections of a Quiet-STaR step are below 20 microseconds, but the serial
    /// stretches between them (sampling, losses) are longer, and a sleeping helper wakes late:
    /// `bench quietstar --threads 2` took a median 186 ms with 50 us, 178 ms with 300 us and 175 ms
    /// with 2 ms (5 alternated runs each). Polls yield to other runnable threads.
    static let spinNanoseconds: UInt64 = 1_000_000

    /// One word for the current section: generation << 32 | iteration count << 16 | next iteration.
    /// An iteration is claimed by a compare-exchange on the whole word, so a helper that wakes late
    /// can never claim an iteration of a later section than the one it saw published.
    private let state = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    private var helpers = 0
    private var job: ((Int) -> Void)? = nil

    /// Runs body(i) for i in 0..<n (n < 65,536) on the caller and up to n - 1 helpers; returns false
    /// (nothing run) when a section is already in progress.
    func perform(_ n: Int, _ body: (Int) -> Void) -> Bool {
        guard n < 1 << 16, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        while helpers < n - 1 { startHelper() }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> 32) + 1
            state.store(generation << 32 | n << 16, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 { wake.lock(); wake.broadcast(); wake.unlock() }
            work(generation: generation)
            var polls = 0
            while finished.load(ordering: .acquiring) < n {
                polls += 1
                if polls & 1023 == 0 { sched_yield() }  // a helper was preempted: let it run
            }
            job = nil
        }
        return true
    }

    /// Claims and runs iterations of section `generation` until none is left.
    private func work(generation: Int) {
        var word = state.load(ordering: .acquiring)
        while word >> 32 == generation {
            let i = word & 0xFFFF, n = (word >> 16) & 0xFFFF
            if i >= n { return }
            let (exchanged, current) = state.compareExchange(expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job!(i)
                finished.add(1, ordering: .releasing)
                word = state.load(ordering: .acquiring)
            } else {
                word = current
            }
        }
    }

    private func startHelper() {
        helpers += 1
        let t = Thread { [self] in helperLoop() }
        t.stackSize = 8 << 20
        t.start()
    }

    private func helperLoop() {
        var seen = state.load(ordering: .acquiring) >> 32
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            var polls = 0
            while state.load(ordering: .acquiring) >> 32 == seen {
                polls += 1
                if polls & 15 == 0 { sched_yield() }  // other runnable threads (other processes) go first
                if polls & 15 == 0 && DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds {
                    wake.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while state.load(ordering: .sequentiallyConsistent) >> 32 == seen { wake.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    wake.unlock()
                }
            }
            seen = state.load(ordering: .acquiring) >> 32
            work(generation: seen)
        }
    }
}
#endif

extension Tensor {
    /// Calls body with the base address of each tensor's gradient buffer (zero-filled on first use).
    /// Tensors that do not require a gradient get a private zero sink; a tensor listed twice gets
    /// the same address both times.
    static func withGradPointers<R>(_ ts: [Tensor], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        var unique: [Tensor] = []
        var slot: [Int] = []
        for t in ts {
            if let i = unique.firstIndex(where: { $0 === t }) { slot.append(i) } else { slot.append(unique.count); unique.append(t) }
        }
        func go(_ i: Int, _ acc: [UnsafeMutablePointer<Float>]) -> R {
            if i == unique.count { return body(slot.map { acc[$0] }) }
            let t = unique[i]
            if t.requiresGrad { return t.withGrad { go(i + 1, acc + [$0.baseAddress!]) } }
            var sink = [Float](repeating: 0, count: max(t.count, 1))
            return sink.withUnsafeMutableBufferPointer { go(i + 1, acc + [$0.baseAddress!]) }
        }
        return go(0, [])
    }

    /// Calls body with the base address of each tensor's values.
    static func withDataPointers<R>(_ ts: [Tensor], _ body: ([UnsafePointer<Float>]) -> R) -> R {
        func go(_ i: Int, _ acc: [UnsafePointer<Float>]) -> R {
            if i == ts.count { return body(acc) }
            return ts[i].data.withUnsafeBufferPointer { go(i + 1, acc + [$0.baseAddress!]) }
        }
        return go(0, [])
    }
}

/// A [Float] of `n` entries whose contents the caller fully overwrites (no zero fill).
@inline(__always)
func uninitializedFloats(_ n: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: n) { buf, count in
        if n > 0 { fill(buf.baseAddress!) }
        count = n
    }
}
