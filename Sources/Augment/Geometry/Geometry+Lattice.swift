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
        if stepXY == 0 && stepYX == 0,
           wholeRowsInside(start: originX, step: stepXX, count: size.width, limit: sourceWidth),
           wholeRowsInside(start: originY, step: stepYY, count: size.height, limit: sourceHeight) {
            return copyWholeRows(image, size: size, mirrored: stepXX < 0, firstColumn: originX,
                                 firstRow: originY, rowStep: stepYY, C.self)
        }
        let fillValues = (0..<channels).map { fill.value(channel: $0) }
        let instructions = InstructionSet.available
        return Image.make(size, channels: channels) { output in
            image.pixels.withUnsafeBufferPointer { sourceBuffer in
                let source = sourceBuffer.baseAddress!
                for y in 0..<size.height {
                    let row = output + y * size.width * channels
                    // Source coordinates of this row's first pixel, and their steps along the row.
                    let (startX, startY) = (stepXY * y + originX, stepYY * y + originY)
                    let inside = insideRange(start: startX, step: stepXX, limit: sourceWidth, count: size.width)
                        .clamped(to: insideRange(start: startY, step: stepYX, limit: sourceHeight, count: size.width))
                    // The fill goes after the copy: `copyPixels` spills a byte past its last pixel.
                    defer {
                        fillPixels(row, from: 0, to: inside.lowerBound, fillValues, C.self)
                        fillPixels(row, from: inside.upperBound, to: size.width, fillValues, C.self)
                    }
                    if inside.isEmpty { continue }
                    let first = inside.lowerBound
                    let sourceIndex = (startY + stepYX * first) * sourceWidth + startX + stepXX * first
                    let step = stepXX + stepYX * sourceWidth
                    let from = source + sourceIndex * channels
                    let to = row + first * channels
                    if step == 1 {
                        to.update(from: from, count: inside.count * channels)
                    } else if step == -1 {
                        mirrorPixels(from - (inside.count - 1) * channels, count: inside.count, into: to,
                                     image: sourceBuffer, instructions: instructions, C.self)
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

    /// True when `start + step * i` lies in `0..<limit` for every `i` in `0..<count`, `step`
    /// being -1, 0 or 1 (so the ends decide).
    @inline(__always)
    static func wholeRowsInside(start: Int, step: Int, count: Int, limit: Int) -> Bool {
        let end = start + step * (count - 1)
        return (0..<limit).contains(start) && (0..<limit).contains(end)
    }

    /// The common exact copies (flips, crops, half turns): every output row is a whole run of
    /// one source row, forwards or mirrored, with nothing outside the source. A row is then one
    /// `memcpy` or one `mirrorPixels`, without the general path's per-row bookkeeping (about a
    /// sixth of a vertical flip's time); rows that are consecutive and whole in the source
    /// (full-width crops) are one `memcpy` together.
    ///
    /// - Complexity: O(output pixels); no allocation past the output image.
    private static func copyWholeRows<C: ChannelCount>(
        _ image: Image, size: Size, mirrored: Bool, firstColumn: Int, firstRow: Int, rowStep: Int, _: C.Type
    ) -> Image {
        let rowLength = size.width * C.count
        let sourceRowLength = image.width * C.count
        let instructions = InstructionSet.available
        return Image.make(size, channels: C.count) { output in
            image.pixels.withUnsafeBufferPointer { sourceBuffer in
                let source = sourceBuffer.baseAddress!
                if !mirrored && rowStep == 1 && rowLength == sourceRowLength {
                    output.update(from: source + firstRow * sourceRowLength, count: rowLength * size.height)
                    return
                }
                // The row's leftmost source pixel, mirrored or not.
                let leftColumn = mirrored ? firstColumn - (size.width - 1) : firstColumn
                for index in 0..<size.height {
                    // Source rows in address order, which the prefetchers follow (measured 1-4%
                    // faster for a vertical flip than reading them backwards).
                    let y = rowStep < 0 ? size.height - 1 - index : index
                    let from = source + (firstRow + rowStep * y) * sourceRowLength + leftColumn * C.count
                    let to = output + y * rowLength
                    if mirrored {
                        mirrorPixels(from, count: size.width, into: to, image: sourceBuffer, instructions: instructions, C.self)
                    } else {
                        to.update(from: from, count: rowLength)
                    }
                }
            }
        }
    }

    /// Copies `count` pixels, reading every `step`-th source pixel (transposed and quarter-turned
    /// rows; a step of -1 goes to `mirrorPixels`): whole pixels as one word each (2 or 4 bytes;
    /// 3-channel pixels as 4 bytes whose last spills onto the next output pixel, written right
    /// after).
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
