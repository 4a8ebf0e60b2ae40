extension Geometry {
    /// An exact copy through a lattice map (`AffineMap.isLattice`): every output pixel is one
    /// source pixel or, where the map leads outside the source, the fill.
    ///
    /// - Complexity: O(output pixels); rows that read a source row forwards are `memcpy`s.
    static func copyLattice(_ image: Image, map: AffineMap, size: Size, fill: Fill) -> Image {
        switch image.channels {
        case 1: copyLattice(image, map: map, size: size, fill: fill, OneChannel.self)
        case 2: copyLattice(image, map: map, size: size, fill: fill, TwoChannels.self)
        case 3: copyLattice(image, map: map, size: size, fill: fill, ThreeChannels.self)
        default: copyLattice(image, map: map, size: size, fill: fill, FourChannels.self)
        }
    }

    private static func copyLattice<C: ChannelCount>(
        _ image: Image, map: AffineMap, size: Size, fill: Fill, _: C.Type
    ) -> Image {
        let channels = C.count
        let (stepXX, stepXY, originX) = (Int(map.xx.rounded()), Int(map.xy.rounded()), Int(map.x0.rounded()))
        let (stepYX, stepYY, originY) = (Int(map.yx.rounded()), Int(map.yy.rounded()), Int(map.y0.rounded()))
        let (sourceWidth, sourceHeight) = (image.width, image.height)
        let fillValues = (0..<channels).map { fill.value(channel: $0) }
        return Image.make(size, channels: channels) { output in
            image.pixels.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                for y in 0..<size.height {
                    let row = output + y * size.width * channels
                    // Source coordinates of this row's first pixel, and their steps along the row.
                    let (startX, startY) = (stepXY * y + originX, stepYY * y + originY)
                    let inside = insideRange(start: startX, step: stepXX, limit: sourceWidth, count: size.width)
                        .clamped(to: insideRange(start: startY, step: stepYX, limit: sourceHeight, count: size.width))
                    fillPixels(row, from: 0, to: inside.lowerBound, fillValues, C.self)
                    fillPixels(row, from: inside.upperBound, to: size.width, fillValues, C.self)
                    if inside.isEmpty { continue }
                    let first = inside.lowerBound
                    let sourceIndex = (startY + stepYX * first) * sourceWidth + startX + stepXX * first
                    let step = stepXX + stepYX * sourceWidth
                    let from = source + sourceIndex * channels
                    let to = row + first * channels
                    if step == 1 {
                        to.update(from: from, count: inside.count * channels)
                    } else {
                        // The last pixel of the image may not take a 4-byte store, nor the last
                        // source pixel a 4-byte load: those few go byte by byte.
                        let isLastRow = y == size.height - 1 && inside.upperBound == size.width
                        copyPixels(from: from, step: step, to: to, count: inside.count,
                                   sourceEnd: source + image.pixels.count, outputIsLast: isLastRow, C.self)
                    }
                }
            }
        }
    }

    /// Copies `count` pixels, reading every `step`-th source pixel: whole pixels as one word
    /// each (2 or 4 bytes; 3-channel pixels as 4 bytes whose last spills onto the next output
    /// pixel, written right after).
    @inline(__always)
    static func copyPixels<C: ChannelCount>(
        from: UnsafePointer<UInt8>, step: Int, to: UnsafeMutablePointer<UInt8>, count: Int,
        sourceEnd: UnsafePointer<UInt8>, outputIsLast: Bool, _: C.Type
    ) {
        let stride = step * C.count
        switch C.count {
        case 1:
            for index in 0..<count { to[index] = from[index * stride] }
        case 2:
            let output = UnsafeMutableRawPointer(to), input = UnsafeRawPointer(from)
            for index in 0..<count {
                output.storeBytes(of: input.loadUnaligned(fromByteOffset: index * stride, as: UInt16.self),
                                  toByteOffset: index * 2, as: UInt16.self)
            }
        case 4:
            let output = UnsafeMutableRawPointer(to), input = UnsafeRawPointer(from)
            for index in 0..<count {
                output.storeBytes(of: input.loadUnaligned(fromByteOffset: index * stride, as: UInt32.self),
                                  toByteOffset: index * 4, as: UInt32.self)
            }
        case 3 where step == -1:
            // A mirrored RGB row: four pixels (three 32-bit words) at a time, reordered with
            // shifts and masks, a loop of constant stride that the compiler vectorises.
            let groups = count / 4
            let output = UnsafeMutableRawPointer(to)
            for group in 0..<groups {
                let input = UnsafeRawPointer(from - (4 * group + 3) * 3)
                let first = input.loadUnaligned(as: UInt32.self)
                let second = input.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                let third = input.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
                // Bytes r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3 become r3 g3 b3 r2 | g2 b2 r1 g1 | b1 r0 g0 b0.
                output.storeBytes(of: (third >> 8) | ((second << 8) & 0xFF00_0000),
                                  toByteOffset: 12 * group, as: UInt32.self)
                output.storeBytes(of: (second >> 24) | ((third & 0xFF) << 8) | ((first >> 8) & 0x00FF_0000) | (second << 24),
                                  toByteOffset: 12 * group + 4, as: UInt32.self)
                output.storeBytes(of: ((second >> 8) & 0xFF) | (first << 8),
                                  toByteOffset: 12 * group + 8, as: UInt32.self)
            }
            for index in 4 * groups..<count {
                for channel in 0..<3 { to[index * 3 + channel] = from[-index * 3 + channel] }
            }
        default:
            let output = UnsafeMutableRawPointer(to), input = UnsafeRawPointer(from)
            let wordCount = outputIsLast ? count - 1 : count
            for index in 0..<max(wordCount, 0) {
                let pixel = from + index * stride
                if pixel + 4 <= sourceEnd {
                    output.storeBytes(of: input.loadUnaligned(fromByteOffset: index * stride, as: UInt32.self),
                                      toByteOffset: index * 3, as: UInt32.self)
                } else {
                    for channel in 0..<3 { to[index * 3 + channel] = pixel[channel] }
                }
            }
            for index in max(wordCount, 0)..<count {
                for channel in 0..<3 { to[index * 3 + channel] = from[index * stride + channel] }
            }
        }
    }

    /// The `x` in `0..<count` for which `start + step * x` lies in `0..<limit`, for a step of
    /// -1, 0 or 1.
    @inline(__always)
    static func insideRange(start: Int, step: Int, limit: Int, count: Int) -> Range<Int> {
        switch step {
        case 0:
            return (0..<limit).contains(start) ? 0..<count : 0..<0
        case 1:
            return (-start..<(limit - start)).clamped(to: 0..<count)
        default:
            return ((start - limit + 1)..<(start + 1)).clamped(to: 0..<count)
        }
    }

    @inline(__always)
    static func fillPixels<C: ChannelCount>(
        _ row: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, _ fill: [UInt8], _: C.Type
    ) {
        guard start < end else { return }
        fill.withUnsafeBufferPointer { fill in
            for x in start..<end {
                for channel in 0..<C.count { row[x * C.count + channel] = fill[channel] }
            }
        }
    }
}
