#if arch(x86_64)
import AugmentAVX512VBMI
import AugmentSSSE3
#endif

extension Geometry {
    /// Writes `count` pixels to `output` in the reverse order of the `count` pixels that start at
    /// `source`: output pixel i is source pixel `count - 1 - i`. A mirrored row (`hflip`, half
    /// turns and what fuses with them).
    ///
    /// Sixteen bytes per step where the channel count allows a lane per pixel (one lane
    /// shuffle); one byte reversal of 8 bytes per step for 1 channel. For 3 channels, byte
    /// shuffles where `instructions` has them: 64 pixels per step with AVX-512 VBMI, then 16 per
    /// step with SSSE3 (`AugmentAVX512VBMI`, `AugmentSSSE3`: reads and writes within the pixels
    /// mirrored); on the baseline, 16 pixels per step without them (`mirrorSixteenRGB`), whose
    /// reads reach 3 bytes either side of the 16 pixels: only where those lie inside `image`.
    /// The rest pixel by pixel. Every path writes the same bytes.
    ///
    /// - Complexity: O(`count`), with no allocation. `source` and `output` must not overlap.
    @inline(__always)
    static func mirrorPixels<C: ChannelCount>(
        _ source: UnsafePointer<UInt8>, count: Int, into output: UnsafeMutablePointer<UInt8>,
        image: UnsafeBufferPointer<UInt8>, instructions: InstructionSet, _: C.Type
    ) {
        let input = UnsafeRawPointer(source), target = UnsafeMutableRawPointer(output)
        var index = 0
        switch C.count {
        case 1:
            // x86 has no byte shuffle before SSSE3; `bswap` reverses 8 bytes in one instruction.
            while index &+ 8 <= count {
                let bytes = input.loadUnaligned(fromByteOffset: count &- 8 &- index, as: UInt64.self)
                target.storeBytes(of: bytes.byteSwapped, toByteOffset: index, as: UInt64.self)
                index &+= 8
            }
        case 2:
            while index &+ 8 <= count {
                let pixels = input.loadUnaligned(fromByteOffset: (count &- 8 &- index) &* 2, as: SIMD8<UInt16>.self)
                let mirrored = SIMD8(pixels[7], pixels[6], pixels[5], pixels[4], pixels[3], pixels[2], pixels[1], pixels[0])
                target.storeBytes(of: mirrored, toByteOffset: index &* 2, as: SIMD8<UInt16>.self)
                index &+= 8
            }
        case 3 where instructions > .baseline:
            #if arch(x86_64)
            // Output pixels `index...` come from source pixels `..<count - index`.
            if instructions >= .avx512vbmi { index = AugmentAVX512VBMI.mirrorRGBPixels(input, count: count, into: target) }
            index &+= AugmentSSSE3.mirrorRGBPixels(input, count: count &- index, into: target + index &* 3)
            #endif
        case 3:
            let masks = MirrorMasks.rgb
            // A block's reads reach 3 bytes before its first source pixel and after its last:
            // only the first block (the run's last source pixels) and the last (its first
            // ones) can leave the image, and those go pixel by pixel.
            let blocks = count / 16
            let start = source - image.baseAddress!
            @inline(__always) func readsInside(_ index: Int) -> Bool {
                let block = start &+ (count &- 16 &- index) &* 3
                return block >= 3 && block &+ 51 <= image.count
            }
            if blocks > 0 {
                let last = (blocks &- 1) &* 16
                let (headInside, tailInside) = (readsInside(0), readsInside(last))
                if !headInside { mirrorOneByOne(source, count: count, from: 0, to: 16, into: output, C.self) }
                if !tailInside { mirrorOneByOne(source, count: count, from: last, to: last &+ 16, into: output, C.self) }
                index = headInside ? 0 : 16
                let end = tailInside ? last &+ 16 : last
                while index < end {
                    mirrorSixteenRGB(input + (count &- 16 &- index) &* 3, into: target + index &* 3, masks)
                    index &+= 16
                }
                index = blocks &* 16
            }
        default:
            while index &+ 4 <= count {
                let pixels = input.loadUnaligned(fromByteOffset: (count &- 4 &- index) &* 4, as: SIMD4<UInt32>.self)
                target.storeBytes(of: SIMD4(pixels[3], pixels[2], pixels[1], pixels[0]), toByteOffset: index &* 4,
                                  as: SIMD4<UInt32>.self)
                index &+= 4
            }
        }
        mirrorOneByOne(source, count: count, from: index, to: count, into: output, C.self)
    }

