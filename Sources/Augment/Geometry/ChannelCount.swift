/// A channel count known at compile time, so that the kernels' inner loops are specialised and
/// unrolled for 1, 2, 3 and 4 channels instead of looping over a run-time count.
@usableFromInline protocol ChannelCount {
    static var count: Int { get }
}

@usableFromInline enum OneChannel: ChannelCount { @usableFromInline static var count: Int { 1 } }
@usableFromInline enum TwoChannels: ChannelCount { @usableFromInline static var count: Int { 2 } }
@usableFromInline enum ThreeChannels: ChannelCount { @usableFromInline static var count: Int { 3 } }
@usableFromInline enum FourChannels: ChannelCount { @usableFromInline static var count: Int { 4 } }

extension Image {
    /// Makes an image of `size` and `channels` whose bytes `fill` writes, given a pointer to them.
    @inline(__always)
    static func make(_ size: Size, channels: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) -> Image {
        let count = size.width * size.height * channels
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { fill(base) }
            initialized = count
        }
        return Image(width: size.width, height: size.height, channels: channels, pixels: pixels)
    }
}
