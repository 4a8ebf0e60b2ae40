// The float separable kernel as it was before the fixed-point rewrite (commit 6954842), kept
// verbatim (types renamed) as the reference the fixed-point kernel must stay within 1 level of.
@testable import Augment

enum ReferenceSeparable {
    /// Resamples through an axis-aligned map (resizes, zooms, crops, flips and their
    /// combinations): the source column of every output column, and the source row of every
    /// output row, are worked out once in tables, so the pixel loop only loads and blends.
    ///
    /// - Complexity: O(output pixels + output width + output height).
    static func resampleSeparable(_ image: Image, map: AffineMap, size: Size,
                                  interpolation: Interpolation, border: Border) -> Image {
        switch image.channels {
        case 1: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, OneChannel.self)
        case 2: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, TwoChannels.self)
        case 3: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, ThreeChannels.self)
        default: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, FourChannels.self)
        }
    }

    /// Two passes, as OpenCV's resize: each source row that some output row needs is
    /// interpolated horizontally once, into a float row of the output's width, and each output
    /// row is then a blend of two such rows, a loop over contiguous floats that vectorises.
    /// The two most recent horizontal rows are kept, so neighbouring output rows that read the
    /// same source rows (enlarging) do not redo them.
    static func resampleSeparable<C: ChannelCount>(
        _ image: Image, map: AffineMap, size: Size, interpolation: Interpolation, border: Border, _: C.Type
    ) -> Image {
        let columns = RefAxisTaps(outputCount: size.width, scale: map.xx, offset: map.x0, sourceCount: image.width,
                               interpolation: interpolation, border: border, elementStride: C.count)
        let rows = RefAxisTaps(outputCount: size.height, scale: map.yy, offset: map.y0, sourceCount: image.height,
                            interpolation: interpolation, border: border, elementStride: 1)
        var fill = SIMD4<Float>(repeating: 0)
        if case .constant(let values) = border {
            for channel in 0..<C.count { fill[channel] = Float(values.value(channel: channel)) }
        }
        let rowLength = size.width * C.count
        // Two horizontal rows, each with 4 floats of slack so that 4-lane stores may spill.
        var buffers = [Float](repeating: 0, count: 2 * (rowLength + 4))
        // Four bytes of slack after the pixels: for some random maps this old kernel loads 4 bytes
        // starting at the source's end (AddressSanitizer saw it on a 36-byte image); the product
        // kernel that replaced it does not.
        let paddedPixels = image.pixels + [0, 0, 0, 0]
        return Image.make(size, channels: C.count) { output in
            paddedPixels.withUnsafeBufferPointer { source in
                buffers.withUnsafeMutableBufferPointer { buffers in
                    columns.withTables { first, second, firstWeight, secondWeight, _ in
                        rows.withTables { top, bottom, topWeight, bottomWeight, coveredY in
                            let source = source.baseAddress!
                            let sourceStride = image.width * C.count
                            // Two buffers, each holding one source row's horizontal pass (or none yet).
                            let slots = (buffers.baseAddress!, buffers.baseAddress! + rowLength + 4)
                            var rowsInSlots = (-1, -1)
                            /// The horizontal pass of source row `sourceRow`, reused if a slot holds it,
                            /// else computed into the slot that does not hold `kept`.
                            func horizontal(_ sourceRow: Int, keeping kept: Int) -> UnsafeMutablePointer<Float> {
                                if rowsInSlots.0 == sourceRow { return slots.0 }
                                if rowsInSlots.1 == sourceRow { return slots.1 }
                                let useFirst = rowsInSlots.0 != kept
                                let buffer = useFirst ? slots.0 : slots.1
                                interpolateRow(source + sourceRow * sourceStride, into: buffer, count: size.width,
                                               first: first, second: second, firstWeight: firstWeight, secondWeight: secondWeight,
                                               safeLoads: sourceRow < image.height - 1, C.self)
                                if useFirst { rowsInSlots.0 = sourceRow } else { rowsInSlots.1 = sourceRow }
                                return buffer
                            }
                            // Columns outside a constant border carry less than full weight, and so do
                            // rows: the fill makes up the rest. Both as whole rows, so the loop vectorises.
                            var columnFill = [Float](repeating: 0, count: rowLength)
                            var fillRow = [Float](repeating: 0, count: rowLength)
                            for x in 0..<size.width {
                                let uncovered = 1 - (firstWeight[x] + secondWeight[x])
                                for channel in 0..<C.count {
                                    columnFill[x * C.count + channel] = uncovered * fill[channel]
                                    fillRow[x * C.count + channel] = fill[channel]
                                }
                            }
                            // A zero fill adds nothing: the common case skips those terms.
                            let hasFill = fill != SIMD4(repeating: 0)
                            columnFill.withUnsafeBufferPointer { columnFill in
                                fillRow.withUnsafeBufferPointer { fillRow in
                                    let (columnFill, fillRow) = (columnFill.baseAddress!, fillRow.baseAddress!)
                                    for y in 0..<size.height {
                                        let upper = horizontal(top[y], keeping: bottom[y])
                                        let lower = horizontal(bottom[y], keeping: top[y])
                                        let (upperWeight, lowerWeight) = (topWeight[y], bottomWeight[y])
                                        let (covered, rowFill) = (coveredY[y], 1 - coveredY[y])
                                        let outputRow = output + y * rowLength
                                        if hasFill {
                                            for element in 0..<rowLength {
                                                let value = upperWeight * upper[element] + lowerWeight * lower[element]
                                                    + covered * columnFill[element] + rowFill * fillRow[element]
                                                outputRow[element] = UInt8(truncatingIfNeeded: (value + 12_582_912).bitPattern)
                                            }
                                        } else {
                                            for element in 0..<rowLength {
                                                let value = upperWeight * upper[element] + lowerWeight * lower[element]
                                                outputRow[element] = UInt8(truncatingIfNeeded: (value + 12_582_912).bitPattern)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One horizontal pass: `count` output pixels from one source row, as floats, 4 per pixel
    /// stride `C.count` (the 4th lane spills onto the next pixel, written after it, or onto the
    /// buffer's slack). `safeLoads` says the row is not the source's last, so a 4-byte load of
    /// its last pixel stays inside the image.
    @inline(__always)
    static func interpolateRow<C: ChannelCount>(
        _ row: UnsafePointer<UInt8>, into buffer: UnsafeMutablePointer<Float>, count: Int,
        first: UnsafePointer<Int>, second: UnsafePointer<Int>,
        firstWeight: UnsafePointer<Float>, secondWeight: UnsafePointer<Float>, safeLoads: Bool, _: C.Type
    ) {
        let output = UnsafeMutableRawPointer(buffer)
        if safeLoads || C.count == 4 {
            for x in 0..<count {
                let value = firstWeight[x] * RefPixelVector.load(row + first[x]) + secondWeight[x] * RefPixelVector.load(row + second[x])
                output.storeBytes(of: value, toByteOffset: x * C.count * 4, as: SIMD4<Float>.self)
            }
        } else {
            for x in 0..<count {
                let value = firstWeight[x] * RefPixelVector.loadChannels(row + first[x], count: C.count)
                    + secondWeight[x] * RefPixelVector.loadChannels(row + second[x], count: C.count)
                output.storeBytes(of: value, toByteOffset: x * C.count * 4, as: SIMD4<Float>.self)
            }
        }
    }
}

/// The two source taps and weights of every output position along one axis.
///
/// Offsets are in bytes (index × `elementStride`) and always point inside the source, so the
/// pixel loop needs no checks; a tap outside the source has weight 0 under a constant border
/// (and `covered` says how much weight remains), or is moved to the edge under clamping.
/// Nearest sampling is the special case of one tap with weight 1.
struct RefAxisTaps {
    var first: [Int]
    var second: [Int]
    var firstWeight: [Float]
    var secondWeight: [Float]
    var covered: [Float]

    init(outputCount: Int, scale: Double, offset: Double, sourceCount: Int,
         interpolation: Interpolation, border: Border, elementStride: Int) {
        first = []; second = []; firstWeight = []; secondWeight = []; covered = []
        first.reserveCapacity(outputCount); second.reserveCapacity(outputCount)
        firstWeight.reserveCapacity(outputCount); secondWeight.reserveCapacity(outputCount)
        covered.reserveCapacity(outputCount)
        let clamps = border == .clamp
        /// A tap inside the source keeps its index and weight; outside, it moves to the edge
        /// (clamping) or loses its weight (a constant border, which the fill makes up).
        func place(_ index: Int, _ weight: Double) -> (index: Int, weight: Double) {
            if (0..<sourceCount).contains(index) { return (index, weight) }
            return clamps ? (min(max(index, 0), sourceCount - 1), weight) : (0, 0)
        }
        for position in 0..<outputCount {
            let location = scale * Double(position) + offset
            let left: (index: Int, weight: Double), right: (index: Int, weight: Double)
            if interpolation == .nearest {
                left = place(Int(min(max((location + 0.5).rounded(.down), -2), Double(sourceCount + 1))), 1)
                right = (left.index, 0)
            } else {
                let low = min(max(location.rounded(.down), -2), Double(sourceCount + 1))
                let fraction = min(max(location - low, 0), 1)
                left = place(Int(low), 1 - fraction)
                right = place(Int(low) + 1, fraction)
            }
            first.append(left.index * elementStride)
            second.append(right.index * elementStride)
            firstWeight.append(Float(left.weight))
            secondWeight.append(Float(right.weight))
            covered.append(Float(left.weight + right.weight))
        }
    }

    func withTables<Result>(
        _ body: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Result
    ) -> Result {
        first.withUnsafeBufferPointer { first in
            second.withUnsafeBufferPointer { second in
                firstWeight.withUnsafeBufferPointer { firstWeight in
                    secondWeight.withUnsafeBufferPointer { secondWeight in
                        covered.withUnsafeBufferPointer { covered in
                            body(first.baseAddress!, second.baseAddress!, firstWeight.baseAddress!,
                                 secondWeight.baseAddress!, covered.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}
