import XCTest

@testable import Latent

final class DatasetTests: XCTestCase {
    /// 100 examples of 2 features; example i is [i, -i]; labels 0 (70×), 1 (20×), 2 (10×).
    private func sample() -> Dataset {
        let labels = (0..<100).map { $0 < 70 ? 0 : $0 < 90 ? 1 : 2 }
        return Dataset(
            features: Tensor(
                shape: [100, 2], scalars: (0..<100).flatMap { [Float($0), -Float($0)] }),
            labels: labels)
    }

    func testSubsetAndFilterKeepFeaturesWithLabels() {
        let data = sample()
        let picked = data.subset([5, 95, 80])
        XCTAssertEqual(picked.features.scalars, [5, -5, 95, -95, 80, -80])
        XCTAssertEqual(picked.labels, [0, 2, 1])
        let ones = data.filter { $0 == 1 }
        XCTAssertEqual(ones.count, 20)
        XCTAssertEqual(ones.features[0, 0], 70)
        XCTAssertEqual(data.labelCounts, [0: 70, 1: 20, 2: 10])
        XCTAssertEqual(data.exampleShape, [2])
        let images = Dataset(features: Tensor.zeros([3, 2, 2]), labels: [0, 1, 2]).flattened()
        XCTAssertEqual(images.features.shape, [3, 4])
        XCTAssertEqual(images.labels, [0, 1, 2])
    }

    func testPermutationIsAPermutationAndReproducible() {
        var a = RandomGenerator(seed: 3)
        var b = RandomGenerator(seed: 3)
        var c = RandomGenerator(seed: 4)
        let p = a.permutation(1000)
        XCTAssertEqual(p.sorted(), Array(0..<1000))
        XCTAssertEqual(p, b.permutation(1000))
        XCTAssertNotEqual(p, c.permutation(1000))
        XCTAssertNotEqual(p, Array(0..<1000))
        // nextIndex is uniform enough: each of 5 values appears about 2000 times in 10000 draws.
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<10_000 { counts[a.nextIndex(below: 5)] += 1 }
        XCTAssertTrue(counts.allSatisfy { (1800...2200).contains($0) }, "\(counts)")
    }

    func testRandomSplitSizesAndSeed() {
        let data = sample()
        var g1 = RandomGenerator(seed: 11)
        var g2 = RandomGenerator(seed: 11)
        let (train, test) = data.randomSplit(fraction: 0.8, using: &g1)
        XCTAssertEqual(train.count, 80)
        XCTAssertEqual(test.count, 20)
        let ids = (train.features.scalars + test.features.scalars).enumerated().filter {
            $0.offset % 2 == 0
        }.map(\.element)
        XCTAssertEqual(Set(ids).count, 100, "every example lands in exactly one part")
        let (again, _) = data.randomSplit(fraction: 0.8, using: &g2)
        XCTAssertEqual(train.features.scalars, again.features.scalars, "same seed, same split")
        XCTAssertEqual(train.labels, again.labels)
    }

    func testStratifiedSplitKeepsProportions() {
        let data = sample()
        var generator = RandomGenerator(seed: 5)
        let (train, test) = data.stratifiedSplit(fraction: 0.7, using: &generator)
        XCTAssertEqual(train.labelCounts, [0: 49, 1: 14, 2: 7])
        XCTAssertEqual(test.labelCounts, [0: 21, 1: 6, 2: 3])
        // Shuffled, not grouped by class.
        XCTAssertNotEqual(train.labels, train.labels!.sorted())
        var same = RandomGenerator(seed: 5)
        XCTAssertEqual(
            Dataset.stratifiedSplitIndices(labels: data.labels!, fraction: 0.7, using: &same).first,
            {
                var g = RandomGenerator(seed: 5)
                return Dataset.stratifiedSplitIndices(
                    labels: data.labels!, fraction: 0.7, using: &g
                ).first
            }())
    }

