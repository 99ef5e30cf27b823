import Foundation
import XCTest
@testable import Latent

/// Builds one of every figure from realistic synthetic data, checks each file (PNG validator,
/// XMLParser), and writes them to `$LATENT_GALLERY_DIR` (or a temporary directory) so they
/// can be looked at.
final class GalleryTests: XCTestCase {
    /// Deterministic uniform / normal numbers for fixtures (SplitMix64).
    struct Fixtures {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            sqrt(-2 * log(max(uniform(), 1e-12))) * cos(2 * .pi * uniform())
        }
    }

    static func outputDirectory() throws -> URL {
        let path = ProcessInfo.processInfo.environment["LATENT_GALLERY_DIR"]
            ?? NSTemporaryDirectory() + "latent-gallery-\(UUID().uuidString.prefix(8))"
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func lossPlot() -> LinePlot {
        var rng = Fixtures(state: 1)
        var train = [Double](), validation = [Double]()
        for e in 0..<30 {
            let decay: Double = exp(-Double(e) / 6)
            let overfit: Double = e > 22 ? 0.0004 * Double(e - 22) : 0
            train.append(0.09 * decay + 0.012 + 0.002 * rng.uniform())
            validation.append(0.095 * decay + 0.016 + 0.003 * rng.uniform() + overfit)
        }
        var plot = LinePlot(title: "Training loss", xLabel: "epoch", yLabel: "MSE per pixel", logY: true)
        plot.add("training", y: train, markers: true)
        plot.add("validation", y: validation, markers: true)
        return plot
    }

    static func latentPlot(count: Int = 10_000) -> ScatterPlot {
        var rng = Fixtures(state: 2)
        var x = [Float](), y = [Float](), labels = [Int]()
        for i in 0..<count {
            let c = i % 10
            let angle = Double(c) / 10 * 2 * .pi
            x.append(Float(3 * cos(angle) + rng.normal() * 0.8))
            y.append(Float(3 * sin(angle) + rng.normal() * 0.8))
            labels.append(c)
        }
        var plot = ScatterPlot(title: "Latent space (test set)", xLabel: "z₁", yLabel: "z₂")
        plot.add(x: x, y: y, categories: labels)
        let path = (0...8).map { Double($0) / 8 }
        plot.addPath("interpolation 1 → 7", x: path.map { 3 * cos(0.2 * .pi) * (1 - $0) + 3 * cos(1.4 * .pi) * $0 },
                     y: path.map { 3 * sin(0.2 * .pi) * (1 - $0) + 3 * sin(1.4 * .pi) * $0 })
        plot.highlight(x: [3 * cos(0.2 * .pi), 3 * cos(1.4 * .pi)], y: [3 * sin(0.2 * .pi), 3 * sin(1.4 * .pi)],
                       labels: ["start", "end"])
        return plot
    }

    static func scoreHistogram() -> Histogram {
        var rng = Fixtures(state: 3)
        let normal = (0..<2000).map { _ in exp(-3.6 + 0.35 * rng.normal()) }
        let anomalous = (0..<300).map { _ in exp(-2.6 + 0.45 * rng.normal()) }
        var plot = Histogram(title: "Reconstruction error", xLabel: "anomaly score", binCount: 50, normalization: .density)
        plot.add("normal", values: normal)
        plot.add("anomalous", values: anomalous)
        plot.addThreshold(0.0455, label: "threshold 0.0455")
        return plot
    }

    static func rocPlot() -> ROCPlot {
        var plot = ROCPlot()
        let t = (0...100).map { Double($0) / 100 }
        plot.add("dense autoencoder (AUC 0.94)", falsePositiveRate: t, truePositiveRate: t.map { pow($0, 0.12) })
        plot.add("PCA (AUC 0.87)", falsePositiveRate: t, truePositiveRate: t.map { pow($0, 0.3) })
        plot.addOperatingPoint(falsePositiveRate: 0.05, truePositiveRate: pow(0.05, 0.12), label: "threshold (FPR 5%)")
        return plot
    }

    static func precisionRecallPlot() -> PrecisionRecallPlot {
        var plot = PrecisionRecallPlot()
        let r = (0...100).map { Double($0) / 100 }
        plot.add("dense autoencoder (AP 0.71)", recall: r, precision: r.map { 1 - 0.85 * pow($0, 3) })
        plot.addBaseline(positiveFraction: 0.13)
        return plot
    }

    static func signalPlot() -> SignalPlot {
        let t = (0..<140).map(Double.init)
        let input = t.map { sin($0 / 8) + (abs($0 - 70) < 6 ? 1.5 * exp(-pow($0 - 70, 2) / 8) : 0) }
        let reconstruction = t.map { 0.95 * sin($0 / 8) + 0.05 }
        return SignalPlot(title: "Heartbeat 17 (anomalous), error 0.084", input: input, reconstruction: reconstruction)
    }

    static func digitImages(count: Int) -> [[Float]] {
        (0..<count).map { k in
            (0..<784).map { i in
                let (x, y) = (Double(i % 28) - 13.5, Double(i / 28) - 13.5)
                let r = sqrt(x * x + y * y)
                return Float(max(0, 1 - abs(r - 6 - Double(k % 5)) / 2))
            }
        }
    }

    func testGalleryFilesAreValid() throws {
        let dir = try GalleryTests.outputDirectory()
        let svgs: [(String, String)] = [
            ("loss.svg", GalleryTests.lossPlot().svg()),
            ("latent.svg", GalleryTests.latentPlot().svg()),
            ("histogram.svg", GalleryTests.scoreHistogram().svg()),
            ("roc.svg", GalleryTests.rocPlot().svg()),
            ("precision-recall.svg", GalleryTests.precisionRecallPlot().svg()),
            ("signal.svg", GalleryTests.signalPlot().svg()),
        ]
        for (name, svg) in svgs {
            XCTAssertNoThrow(try SVGCheck.parse(svg), name)
            try AtomicFile.write(svg, to: dir.appendingPathComponent(name))
        }
        XCTAssertLessThan(svgs[1].1.utf8.count, 600_000, "10,000-point scatter plot should stay compact")

        let digits = GalleryTests.digitImages(count: 20)
        let grid = ImageGrid.compose(images: digits, width: 28, height: 28, columns: 10, padding: 2, scale: 3)
        var tiles = [PNGImage]()
        for d in digits.prefix(5) { tiles.append(PNGImage(grayscale: d, width: 28, height: 28)) }
        for d in digits.prefix(5) {
            tiles.append(HeatMap.image(values: d.map { $0 * $0 * 0.3 }, width: 28, height: 28, range: 0...0.3))
        }
        let comparison = ImageGrid.compose(tiles: tiles, columns: 5, padding: 2, scale: 3)
        for (name, image) in [("digits.png", grid), ("errors.png", comparison)] {
            let data = image.pngData()
            let info = try PNGInspection.validate(data)
            XCTAssertEqual(info.width, image.width)
            try AtomicFile.write(data, to: dir.appendingPathComponent(name))
        }
    }
}
