/// An 8-bit raster image in memory, ready to be encoded as PNG.
///
/// Pixels are stored row-major, top row first, with the channels of each pixel interleaved:
/// `pixels[(y * width + x) * channels + c]`. Float initialisers map [0, 1] to 0…255
/// (rounded; values outside are clamped, NaN becomes 0).
///
/// ```swift
/// let image = PNGImage(grayscale: digit, width: 28, height: 28)   // digit: [Float], 784 values
/// try AtomicFile.write(image.upscaled(by: 4).pngData(), to: url)
/// ```
///
/// ### See Also
/// - ``ImageGrid``, ``HeatMap``
public struct PNGImage: Equatable, Sendable {
    /// PNG colour types this encoder writes (bit depth is always 8).
    public enum ColorType: UInt8, Sendable {
        case grayscale = 0
        case rgb = 2
        case grayscaleAlpha = 4
        case rgba = 6

        /// Samples per pixel.
        public var channels: Int {
            switch self {
            case .grayscale: 1
            case .rgb: 3
            case .grayscaleAlpha: 2
            case .rgba: 4
            }
        }
    }

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Channels per pixel and their meaning.
    public let colorType: ColorType
    /// `height × width × colorType.channels` bytes, row-major, channels interleaved.
    public private(set) var pixels: [UInt8]

    /// An image from raw 8-bit samples laid out as described on the type.
    public init(width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) {
        precondition(
            width > 0 && height > 0,
            "A PNG image needs a positive width and height, got \(width)×\(height).")
        precondition(
            pixels.count == width * height * colorType.channels,
            "Expected \(width)×\(height)×\(colorType.channels) = \(width * height * colorType.channels) samples, got \(pixels.count)."
        )
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    /// A blank image filled with one colour.
    public init(width: Int, height: Int, fill: RGBColor) {
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for _ in 0..<(width * height) { pixels += [fill.red, fill.green, fill.blue] }
        self.init(width: width, height: height, colorType: .rgb, pixels: pixels)
    }

    /// A grayscale image from `height × width` intensities in [0, 1] (0 = black).
    public init(grayscale values: [Float], width: Int, height: Int) {
        self.init(
            width: width, height: height, colorType: .grayscale, pixels: values.map(PNGImage.byte))
    }

    /// An RGB image from `height × width × 3` interleaved intensities in [0, 1].
    public init(rgb values: [Float], width: Int, height: Int) {
        self.init(width: width, height: height, colorType: .rgb, pixels: values.map(PNGImage.byte))
    }

    /// Maps an intensity in [0, 1] to a byte: clamped, rounded, NaN → 0.
    static func byte(_ v: Float) -> UInt8 {
        guard !v.isNaN else { return 0 }
        return UInt8((min(max(v, 0), 1) * 255).rounded())
    }

    /// The samples of pixel (`x`, `y`), `colorType.channels` bytes.
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        let c = colorType.channels
        let start = (y * width + x) * c
        return pixels[start..<(start + c)]
    }

    /// Each pixel repeated `factor × factor` times (nearest neighbour), for crisp small images.
    public func upscaled(by factor: Int) -> PNGImage {
        precondition(factor >= 1, "Upscale factor must be at least 1, got \(factor).")
        if factor == 1 { return self }
        let c = colorType.channels
        let w = width * factor
        var out = [UInt8](repeating: 0, count: w * height * factor * c)
        for y in 0..<(height * factor) {
            for x in 0..<w {
                let src = ((y / factor) * width + x / factor) * c
                let dst = (y * w + x) * c
                for k in 0..<c { out[dst + k] = pixels[src + k] }
            }
        }
        return PNGImage(width: w, height: height * factor, colorType: colorType, pixels: out)
    }

    /// The same image as RGB (grey levels replicated; alpha composited onto white).
    public func rgb() -> PNGImage {
        if colorType == .rgb { return self }
        let c = colorType.channels
        let hasAlpha = colorType == .grayscaleAlpha || colorType == .rgba
        var out = [UInt8]()
        out.reserveCapacity(width * height * 3)
        for i in 0..<(width * height) {
            let p = i * c
            let alpha = hasAlpha ? Int(pixels[p + c - 1]) : 255
            for k in 0..<3 {
                let v = Int(pixels[p + (c >= 3 ? k : 0)])
                out.append(UInt8((v * alpha + 255 * (255 - alpha) + 127) / 255))
            }
        }
        return PNGImage(width: width, height: height, colorType: .rgb, pixels: out)
    }
}
