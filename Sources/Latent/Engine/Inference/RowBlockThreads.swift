import Foundation

/// How many threads score row blocks (``Tensor/mapRowBlocks(rowsPerBlock:_:)``), chosen
/// from measured times per row size as training's shards are (``MeasuredThreadChoice``):
/// on a machine whose other processes hold the cores, a block claimed by a preempted
/// thread makes the whole batch wait, and one thread is faster (measured: ecg-ae scoring
/// 575k rows/s on two threads against 746k on one, load average 15 on 2 CPUs). Row blocks
/// are row-invariant, so the choice changes only the speed.
enum RowBlockThreads {
    /// A model's input row size stands for the model; time is compared per row, so a
    /// last, shorter batch shares its choice.
    struct Key: Hashable {
        let rowSize: Int, parallel: Int
    }

    /// At most this many shapes are remembered (a server may see many); then it starts over.
    static let capacity = 64
    private static let lock = NSLock()
    nonisolated(unsafe) private static var choices: [Key: MeasuredThreadChoice] = [:]

    /// The threads for the next batch of this shape.
    static func next(_ key: Key) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return choices[key]?.next ?? key.parallel
    }

    /// Records that a batch of `rows` rows of this shape took `seconds` on `threads` threads.
    static func record(_ key: Key, threads: Int, rows: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        if choices[key] == nil && choices.count >= capacity { choices.removeAll() }
        choices[key, default: MeasuredThreadChoice(parallel: key.parallel, probing: .scoring)].record(
            threads: threads, rows: rows, seconds: seconds)
    }
}
