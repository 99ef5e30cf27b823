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
        let path =
            ProcessInfo.processInfo.environment["LATENT_GALLERY_DIR"]
            ?? NSTemporaryDirectory() + "latent-gallery-\(UUID().uuidString.prefix(8))"
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func lossPlot() -> LinePlot {
        var rng = Fixtures(state: 1)
        var train = [Double]()
        var validation = [Double]()
        for e in 0..<30 {
            let decay: Double = exp(-Double(e) / 6)
            let overfit: Double = e > 22 ? 0.0004 * Double(e - 22) : 0
            train.append(0.09 * decay + 0.012 + 0.002 * rng.uniform())
            validation.append(0.095 * decay + 0.016 + 0.003 * rng.uniform() + overfit)
        }
        var plot = LinePlot(
            title: "Training loss", xLabel: "epoch", yLabel: "MSE per pixel", logY: true)
        plot.add("training", y: train, markers: true)
        plot.add("validation", y: validation, markers: true)
        return plot
    }

    static func latentPlot(count: Int = 10_000) -> ScatterPlot {
        var rng = Fixtures(state: 2)
        var x = [Float]()
        var y = [Float]()
        var labels = [Int]()
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
        plot.addPath(
            "interpolation 1 → 7",
            x: path.map { 3 * cos(0.2 * .pi) * (1 - $0) + 3 * cos(1.4 * .pi) * $0 },
            y: path.map { 3 * sin(0.2 * .pi) * (1 - $0) + 3 * sin(1.4 * .pi) * $0 })
        plot.highlight(
            x: [3 * cos(0.2 * .pi), 3 * cos(1.4 * .pi)],
            y: [3 * sin(0.2 * .pi), 3 * sin(1.4 * .pi)],
            labels: ["start", "end"])
        return plot
    }

    static func scoreHistogram() -> Histogram {
        var rng = Fixtures(state: 3)
        let normal = (0..<2000).map { _ in exp(-3.6 + 0.35 * rng.normal()) }
        let anomalous = (0..<300).map { _ in exp(-2.6 + 0.45 * rng.normal()) }
        var plot = Histogram(
            title: "Reconstruction error", xLabel: "anomaly score", binCount: 50,
            normalization: .density)
        plot.add("normal", values: normal)
        plot.add("anomalous", values: anomalous)
        plot.addThreshold(0.0455, label: "threshold 0.0455")
        return plot
    }

    static func rocPlot() -> ROCPlot {
        var plot = ROCPlot()
        let t = (0...100).map { Double($0) / 100 }
        plot.add(
            "dense autoencoder (AUC 0.94)", falsePositiveRate: t,
            truePositiveRate: t.map { pow($0, 0.12) })
        plot.add("PCA (AUC 0.87)", falsePositiveRate: t, truePositiveRate: t.map { pow($0, 0.3) })
        plot.addOperatingPoint(
            falsePositiveRate: 0.05, truePositiveRate: pow(0.05, 0.12), label: "threshold (FPR 5%)")
        return plot
    }

    static func precisionRecallPlot() -> PrecisionRecallPlot {
        var plot = PrecisionRecallPlot()
        let r = (0...100).map { Double($0) / 100 }
        plot.add(
            "dense autoencoder (AP 0.71)", recall: r, precision: r.map { 1 - 0.85 * pow($0, 3) })
        plot.addBaseline(positiveFraction: 0.13)
        return plot
    }

    static func signalPlot() -> SignalPlot {
        let t = (0..<140).map(Double.init)
        let input = t.map { sin($0 / 8) + (abs($0 - 70) < 6 ? 1.5 * exp(-pow($0 - 70, 2) / 8) : 0) }
        let reconstruction = t.map { 0.95 * sin($0 / 8) + 0.05 }
        return SignalPlot(
            title: "Heartbeat 17 (anomalous), error 0.084", input: input,
            reconstruction: reconstruction)
    }

    /// Awkward data: large negative and positive values, gaps, a long legend label, log x.
    static func stressFigures() -> [Figure] {
        var big = Figure(
            title: "Large values with gaps and a very long series name", xLabel: "x", yLabel: "y")
        let x = (0..<200).map { Double($0) * 1234.5 }
        big.addLine(
            x: x, y: x.map { $0 < 60_000 || $0 > 90_000 ? sin($0 / 20_000) * 2.5e5 - 1e5 : .nan },
            label: "a rather long legend label for the first series")
        big.addLine(x: x, y: x.map { cos($0 / 30_000) * 1.5e5 }, label: "second", style: .dotted)
        big.addHorizontalLine(at: 120_000, label: "limit")
        var small = Figure(
            title: "Small", xLabel: "learning rate", yLabel: "loss", width: 300, height: 220)
        small.xScale = .log
        let rates = (0..<30).map { pow(10, -5 + Double($0) / 6) }
        small.addLine(
            x: rates, y: rates.map { 0.3 + 0.2 * pow(log10($0) + 2.5, 2) / 6 }, label: "loss",
            markers: true)
        small.addVerticalLine(at: 3e-3, label: "best")
        var tiny = Figure(title: "Tiny values", yLabel: "gradient norm")
        tiny.addPoints(x: [1.0, 2, 3, 4, 5], y: [1e-7, 3e-7, 2e-7, 5e-7, 4e-7], label: "norm")
        return [big, small, tiny]
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
        let stress = GalleryTests.stressFigures().enumerated().map {
            ("stress-\($0.offset).svg", $0.element.svg())
        }
        for (name, svg) in svgs + stress {
            XCTAssertNoThrow(try SVGCheck.parse(svg), name)
            try AtomicFile.write(svg, to: dir.appendingPathComponent(name))
        }
        XCTAssertLessThan(
            svgs[1].1.utf8.count, 600_000, "10,000-point scatter plot should stay compact")

        let digits = GalleryTests.digitImages(count: 20)
        let grid = ImageGrid.compose(
            images: digits, width: 28, height: 28, columns: 10, padding: 2, scale: 3)
        var tiles = [PNGImage]()
        for d in digits.prefix(5) { tiles.append(PNGImage(grayscale: d, width: 28, height: 28)) }
        for d in digits.prefix(5) {
            tiles.append(
                HeatMap.image(
                    values: d.map { $0 * $0 * 0.3 }, width: 28, height: 28, range: 0...0.3))
        }
        let comparison = ImageGrid.compose(tiles: tiles, columns: 5, padding: 2, scale: 3)
        for (name, image) in [("digits.png", grid), ("errors.png", comparison)] {
            let data = image.pngData()
            let info = try PNGInspection.validate(data)
            XCTAssertEqual(info.width, image.width)
            try AtomicFile.write(data, to: dir.appendingPathComponent(name))
        }

        var report = HTMLReport(
            title: "MNIST dense autoencoder", subtitle: "latent dimension 2 · 30 epochs · seed 42")
        report.addParagraph(
            "Trained on the 60,000 training digits; evaluated on the 10,000 test digits. Anomalies are digits the model never saw."
        )
        report.addMetrics(
            [
                "test MSE": 0.0183456, "AUC": 0.9412, "threshold": 0.0455, "samples": 10000,
                "recall at threshold": .percent(0.812), "model": "dense 784-256-2",
            ], title: "Summary")
        report.addSection("Training")
        report.addFigure(svg: svgs[0].1, caption: "Mean squared error per epoch (log scale).")
        report.addSection("Reconstructions")
        report.addFigure(grid.upscaled(by: 1), caption: "Twenty test digits.", width: .half)
        report.addFigure(
            comparison, caption: "Inputs (top) and squared error (bottom, magma, 0–0.3).",
            width: .half)
        report.addSection("Latent space")
        report.addFigure(svg: svgs[1].1, caption: "Codes of the test set, coloured by digit.")
        report.addSection("Detection")
        report.addFigure(svg: svgs[2].1, caption: "Scores of normal and anomalous digits.")
        report.addFigure(svg: svgs[3].1, caption: "ROC.", width: .half)
        report.addFigure(svg: svgs[4].1, caption: "Precision–recall.", width: .half)
        report.addFigure(svg: svgs[5].1, caption: "An ECG beat and its reconstruction.")
        report.addPreformatted(
            "Sequential(\n  Dense(784 → 256), ReLU,\n  Dense(256 → 2),\n  Dense(2 → 256), ReLU,\n  Dense(256 → 784), Sigmoid\n)  parameters: 403,474",
            title: "Model")
        let html = report.html()
        XCTAssertTrue(html.contains(svgs[3].1))
        try AtomicFile.write(html, to: dir.appendingPathComponent("report.html"))
    }
}
