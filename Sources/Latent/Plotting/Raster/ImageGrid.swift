/// Tiles equally sized images into one picture: `columns` per row, rows as needed, each
/// tile upscaled by an integer factor and separated by `padding` background pixels (also
/// around the border).
///
/// ```
/// output width  = columns · (tileWidth · scale) + (columns + 1) · padding
/// output height = rows    · (tileHeight · scale) + (rows + 1) · padding,   rows = ⌈count / columns⌉
/// ```
///
/// ```swift
/// // 20 MNIST digits (each [Float] of 28×28 in [0, 1]) in two rows, 3× size:
/// let grid = ImageGrid.compose(images: digits, width: 28, height: 28, columns: 10, scale: 3)
/// try AtomicFile.write(grid.pngData(), to: url)
/// ```
///
/// ### See Also
/// - ``HeatMap`` for RGB tiles of per-pixel errors; mix both kinds with `compose(tiles:…)`.
public enum ImageGrid {
    /// A grid of grayscale images.
    /// - Parameters:
    ///   - images: each `height × width` intensities in [0, 1], row-major (0 = black).
    ///   - columns: tiles per row (fewer if there are fewer images).
    ///   - padding: background pixels between tiles and around the border, after scaling.
    ///   - scale: integer nearest-neighbour upscale of every tile.
    ///   - background: grey level of the padding, in [0, 1].
    /// - Returns: a grayscale image.
    public static func compose(
        images: [[Float]], width: Int, height: Int, columns: Int,
        padding: Int = 2, scale: Int = 1, background: Float = 1
    ) -> PNGImage {
        let tiles = images.map { PNGImage(grayscale: $0, width: width, height: height) }
        let level = PNGImage.byte(background)
        return compose(
            tiles: tiles, columns: columns, padding: padding, scale: scale,
            background: RGBColor(red: level, green: level, blue: level))
    }

    /// A grid of already-built tiles (grayscale and RGB may be mixed; all the same size).
    /// The result is grayscale when every tile and the background are grey, RGB otherwise.
    public static func compose(
        tiles: [PNGImage], columns: Int, padding: Int = 2, scale: Int = 1,
        background: RGBColor = .white
    ) -> PNGImage {
        precondition(!tiles.isEmpty, "An image grid needs at least one tile.")
        precondition(
            columns >= 1 && padding >= 0 && scale >= 1,
            "Image grid needs columns ≥ 1, padding ≥ 0 and scale ≥ 1 (got \(columns), \(padding), \(scale))."
        )
        let (tw, th) = (tiles[0].width, tiles[0].height)
        precondition(
            tiles.allSatisfy { $0.width == tw && $0.height == th },
            "All tiles of an image grid must be \(tw)×\(th), the size of the first.")
        let gray =
            background.red == background.green && background.green == background.blue
            && tiles.allSatisfy { $0.colorType == .grayscale }
        let tiles = tiles.map { gray ? $0.upscaled(by: scale) : $0.rgb().upscaled(by: scale) }

        let cols = min(columns, tiles.count)
        let rows = (tiles.count + cols - 1) / cols
        let (cw, ch) = (tw * scale, th * scale)
        let width = cols * cw + (cols + 1) * padding
        let height = rows * ch + (rows + 1) * padding
        let channels = gray ? 1 : 3
        var canvas = [UInt8](repeating: 0, count: width * height * channels)
        let fill = gray ? [background.red] : [background.red, background.green, background.blue]
        for i in 0..<(width * height) {
            for k in 0..<channels { canvas[i * channels + k] = fill[k] }
        }
        for (index, tile) in tiles.enumerated() {
            let left = padding + (index % cols) * (cw + padding)
            let top = padding + (index / cols) * (ch + padding)
            for y in 0..<ch {
                let dst = ((top + y) * width + left) * channels
                let src = y * cw * channels
                canvas.replaceSubrange(
                    dst..<(dst + cw * channels), with: tile.pixels[src..<(src + cw * channels)])
            }
        }
        return PNGImage(
            width: width, height: height, colorType: gray ? .grayscale : .rgb, pixels: canvas)
    }
}