    func testBatches() {
        let data = sample()
        let batches = Array(data.batches(size: 32))
        XCTAssertEqual(batches.map(\.count), [32, 32, 32, 4])
        XCTAssertEqual(batches[1].features[0, 0], 32)
        XCTAssertEqual(Array(data.batches(size: 32, dropsLast: true)).map(\.count), [32, 32, 32])
        var generator = RandomGenerator(seed: 9)
        let shuffled = Array(data.batches(size: 50, shuffledUsing: &generator))
        XCTAssertEqual(shuffled.count, 2)
        let seen = shuffled.flatMap { b in (0..<b.count).map { Int(b.features[$0, 0]) } }
        XCTAssertEqual(seen.sorted(), Array(0..<100))
        XCTAssertNotEqual(seen, Array(0..<100))
        XCTAssertEqual(Array(BatchIndices(count: 5, batchSize: 2)), [[0, 1], [2, 3], [4]])
        XCTAssertEqual(BatchIndices(count: 5, batchSize: 2, dropsLast: true).batchCount, 2)
        XCTAssertEqual(Array(BatchIndices(count: 0, batchSize: 2)), [])
    }

    // MARK: Scaling and noise

    func testMinMaxScalerPerFeature() throws {
        let train = Tensor([[0, 10, 5], [2, 30, 5], [4, 20, 5]])
        let scaler = MinMaxScaler(fitting: train)
        XCTAssertEqual(scaler.minimum, [0, 10, 5])
        XCTAssertEqual(scaler.maximum, [4, 30, 5])
        // The constant third feature maps to 0, not NaN.
        assertClose(scaler.transform(train), Tensor([[0, 0, 0], [0.5, 1, 0], [1, 0.5, 0]]))
        assertClose(scaler.transform(Tensor([[8, 0, 6]])), Tensor([[2, -0.5, 1]]))
        assertClose(scaler.inverseTransform(scaler.transform(train)), train)
        XCTAssertEqual(scaler.transform(Tensor.zeros([0, 3])).shape, [0, 3])
        var clipping = scaler
        clipping.clips = true
        assertClose(clipping.transform(Tensor([[8, 0, 6]])), Tensor([[1, 0, 1]]))
    }

    func testMinMaxScalerGlobalAndImages() {
        let images = Tensor(shape: [2, 2, 2], scalars: [0, 50, 100, 150, 200, 250, 25, 75])
        let global = MinMaxScaler(fitting: images, mode: .global)
        XCTAssertEqual(global.minimum, [0])
        XCTAssertEqual(global.maximum, [250])
        assertClose(global.transform(images).scalars, [0, 0.2, 0.4, 0.6, 0.8, 1, 0.1, 0.3])
        let perPixel = MinMaxScaler(fitting: images)
        XCTAssertEqual(perPixel.minimum, [0, 50, 25, 75])
        XCTAssertEqual(perPixel.transform(images).shape, [2, 2, 2])
    }

    func testMinMaxScalerCodable() throws {
        let scaler = MinMaxScaler(
            fitting: Tensor([[1, 2], [3, 5]]), mode: .perFeature, clips: true)
        let json = try JSONEncoder().encode(scaler)
        XCTAssertEqual(try JSONDecoder().decode(MinMaxScaler.self, from: json), scaler)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"perFeature\""))
    }

    func testGaussianNoise() {
        let x = Tensor(repeating: 0.5, shape: [100, 100])
        var g1 = RandomGenerator(seed: 1)
        var g2 = RandomGenerator(seed: 1)
        let noisy = x.addingGaussianNoise(factor: 0.1, using: &g1)
        XCTAssertEqual(noisy.scalars, x.addingGaussianNoise(factor: 0.1, using: &g2).scalars)
        let values = noisy.scalars
        let mean = values.reduce(0, +) / Float(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count))
            .squareRoot()
        XCTAssertEqual(mean, 0.5, accuracy: 0.005)
        XCTAssertEqual(std, 0.1, accuracy: 0.005)
        let clipped = x.addingGaussianNoise(factor: 5, using: &g1).scalars
        XCTAssertEqual(clipped.min(), 0)
        XCTAssertEqual(clipped.max(), 1)
        let free = x.addingGaussianNoise(factor: 5, clippingTo: nil, using: &g1).scalars
        XCTAssertLessThan(free.min()!, -1)
    }
}
