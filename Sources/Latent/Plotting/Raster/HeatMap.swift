/// Colours a 2-D array of values with a ``Colormap``, e.g. the per-pixel reconstruction
/// error `(x − x̂)²` of an image, so large errors stand out.
///
/// ```
/// t = (v − range.lowerBound) / (range.upperBound − range.lowerBound),  pixel = colormap(t)
/// ```
///
/// ```swift
/// let error = zip(input, reconstruction).map { ($0 - $1) * ($0 - $1) }   // 784 values
/// let tile = HeatMap.image(values: error, width: 28, height: 28, range: 0...0.5)
/// ```
///
/// ### See Also
/// - ``ImageGrid/compose(tiles:columns:padding:scale:background:)`` to place heat maps beside inputs.
public enum HeatMap {
    /// An RGB image of `values` (`height × width`, row-major).
    /// - Parameters:
    ///   - range: the values mapped to the two ends of the colormap (others clamp). `nil` uses
    ///     the finite minimum and maximum; give a fixed range to compare several heat maps.
    ///   - colormap: ``Colormap/magma`` by default. Non-finite values get its first colour.
    public static func image(
        values: [Float], width: Int, height: Int,
        range: ClosedRange<Float>? = nil, colormap: Colormap = .magma
    ) -> PNGImage {
        precondition(
            values.count == width * height,
            "A \(width)×\(height) heat map needs \(width * height) values, got \(values.count).")
        let range = range ?? finiteRange(values)
        let span = Double(range.upperBound - range.lowerBound)
        var pixels = [UInt8]()
        pixels.reserveCapacity(values.count * 3)
        for v in values {
            let t = v.isFinite && span > 0 ? (Double(v) - Double(range.lowerBound)) / span : 0
            let c = colormap.color(at: t)
            pixels += [c.red, c.green, c.blue]
        }
        return PNGImage(width: width, height: height, colorType: .rgb, pixels: pixels)
    }

    /// The smallest and largest finite values (0…1 if there are none).
    static func finiteRange(_ values: [Float]) -> ClosedRange<Float> {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        return lo...hi
    }
}
