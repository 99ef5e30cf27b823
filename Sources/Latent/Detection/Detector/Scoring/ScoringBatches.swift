/// How scoring cuts rows into pieces, decided in this one place for the detector, for
/// whole-file scoring (``ScoreFile``), for streams (``ScoreStream``) and for `latent
/// bench`: calls of ``rows`` rows (``streamRows`` when streaming), and within a call,
/// blocks of ``rowsPerBlock(rowSize:expansion:)`` rows that the threads score side by
/// side (``Tensor/mapRowBlocks(rowsPerBlock:_:)``).
///
/// The pieces change speed and memory, never a score: inference is row-invariant, so a
/// row's score has the same bits in any batch (the detector tests check it).
public enum ScoringBatches {
    /// Rows per scoring call: enough that the per-call cost vanishes, few enough that a
    /// call's reconstructions and records stay a few megabytes. The bench's peers
    /// (`bench/peers`) score in batches of the same size.
    public static let rows = 4096

    /// Rows per scoring call when streaming (``ScoreStream/batchSize``, `--batch-size`):
    /// few, so that each answer leaves soon after its row arrives.
    public static let streamRows = 256

    /// The largest activation of the convolutional autoencoders over their input (16
    /// channels at full size), for ``rowsPerBlock(rowSize:expansion:)``.
    public static let convolutionExpansion = 16

    /// Rows per block for a model of `rowSize` inputs whose largest activation is
    /// `expansion` times its input: about 1 MB of that activation per block, 8 to 512 rows
    /// (``Tensor/rowsPerBlock(rowSize:expansion:)``).
    public static func rowsPerBlock(rowSize: Int, expansion: Int = 1) -> Int {
        Tensor.rowsPerBlock(rowSize: rowSize, expansion: expansion)
    }

    /// Calls `body` with consecutive ranges of at most `size` rows covering `0..<count`.
    public static func forEach(
        rowsOf count: Int, size: Int = rows, _ body: (Range<Int>) throws -> Void
    ) rethrows {
        var start = 0
        while start < count {
            let end = min(count, start + size)
            try body(start..<end)
            start = end
        }
    }
}
