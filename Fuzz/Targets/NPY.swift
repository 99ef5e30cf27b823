import Latent

// numpy .npy reader: NPYFile.read(bytes:file:), then every view.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = "fuzz.npy"
    refusalMustBeClear(file: file) {
        let array = try NPYFile.read(bytes: bytes(data, size), file: file)
        precondition(
            array.bytes.count == array.shape.reduce(array.dataType.size, *),
            "NPY payload size disagrees with the shape")
        touch(array.floats(), shape: array.shape)
        if let v = try? array.integers() { blackHole(v) }
    }
    return 0
}
