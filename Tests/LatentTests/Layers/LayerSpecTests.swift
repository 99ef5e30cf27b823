import Foundation
import XCTest

@testable import Latent

/// The model-file form of every layer kind, and its round trip.
final class LayerSpecTests: XCTestCase {
    /// Every kind as model files have written it since the first release (Swift's encoding of
    /// the former `LayerSpec` enum, keys sorted): files saved then must still load.
    let writtenForms: [(LayerSpec, String)] = [
        (
            .dense(inputSize: 3, outputSize: 2, activation: .relu),
            #"{"dense":{"activation":"relu","inputSize":3,"outputSize":2}}"#
        ),
        (
            .conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, stride: 1, padding: .same, activation: .relu),
            #"{"conv2d":{"activation":"relu","inputChannels":1,"kernelSize":3,"outputChannels":2,"padding":"same","stride":1}}"#
        ),
        (
            .conv2dTranspose(
                inputChannels: 4, outputChannels: 1, kernelSize: 3, stride: 2, padding: .valid, activation: .sigmoid),
            #"{"conv2dTranspose":{"activation":"sigmoid","inputChannels":4,"kernelSize":3,"outputChannels":1,"padding":"valid","stride":2}}"#
        ),
        (.maxPool2d(size: 2, stride: 2), #"{"maxPool2d":{"size":2,"stride":2}}"#),
        (.flatten, #"{"flatten":{}}"#),
        (.reshape([7, -1]), #"{"reshape":{"_0":[7,-1]}}"#),
        (.activation(.tanh), #"{"activation":{"_0":"tanh"}}"#),
        (
            .sequential([.flatten, .activation(.relu)]),
            #"{"sequential":{"_0":[{"flatten":{}},{"activation":{"_0":"relu"}}]}}"#
        ),
    ]

    func testEveryKindReadsAndWritesItsEarlierForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (spec, json) in writtenForms {
            XCTAssertEqual(try JSONDecoder().decode(LayerSpec.self, from: Data(json.utf8)), spec, json)
            XCTAssertEqual(String(decoding: try encoder.encode(spec), as: UTF8.self), json)
        }
    }

    func testEveryRegisteredKindHasOneKeyAndIsCovered() {
        let keys = LayerSpec.kinds.map { $0.key }
        XCTAssertEqual(Set(keys).count, keys.count, "two kinds share a key: \(keys)")
        XCTAssertEqual(
            Set(writtenForms.map { type(of: $0.0.kind).key }), Set(keys),
            "a registered kind has no written form in this test")
    }

    func testEqualityComparesKindAndFields() {
        XCTAssertNotEqual(
            LayerSpec.dense(inputSize: 3, outputSize: 2, activation: .relu),
            .dense(inputSize: 3, outputSize: 2, activation: .tanh))
        XCTAssertNotEqual(LayerSpec.reshape([2]), .flatten)
        XCTAssertEqual(LayerSpec.sequential([.flatten]), .sequential([.flatten]))
    }

    func testAnUnknownKindOrTwoKeysAreRefusedByName() {
        XCTAssertThrowsError(try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"lstm":{}}"#.utf8))) { error in
            XCTAssertTrue("\(error)".contains(#"no layer kind is named "lstm"; known: dense, conv2d"#), "\(error)")
        }
        XCTAssertThrowsError(try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"flatten":{},"dense":{}}"#.utf8))) {
            error in
            XCTAssertTrue("\(error)".contains("found 2 keys"), "\(error)")
        }
    }

    func testEachKindBuildsTheLayerItDescribes() {
        var generator = RandomGenerator(seed: 1)
        for (spec, json) in writtenForms {
            let layer = spec.build(generator: &generator)
            XCTAssertEqual((layer as? any SpecifiedLayer)?.spec, spec, json)
        }
    }
}
