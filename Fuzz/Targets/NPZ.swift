import Latent

// numpy .npz reader: NPZFile.read(bytes:file:) (the ZIP directory, stored and deflated
// members, CRC-32), then every array it lists through the .npy reader, and every view.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = "fuzz.npz"
    refusalMustBeClear(file: file) {
        let archive = try NPZFile.read(bytes: bytes(data, size), file: file)
        for key in archive.keys {
            let array = try archive.array(key)
            precondition(
                array.bytes.count == array.shape.reduce(array.dataType.size, *),
                "NPZ member payload size disagrees with its shape")
            touch(array.floats(), shape: array.shape)
            if let v = try? array.integers() { blackHole(v) }
        }
    }
    return 0
}