    /// Output pixels `start..<end` of `mirrorPixels`, channel by channel.
    @inline(__always)
    static func mirrorOneByOne<C: ChannelCount>(
        _ source: UnsafePointer<UInt8>, count: Int, from start: Int, to end: Int,
        into output: UnsafeMutablePointer<UInt8>, _: C.Type
    ) {
        var index = start
        while index < end {
            let pixel = source + (count &- 1 &- index) &* C.count
            for channel in 0..<C.count { output[index &* C.count &+ channel] = pixel[channel] }
            index &+= 1
        }
    }

    /// Sixteen RGB pixels (the 48 bytes at `block`) in reverse order, at `output`.
    ///
    /// Without a byte shuffle (SSSE3's `pshufb`, which Swift's x86-64 baseline does not
    /// assume), each 16-byte output chunk is a 16-bit word reversal (three word shuffles) of a
    /// chunk T, and T is a masked merge of four unaligned loads: output byte j is source byte
    /// 45 - j + 2c (c its channel), and after the word reversal that is T's byte i read from
    /// `block` at i + d, d one of -3, -1, 1, 3 (`MirrorMasks`). Measured about 12% faster than
    /// reordering 32-bit words with shifts and masks (the loop this replaced); a `pshufb`
    /// build would be about twice as fast again.
    @inline(__always)
    static func mirrorSixteenRGB(_ block: UnsafeRawPointer, into output: UnsafeMutableRawPointer, _ masks: MirrorMasks) {
        @inline(__always) func chunk(_ offset: Int, _ selects: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)) -> SIMD16<UInt8> {
            let merged = (block.loadUnaligned(fromByteOffset: offset &- 3, as: SIMD16<UInt8>.self) & selects.0)
                | (block.loadUnaligned(fromByteOffset: offset &- 1, as: SIMD16<UInt8>.self) & selects.1)
                | (block.loadUnaligned(fromByteOffset: offset &+ 1, as: SIMD16<UInt8>.self) & selects.2)
                | (block.loadUnaligned(fromByteOffset: offset &+ 3, as: SIMD16<UInt8>.self) & selects.3)
            let words = unsafeBitCast(merged, to: SIMD8<UInt16>.self)
            return unsafeBitCast(SIMD8(words[7], words[6], words[5], words[4], words[3], words[2], words[1], words[0]),
                                 to: SIMD16<UInt8>.self)
        }
        // Output chunk q reads T from offset 32 - 16q.
        output.storeBytes(of: chunk(32, masks.chunks.0), as: SIMD16<UInt8>.self)
        output.storeBytes(of: chunk(16, masks.chunks.1), toByteOffset: 16, as: SIMD16<UInt8>.self)
        output.storeBytes(of: chunk(0, masks.chunks.2), toByteOffset: 32, as: SIMD16<UInt8>.self)
    }
}

/// Which of `mirrorSixteenRGB`'s four loads each byte of T takes, per output chunk.
struct MirrorMasks {
    typealias Selects = (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)
    /// For output chunks 0, 1, 2: masks of the bytes read at offsets -3, -1, +1, +3.
    let chunks: (Selects, Selects, Selects)

    /// Output byte j = 16q + j' of the 48 is source byte 45 - j + 2c, c = j mod 3. The word
    /// reversal puts T's byte i = 14 - j' + 2 (j' mod 2) there, and T's chunk q is read from
    /// 32 - 16q, so T's byte i comes from offset d = 45 - j + 2c - (32 - 16q) - i
    /// = -1 + 2c - 2 (j' mod 2).
    static let rgb: MirrorMasks = {
        var masks = [[SIMD16<UInt8>]](repeating: [SIMD16<UInt8>](repeating: .zero, count: 4), count: 3)
        for chunk in 0..<3 {
            for byte in 0..<16 {
                let outputByte = 14 - byte + 2 * (byte & 1)
                let channel = (16 * chunk + outputByte) % 3
                let offset = -1 + 2 * channel - 2 * (outputByte & 1)
                masks[chunk][(offset + 3) / 2][byte] = 0xFF
            }
        }
        func selects(_ chunk: Int) -> Selects { (masks[chunk][0], masks[chunk][1], masks[chunk][2], masks[chunk][3]) }
        return MirrorMasks(chunks: (selects(0), selects(1), selects(2)))
    }()
}
