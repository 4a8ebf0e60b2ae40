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
                        for index in 0..<inside.count {
                            let pixel = from + index * step * channels
                            for channel in 0..<channels { to[index * channels + channel] = pixel[channel] }
                        }
                    }
                }
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
