import Foundation

/// A compact record of which rows a detector has seen: one 64-bit hash per row of the
/// normal rows that trained it, stopped its training and calibrated its threshold.
///
/// Evaluating on those rows measures nothing about new data: their scores are lower than a
/// new normal row's (training) or set the threshold (calibration), so the false-positive
/// rate on them looks like the guarantee being met. ``DetectorEvaluation`` uses this to
/// count and set aside such rows.
///
/// A row's hash is FNV-1a over the bit patterns of its values as read (before scaling), with
/// `-0` taken as `0`; a different row has the same hash with probability about `n / 2⁶⁴`.
/// Stored as `fingerprints.bin` in the detector directory: the magic `LTFP`, a
/// little-endian `UInt32` count, then the sorted hashes (8 bytes a row).
public struct RowFingerprints: Equatable, Sendable {
    /// The sorted hashes.
    public let hashes: [UInt64]

    /// The hashes of `rows`, `[n, …]`.
    public init(rows: Tensor) {
        hashes = Self.hashes(of: rows).sorted()
    }

    init(sortedHashes: [UInt64]) { hashes = sortedHashes }

    /// How many rows were recorded.
    public var count: Int { hashes.count }

    /// For each row of `rows`, whether it was recorded.
    public func contains(rowsOf rows: Tensor) -> [Bool] {
        Self.hashes(of: rows).map(contains)
    }

    /// Whether `hash` was recorded (binary search).
    func contains(_ hash: UInt64) -> Bool {
        var (low, high) = (0, hashes.count)
        while low < high {
            let mid = (low + high) / 2
            if hashes[mid] < hash { low = mid + 1 } else { high = mid }
        }
        return low < hashes.count && hashes[low] == hash
    }

    /// One hash per row.
    static func hashes(of rows: Tensor) -> [UInt64] {
        let n = rows.shape.first ?? 0
        guard n > 0 else { return [] }
        let d = rows.scalars.count / n
        return rows.withUnsafeBufferPointer { values in
            (0..<n).map { r in
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for v in values[(r * d)..<((r + 1) * d)] {
                    var bits = (v == 0 ? Float(0) : v).bitPattern
                    for _ in 0..<4 {
                        h = (h ^ UInt64(bits & 0xff)) &* 0x100_0000_01b3
                        bits >>= 8
                    }
                }
                return h
            }
        }
    }

    static let magic: [UInt8] = Array("LTFP".utf8)

    /// The file's bytes.
    public var data: Data {
        var bytes = Self.magic
        withUnsafeBytes(of: UInt32(hashes.count).littleEndian) { bytes += $0 }
        bytes.reserveCapacity(bytes.count + 8 * hashes.count)
        for h in hashes { withUnsafeBytes(of: h.littleEndian) { bytes += $0 } }
        return Data(bytes)
    }

    /// Reads the file's bytes; `nil` when they are not a fingerprint file (an older or
    /// damaged one is ignored, not fatal: the fingerprints only add a warning).
    public init?(data: Data) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes[0..<4]) == Self.magic else { return nil }
        let count = bytes[4..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard bytes.count == 8 + 8 * count else { return nil }
        var hashes: [UInt64] = []
        hashes.reserveCapacity(count)
        for i in 0..<count {
            var h: UInt64 = 0
            for k in 0..<8 { h |= UInt64(bytes[8 + 8 * i + k]) << (8 * k) }
            hashes.append(h)
        }
        guard zip(hashes, hashes.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        self.hashes = hashes
    }
}
