/// The five PNG scanline filters (PNG spec §9). Each row is stored as a filter-type byte
/// followed by the row's bytes, transformed so that zlib finds more repetition:
///
/// ```
/// a = byte one pixel to the left, b = byte above, c = byte above-left (0 outside the image)
/// none:    x            sub:     x − a           up:  x − b
/// average: x − ⌊(a+b)/2⌋         paeth:   x − paeth(a, b, c)     (all mod 256)
/// ```
enum PNGFilter: UInt8, CaseIterable {
    case none = 0
    case sub, up, average, paeth

    /// The Paeth predictor: whichever of a, b, c is closest to a + b − c.
    static func paethPredictor(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a)
        let pb = abs(p - b)
        let pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    private func prediction(_ row: [UInt8], _ previous: [UInt8], _ i: Int, _ bpp: Int) -> Int {
        let a = i >= bpp ? Int(row[i - bpp]) : 0
        let b = Int(previous[i])
        let c = i >= bpp ? Int(previous[i - bpp]) : 0
        switch self {
        case .none: return 0
        case .sub: return a
        case .up: return b
        case .average: return (a + b) / 2
        case .paeth: return PNGFilter.paethPredictor(a, b, c)
        }
    }

    /// Filters one row; `previous` is the unfiltered row above (zeros for the first row).
    func apply(_ row: [UInt8], previous: [UInt8], bytesPerPixel bpp: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: row.count)
        for i in 0..<row.count {
            out[i] = UInt8(truncatingIfNeeded: Int(row[i]) - prediction(row, previous, i, bpp))
        }
        return out
    }

    /// Undoes `apply`, left to right (each byte's prediction uses already-restored bytes).
    func reverse(_ filtered: [UInt8], previous: [UInt8], bytesPerPixel bpp: Int) -> [UInt8] {
        var row = filtered
        for i in 0..<row.count {
            row[i] = UInt8(truncatingIfNeeded: Int(filtered[i]) + prediction(row, previous, i, bpp))
        }
        return row
    }

    /// The filter chosen per row by the usual heuristic: smallest sum of |signed bytes|.
    static func best(
        for row: [UInt8], previous: [UInt8], bytesPerPixel bpp: Int
    ) -> (
        PNGFilter, [UInt8]
    ) {
        var best: (PNGFilter, [UInt8], Int)?
        for filter in PNGFilter.allCases {
            let out = filter.apply(row, previous: previous, bytesPerPixel: bpp)
            let cost = out.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
            if best == nil || cost < best!.2 { best = (filter, out, cost) }
        }
        return (best!.0, best!.1)
    }
}
